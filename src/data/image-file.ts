/**
 * PNG or JPEG bytes to the network's 784 inputs: decode.ts, then image.ts.
 * The one path from an image file to an input, shared by `digitnet predict`
 * and the server's POST /api/predict. Node only (decode.ts uses pngjs).
 */
import { decodeImage } from './decode.js';
import { toMnistInput } from './image.js';
import type { InkPolarity } from './ink.js';

export function imageBytesToInput(bytes: Uint8Array, name: string, ink: InkPolarity = 'auto'): Float32Array {
  return toMnistInput(decodeImage(bytes, name), { name, ink });
}
