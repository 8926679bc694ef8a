/**
 * The drawing pad's picture to the network's 784 inputs. This is the only
 * place the page turns pixels into inputs, and it must do it exactly as the
 * command line does (src/data/image.ts toMnistInput).
 *
 * PLACEHOLDER until toMnistInput is merged into main: a plain box downscale
 * of the whole pad to 28×28, no crop or centring. To be replaced by
 *   toMnistInput({ width, height, data: image.data }, { ink: 'dark' })
 */
import { DigitNetError } from '../../src/errors.js';

export function padToInput(image: ImageData): Float32Array {
  const block = image.width / 28;
  const input = new Float32Array(784);
  let ink = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const k = Math.floor(y / block) * 28 + Math.floor(x / block);
      input[k] += (1 - image.data[4 * (y * image.width + x)] / 255) / (block * block);
    }
  }
  for (const v of input) ink += v;
  if (ink === 0) throw new DigitNetError('no digit found');
  return input;
}
