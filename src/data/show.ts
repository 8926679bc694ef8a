/**
 * The network's 28×28 input back as a PNG file, so a person can see what
 * the network saw (`predict --show`): white ink on black, as MNIST, each
 * input one grey pixel, or a scale×scale square of them (nearest neighbour,
 * so the pixels stay visible). Uses pngjs's encoder, which needs Node's zlib.
 */
import { PNG } from 'pngjs';
import { DigitNetError } from '../errors.js';
import { MNIST_SIDE } from './image.js';

/** An 8-bit grey PNG of the 784 inputs (values in [0, 1]), `scale` times larger on each side. */
export function mnistInputToPng(input: ArrayLike<number>, scale = 1): Uint8Array {
  if (input.length !== MNIST_SIDE * MNIST_SIDE) {
    throw new DigitNetError(`an MNIST input has ${MNIST_SIDE * MNIST_SIDE} values (28×28), got ${input.length}`);
  }
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) {
    throw new DigitNetError(`the PNG scale must be a whole number from 1 to 64, got ${scale}`, 2);
  }
  const side = MNIST_SIDE * scale;
  const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  const grey = Buffer.alloc(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = input[Math.floor(y / scale) * MNIST_SIDE + Math.floor(x / scale)];
      if (!Number.isFinite(v)) throw new DigitNetError(`an MNIST input value is not a number: ${v}`);
      grey[y * side + x] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  png.data = grey;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}
