/**
 * RGBA to one grey byte per pixel, as the eye sees it: Rec. 601 luma
 * (0.299 R + 0.587 G + 0.114 B), with transparency composited over paper.
 *
 * Which paper? A drawing on a transparent canvas is the common case: its
 * strokes are the opaque pixels, and they may be black or white. So when
 * most of the image is transparent, the strokes are the ink and the paper is
 * chosen to contrast with them: white under dark strokes, black under light
 * ones (by the alpha-weighted mean luma of the strokes). When most of the
 * image is opaque (a photo with transparent corners, a scan with an alpha
 * channel), the transparent parts are filled with the opaque part's median
 * grey, i.e. its own background, so they add no ink.
 */
import { DigitNetError } from '../errors.js';
import type { RasterImage } from './raster.js';

/** Grey 0..255 of each pixel, alpha composited as described above. */
export function toGrey(image: RasterImage, name = 'image'): Uint8ClampedArray {
  const { data } = image;
  const n = image.width * image.height;
  const grey = new Uint8ClampedArray(n);
  let transparent = 0;
  let minAlpha = 255;
  let maxAlpha = 0;
  for (let p = 0; p < n; p++) {
    const i = 4 * p;
    grey[p] = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    const alpha = data[i + 3];
    if (alpha < 128) transparent++;
    if (alpha < minAlpha) minAlpha = alpha;
    if (alpha > maxAlpha) maxAlpha = alpha;
  }
  if (minAlpha === 255) return grey; // fully opaque
  if (maxAlpha === 0) throw new DigitNetError(`${name}: no digit found (the image is fully transparent)`);

  const paper = transparent * 2 >= n ? contrastingPaper(grey, data) : opaqueMedian(grey, data);
  for (let p = 0; p < n; p++) {
    const a = data[4 * p + 3] / 255;
    grey[p] = a * grey[p] + (1 - a) * paper;
  }
  return grey;
}

/** White (255) under dark strokes, black (0) under light ones. */
function contrastingPaper(grey: Uint8ClampedArray, data: RasterImage['data']): number {
  let weighted = 0;
  let total = 0;
  for (let p = 0; p < grey.length; p++) {
    const a = data[4 * p + 3];
    weighted += a * grey[p];
    total += a;
  }
  return weighted / total < 128 ? 255 : 0;
}

/** The median grey of the mostly opaque pixels (alpha ≥ 128). */
function opaqueMedian(grey: Uint8ClampedArray, data: RasterImage['data']): number {
  const histogram = new Uint32Array(256);
  let count = 0;
  for (let p = 0; p < grey.length; p++) {
    if (data[4 * p + 3] >= 128) {
      histogram[grey[p]]++;
      count++;
    }
  }
  let seen = 0;
  for (let g = 0; g < 256; g++) {
    seen += histogram[g];
    if (seen * 2 >= count) return g;
  }
  return 255;
}

