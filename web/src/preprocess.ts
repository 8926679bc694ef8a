/**
 * The drawing pad's picture to the network's 784 inputs, by the library's
 * own preprocessing (src/data/image.ts), the code `digitnet predict` runs on
 * a PNG: canvas ImageData is a RasterImage. The pad is dark ink on white
 * paper, so the polarity is known and not guessed.
 */
import { toMnistInput } from '../../src/data/image.js';

export function padToInput(image: ImageData): Float32Array {
  return toMnistInput(image, { name: 'your drawing', ink: 'dark' });
}
