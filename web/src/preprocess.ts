/**
 * The drawing pad's picture to what it says, by the library's own reading
 * (src/read/read-picture.ts), the code `digitnet predict` runs on a PNG:
 * canvas ImageData is a RasterImage. One digit, or a number of several
 * digits written side by side, or "not a digit". The pad is dark ink on
 * white paper, so the polarity is known and not guessed, and the canvas is
 * clean and evenly lit, so no uneven light or ruled lines are looked for
 * (most of a reading's time, redone at every stroke).
 */
import type { Network } from '../../src/nn/network.js';
import { type PictureReading, readPicture } from '../../src/read/read-picture.js';

export function readPad(network: Network, image: ImageData): PictureReading {
  return readPicture(network, image, { name: 'your drawing', ink: 'dark', drawing: true });
}
