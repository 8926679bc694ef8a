/**
 * What `predict` gets right on people's pictures, against what the same
 * model gets right on the same digits as MNIST gives them. 400 MNIST test
 * digits (every 25th), each drawn as a "user" picture (user-image.ts: dark
 * ink on grey paper or strokes on a transparent canvas, enlarged 5×,
 * off-centre, noisy, saved as PNG or JPEG), 50 per kind of picture, then
 * decoded and preprocessed as `predict` does.
 *
 * Measured with the shipped model (README "Predict"): on these 400, 98.75%
 * as MNIST inputs and 98.25% as pictures, a gap of 0.5 points (2 digits);
 * on all 10,000 test digits 98.19% and 98.12%, a gap of 0.07 points. The bound, 2 points (8 of 400), is
 * about three standard deviations of a paired difference with the ~2% of
 * digits on which the two disagree, so re-making the model or retuning the
 * preprocessing stays inside it, while a real fault does not: a centring
 * 4 pixels off costs 6 points, and without inversion 5% are right.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predictImage } from '../src/cli/predict-image.js';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { userDigit } from './image-files.js';
import { USER_VARIANTS } from './user-image.js';

const COUNT = 400;
const STEP = 25;
const MAX_GAP = 0.02;

test('predict on user pictures is within 2 points of the same model on the MNIST digits', async () => {
  const { network } = loadDigitModel(undefined);
  let mnistCorrect = 0;
  let userCorrect = 0;
  const perVariant = new Map<string, number>();
  for (let k = 0; k < COUNT; k++) {
    const digit = userDigit(k * STEP, USER_VARIANTS[k % USER_VARIANTS.length]);
    if (network.predict(Float32Array.from(digit.pixels, (v) => v / 255)) === digit.label) mnistCorrect++;
    if ((await predictImage(network, digit.bytes, `digit ${digit.index} (${digit.variant})`, 'auto')).digit === digit.label) {
      userCorrect++;
      perVariant.set(digit.variant, (perVariant.get(digit.variant) ?? 0) + 1);
    }
  }
  const mnist = mnistCorrect / COUNT;
  const user = userCorrect / COUNT;
  const report = `MNIST ${(100 * mnist).toFixed(2)}%, pictures ${(100 * user).toFixed(2)}%, by kind ${JSON.stringify(Object.fromEntries(perVariant))}`;
  assert.ok(mnist >= 0.97, report);
  assert.ok(mnist - user <= MAX_GAP, report);
  // No kind of picture may fail on its own (each has 50): a broken decoder or polarity shows here even if the total holds.
  for (const variant of USER_VARIANTS) assert.ok((perVariant.get(variant) ?? 0) >= 46, `${variant}: ${report}`);
});
