/**
 * PNG or JPEG bytes to the network's 784 inputs: decode.ts, then image.ts.
 * The one path from an image file to an input, shared by `digitnet predict`
 * and the server's POST /api/predict. Node only (decode.ts uses sharp).
 */
import { decodeImage } from './decode.js';
import { toMnistInput, WORKING_SIDE } from './image.js';
import type { InkPolarity } from './ink.js';

export async function imageBytesToInput(bytes: Uint8Array, name: string, ink: InkPolarity = 'auto'): Promise<Float32Array> {
  // The decoder reduces to the working size itself, while decoding (much faster for a large JPEG),
  // so image.ts's own reduction finds nothing left to do.
  const image = await decodeImage(bytes, name, { maxSide: WORKING_SIDE });
  return toMnistInput(image, { name, ink });
}
