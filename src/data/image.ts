/**
 * A person's picture of a digit to the network's input, done the way MNIST's
 * makers prepared theirs: white ink on black, the digit scaled with
 * anti-aliasing so its longer side is 20 pixels (aspect ratio kept), then
 * placed in a 28×28 field with its centre of mass at pixel (14, 14) (shifted
 * by whole pixels, clipped at the edges). Measured on MNIST's test set, the
 * centre of mass of every digit lies within half a pixel of (14, 14) in
 * 0-based pixel coordinates, and 9,997 of 10,000 bounding boxes have a
 * longer side of exactly 20.
 *
 * Steps: grey (grey.ts) → working copy at most 1024 pixels a side (box
 * filter, unless the decoder already reduced it; a number of digits needs
 * no more) → ink map (ink.ts: the paper under uneven light, polarity,
 * contrast, noise; ruled lines, the page's edge and dust taken away) → crop
 * to the ink's bounding box → resample to the 20-pixel box (resample.ts) →
 * scale so the brightest pixel is 1 → centre by mass. A number is split
 * into its digits between the ink map and the crop (segment.ts,
 * read/read-picture.ts). Works on any RasterImage, decoded file or canvas
 * ImageData alike; no Node APIs.
 */
import { DigitNetError } from '../errors.js';
import { toGrey } from './grey.js';
import { type InkPolarity, inkMap } from './ink.js';
import { inkBounds } from './components.js';
import { checkRaster, type RasterImage } from './raster.js';
import { resample } from './resample.js';

/** MNIST's field: 28×28 pixels, the digit fitted into 20×20, its centre of mass at (14, 14). */
export const MNIST_SIDE = 28;
/** The network's inputs for one picture: 28×28 = 784. */
export const MNIST_INPUTS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_BOX = 20;
export const MNIST_CENTRE = 14;
/** Pictures larger than this on either side are first reduced to it (box filter). */
export const WORKING_SIDE = 1024;

export interface MnistInputOptions {
  /** Used in error messages, e.g. the file name. @default 'image' */
  name?: string;
  /** Dark ink on light paper, light ink on dark paper, or decide from the picture. @default 'auto' */
  ink?: InkPolarity;
  /**
   * A drawing on a clean, evenly lit canvas (the page's pad), not a photo or
   * a scan: the paper is one level and there are no ruled lines, so neither
   * is looked for. That is most of the work of a reading, which the pad
   * redoes at every stroke. @default false
   */
  drawing?: boolean;
}

/**
 * The 784 inputs (row-major 28×28, values in [0, 1], ink bright on 0) for
 * the digit in `image`. Throws a DigitNetError if the image is empty, too
 * large, or holds no ink ("no digit found").
 */
export function toMnistInput(image: RasterImage, options: MnistInputOptions = {}): Float32Array {
  const { ink, w, h } = workingInk(image, options);
  return inkToMnistInput(ink, w, h, options.name ?? 'image');
}

/** The picture's ink map at working size (at most WORKING_SIDE a side); `scale` = working pixels per picture pixel. */
export interface WorkingInk {
  ink: Float32Array;
  w: number;
  h: number;
  scale: number;
}

/** The ink map of `image` (ink.ts) at working size, before cropping: what the digit segmentation splits. */
export function workingInk(image: RasterImage, options: MnistInputOptions = {}): WorkingInk {
  const name = options.name ?? 'image';
  const polarity = options.ink ?? 'auto';
  if (polarity !== 'auto' && polarity !== 'dark' && polarity !== 'light') {
    throw new DigitNetError(`ink must be 'auto', 'dark' or 'light', got '${String(polarity)}'`, 'usage');
  }
  checkRaster(image, name);
  const { grey, w, h } = workingGrey(image, name);
  return { ink: inkMap(grey, w, h, polarity, name, options.drawing ?? false), w, h, scale: w / image.width };
}

/**
 * An ink map (w×h, 0 paper to 1 full stroke) to the 784 inputs: cropped to
 * the ink, fitted into 20×20, centred by mass in 28×28. Throws "no digit
 * found" for an empty map.
 */
export function inkToMnistInput(ink: Float32Array, w: number, h: number, name = 'image'): Float32Array {
  const box = fitToBox(ink, w, h, name);
  return centreByMass(box.pixels, box.width, box.height);
}

/** The grey picture, reduced so neither side exceeds WORKING_SIDE. */
function workingGrey(image: RasterImage, name: string): { grey: ArrayLike<number>; w: number; h: number } {
  const { width, height } = image;
  const grey = toGrey(image, name);
  const scale = WORKING_SIDE / Math.max(width, height);
  if (scale >= 1) return { grey, w: width, h: height };
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  return { grey: resample(grey, width, height, { x: 0, y: 0, width, height }, w, h), w, h };
}

/** The ink's bounding box resampled so its longer side is MNIST_BOX, brightest pixel scaled to 1. */
function fitToBox(ink: Float32Array, w: number, h: number, name: string): { pixels: Float32Array; width: number; height: number } {
  const bounds = inkBounds(ink, w, h);
  if (!bounds) throw new DigitNetError(`${name}: no digit found (the image is blank)`);
  const { x: x0, y: y0, width: inkW, height: inkH } = bounds;
  const scale = MNIST_BOX / Math.max(inkW, inkH);
  const width = Math.max(1, Math.min(MNIST_BOX, Math.round(inkW * scale)));
  const height = Math.max(1, Math.min(MNIST_BOX, Math.round(inkH * scale)));
  // The window is the box's extent in the picture, centred on the ink's bounding box.
  const window = {
    x: x0 - (width / scale - inkW) / 2,
    y: y0 - (height / scale - inkH) / 2,
    width: width / scale,
    height: height / scale,
  };
  const pixels = resample(ink, w, h, window, width, height);
  let max = 0;
  for (const v of pixels) max = Math.max(max, v);
  if (max <= 0) throw new DigitNetError(`${name}: no digit found (the image is blank)`);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, pixels[i] / max);
  return { pixels, width, height };
}

/** Place the width×height box in the 28×28 field so its centre of mass is nearest (14, 14); clip what falls outside. */
function centreByMass(box: Float32Array, width: number, height: number): Float32Array {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = box[y * width + x];
      mass += v;
      mx += x * v;
      my += y * v;
    }
  }
  const left = Math.round(MNIST_CENTRE - mx / mass);
  const top = Math.round(MNIST_CENTRE - my / mass);
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < height; y++) {
    const ty = top + y;
    if (ty < 0 || ty >= MNIST_SIDE) continue;
    for (let x = 0; x < width; x++) {
      const tx = left + x;
      if (tx >= 0 && tx < MNIST_SIDE) out[ty * MNIST_SIDE + tx] = box[y * width + x];
    }
  }
  return out;
}
