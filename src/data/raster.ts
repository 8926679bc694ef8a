/**
 * A decoded picture as RGBA bytes, row-major, 4 bytes per pixel, not
 * premultiplied: the shape of both a decoded PNG/JPEG and a browser
 * canvas's ImageData, so either goes through the same preprocessing.
 */
import { DigitNetError } from '../errors.js';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './image-header.js';

export interface RasterImage {
  width: number;
  height: number;
  /** width×height×4 bytes: R, G, B, A of pixel (x, y) at 4·(y·width + x). */
  data: Uint8Array | Uint8ClampedArray;
}

/** Throw a DigitNetError naming `name` unless the image is a non-empty, in-limits RGBA raster. */
export function checkRaster(image: RasterImage, name = 'image'): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new DigitNetError(`${name}: width and height must be whole numbers, got ${width}×${height}`);
  }
  if (width === 0 || height === 0) throw new DigitNetError(`${name}: the image is empty (${width}×${height} pixels)`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new DigitNetError(`${name}: ${width}×${height} pixels is more than the limit of ${MAX_IMAGE_SIDE} per side and ${MAX_IMAGE_PIXELS / 1e6} megapixels`);
  }
  if (data.length !== width * height * 4) {
    throw new DigitNetError(`${name}: ${width}×${height} RGBA needs ${width * height * 4} bytes, got ${data.length}`);
  }
}
