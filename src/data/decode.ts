/**
 * Decode a PNG or JPEG file's bytes into RGBA pixels, the one place that
 * knows about image file formats. The header is checked first
 * (image-header.ts) so absurd sizes never reach a decoder; the decoders'
 * own errors become one-line DigitNetErrors naming the file.
 *
 * PNG: `pngjs` (every colour type and bit depth: grey, grey+alpha, RGB,
 * RGBA, palette with tRNS, 1–16 bits; 16-bit samples are scaled to 8).
 * JPEG: `jpeg-js` (baseline and progressive). Both are pure JavaScript, but
 * pngjs's sync reader needs Node's `zlib`, `stream`, `util` and `Buffer`:
 * in a browser, decode with the browser itself (canvas ImageData is already
 * a RasterImage) rather than bundling this file.
 *
 * Known gap: for an interlaced PNG, pngjs inflates without an output cap,
 * so a small interlaced file with a hostile compressed stream could inflate
 * to more than its declared size before pngjs notices.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DigitNetError, oneLineMessage } from '../errors.js';
import { MAX_IMAGE_PIXELS, readImageHeader } from './image-header.js';
import type { RasterImage } from './raster.js';

/**
 * jpeg-js's own memory cap. By its count (4-byte coefficients, 1-byte
 * component planes, then RGB and RGBA copies) a 50 MP colour JPEG needs
 * about 690 MB with the usual 4:2:0 chroma and 1,050 MB at full chroma
 * resolution (4:4:4); 1,200 lets both through. Real use is higher still:
 * each 8×8 block is its own Int32Array.
 */
const JPEG_MAX_MEMORY_MB = 1200;

/** Decode PNG or JPEG bytes to RGBA; `name` (the file name) starts every error message. */
export function decodeImage(bytes: Uint8Array, name = 'image'): RasterImage {
  const header = readImageHeader(bytes, name);
  const kind = header.format.toUpperCase();
  let image: RasterImage;
  try {
    image = header.format === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (e) {
    const reason = oneLine(e);
    if (/maxMemoryUsageInMB|maxResolutionInMP|allocate/.test(reason)) {
      throw new DigitNetError(`${name}: the ${kind} is too large to decode here (${reason}): scale it down first`);
    }
    // A PNG's chunks were checked complete, so a PNG that fails here is corrupt, not cut off.
    const what = header.format === 'png' ? 'corrupt PNG' : 'corrupt or truncated JPEG';
    throw new DigitNetError(`${name}: ${what} (${reason})`);
  }
  if (image.width !== header.width || image.height !== header.height) {
    throw new DigitNetError(`${name}: corrupt ${kind} (header says ${header.width}×${header.height}, decoded ${image.width}×${image.height})`);
  }
  if (image.data.length !== image.width * image.height * 4) {
    throw new DigitNetError(`${name}: corrupt ${kind} (decoded ${image.data.length} bytes for ${image.width}×${image.height} RGBA)`);
  }
  return image;
}

function decodePng(bytes: Uint8Array): RasterImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const png = PNG.sync.read(buffer);
  return { width: png.width, height: png.height, data: png.data };
}

function decodeJpeg(bytes: Uint8Array): RasterImage {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
  });
  return { width: img.width, height: img.height, data: img.data };
}

function oneLine(e: unknown): string {
  return oneLineMessage(e) || 'unknown decoder error';
}
