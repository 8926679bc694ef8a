/**
 * Reading a picture whole (src/read): a number written left to right comes
 * back as its digits in order, a single digit as itself, a network's unsure
 * or "not a digit" answer as null, and digits run together as "touching".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { loadMnist } from '../src/data/mnist.js';
import type { RasterImage } from '../src/data/raster.js';
import { Network } from '../src/nn/network.js';
import { answerDigit, MIN_CONFIDENCE } from '../src/read/answer.js';
import { readPicture } from '../src/read/read-picture.js';
import { Random } from '../src/random.js';
import { composeNumber, mnistBitmap } from './number-image.js';

const { test: mnist } = loadMnist();
const { network } = loadDigitModel(undefined);

/** Dark ink on light paper, from an ink map. */
function paper(ink: Float32Array, w: number, h: number): RasterImage {
  const data = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) data.fill(Math.round(235 - 200 * ink[p]), 4 * p, 4 * p + 3), (data[4 * p + 3] = 255);
  return { width: w, height: h, data };
}

/** The first MNIST test digits with these labels that the shipped model reads right alone. */
function digitsFor(text: string): number[] {
  const used = new Set<number>();
  return [...text].map((c) => {
    for (let n = 0; n < 10000; n++) {
      if (mnist.labels[n] !== Number(c) || used.has(n)) continue;
      const input = Float32Array.from(mnist.images.subarray(n * 784, (n + 1) * 784), (v) => v / 255);
      if (answerDigit(network, input).digit === Number(c)) {
        used.add(n);
        return n;
      }
    }
    throw new Error(`no ${c}`);
  });
}

for (const text of ['37', '2026', '560034']) {
  test(`"${text}" written left to right is read as ${text}, each digit with its box`, () => {
    const bitmaps = digitsFor(text).map((n) => mnistBitmap(mnist.images.subarray(n * 784, (n + 1) * 784), 4));
    const number = composeNumber(bitmaps, { gaps: bitmaps.slice(1).map((_, i) => [30, 12, 4][i % 3]), margin: 40 });
    const reading = readPicture(network, paper(number.ink, number.w, number.h), { name: text });
    assert.equal(reading.text, text);
    assert.equal(reading.digits.length, text.length);
    for (let i = 1; i < reading.digits.length; i++) assert.ok(reading.digits[i].box.x > reading.digits[i - 1].box.x);
  });
}

test('a single digit is read as one digit', () => {
  const [n] = digitsFor('4');
  const b = mnistBitmap(mnist.images.subarray(n * 784, (n + 1) * 784), 5);
  const one = composeNumber([b], { gaps: [], margin: 50 });
  const reading = readPicture(network, paper(one.ink, one.w, one.h));
  assert.equal(reading.text, '4');
  assert.equal(reading.digits.length, 1);
});

test('two zeros written into each other, beside a 7, are said to be touching, not misread', () => {
  const [z1, z2, seven] = digitsFor('007');
  const bitmaps = [z1, z2, seven].map((n) => mnistBitmap(mnist.images.subarray(n * 784, (n + 1) * 784), 3));
  const number = composeNumber(bitmaps, { gaps: [-8, 30], margin: 40 });
  const reading = readPicture(network, paper(number.ink, number.w, number.h));
  assert.equal(reading.text, null);
  assert.equal(reading.reason, 'touching digits that cannot be split');
  assert.equal(reading.touching.length, 1);
  assert.equal(reading.digits.length, 1, 'the 7 is read on its own');
});

test('an unsure network, or one whose "not a digit" output wins, answers null with its best guess', () => {
  const input = new Float32Array(784).fill(0.5);
  const flat = Network.create({ sizes: [784, 11], activations: ['softmax'], cost: 'log-likelihood' }, new Random(1), 'he');
  flat.layers[0].weights.fill(0);
  flat.layers[0].biases.fill(0);
  const unsure = answerDigit(flat, input);
  assert.equal(unsure.digit, null);
  assert.ok(unsure.confidence < MIN_CONFIDENCE);
  flat.layers[0].biases[10] = 5; // "not a digit" far ahead
  flat.layers[0].biases[3] = 2;
  const rejected = answerDigit(flat, input);
  assert.equal(rejected.digit, null);
  assert.equal(rejected.best, 3);
  assert.ok(rejected.notDigit > 0.9);
  flat.layers[0].biases[10] = 0;
  flat.layers[0].biases[3] = 6; // a clear 3
  assert.equal(answerDigit(flat, input).digit, 3);
});
