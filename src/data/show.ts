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
    throw new DigitNetError(`the PNG scale must be a whole number from 1 to 64, got ${scale}`, 'usage');
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

/** Several inputs side by side, 1-pixel grey gaps between them, as one PNG (a number's digits). */
export function mnistInputsToPng(inputs: ArrayLike<number>[], scale = 1): Uint8Array {
  if (inputs.length === 1) return mnistInputToPng(inputs[0], scale);
  const side = MNIST_SIDE;
  const width = inputs.length * (side + 1) - 1;
  const strip = new Float32Array(width * side).fill(0.25);
  inputs.forEach((input, k) => {
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) strip[y * width + k * (side + 1) + x] = input[y * side + x];
  });
  const png = new PNG({ width: width * scale, height: side * scale, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  const grey = Buffer.alloc(width * scale * side * scale);
  for (let y = 0; y < side * scale; y++) {
    for (let x = 0; x < width * scale; x++) grey[y * width * scale + x] = Math.round(255 * Math.min(1, Math.max(0, strip[Math.floor(y / scale) * width + Math.floor(x / scale)] || 0)));
  }
  png.data = grey;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}
