/**
 * Reading a picture whole (src/read): a number written left to right comes
 * back as its digits in order, a single digit as itself, a network's unsure
 * or "not a digit" answer as null, digits run together as "touching", and a
 * number with a mark that is no digit as "unclear digits", each part said.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { describeReading } from '../src/cli/predict-command.js';
import { loadMnist } from '../src/data/mnist.js';
import { nonDigitImages } from '../src/data/non-digits.js';
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

test('a number with one mark that is no digit says which digits it read and which it could not', () => {
  const marks = nonDigitImages(20, 7);
  const [three, two] = digitsFor('32');
  const digit = (n: number) => mnistBitmap(mnist.images.subarray(n * 784, (n + 1) * 784), 4);
  let tried = 0;
  for (let k = 0; k < 20 && tried < 5; k++) {
    const mark = marks.subarray(k * 784, (k + 1) * 784);
    if (answerDigit(network, Float32Array.from(mark, (v) => v / 255)).digit !== null) continue; // marks the model rejects alone
    tried++;
    const number = composeNumber([digit(three), digit(two), mnistBitmap(mark, 4)], { gaps: [30, 30], margin: 40 });
    const reading = readPicture(network, paper(number.ink, number.w, number.h));
    assert.equal(reading.text, null, `mark ${k}`);
    assert.equal(reading.reason, 'unclear digits', `mark ${k}`);
    assert.deepEqual(reading.digits.map((d) => d.digit), [3, 2, null], `mark ${k}`);
    assert.equal(describeReading(reading).split(' (')[0], 'unclear digits: 32?');
  }
  assert.equal(tried, 5);
});

test('a mark that is no digit, alone, is still "not a digit"', () => {
  const marks = nonDigitImages(20, 7);
  let rejected = 0;
  for (let k = 0; k < 10; k++) {
    const alone = composeNumber([mnistBitmap(marks.subarray(k * 784, (k + 1) * 784), 5)], { gaps: [], margin: 50 });
    const reading = readPicture(network, paper(alone.ink, alone.w, alone.h));
    if (reading.text !== null) continue; // read as a digit: not this test's concern
    rejected++;
    assert.equal(reading.reason, 'not a digit', `mark ${k}`);
    assert.equal(reading.digits.length, 1);
  }
  assert.ok(rejected >= 5, `only ${rejected} of 10 marks rejected`);
});
