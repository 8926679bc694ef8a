/**
 * Training for people's digits: other pens (thicker, thinner, blurred
 * strokes) in the augmentation, and drawn non-digits as an 11th class.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distortEpoch, scaledDistortion } from '../src/data/augment.js';
import type { Dataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { nonDigitImages, withNonDigits } from '../src/data/non-digits.js';
import { checkConfig, preset } from '../src/train/config.js';
import { UsageError } from '../src/errors.js';

const ds: Dataset = loadMnist({ trainSize: 400 }).train;

function ink(images: Uint8Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < 784; i++) sum += images[n * 784 + i] > 127 ? 1 : 0;
  return sum;
}

test('pens 0 draws exactly what the affine augmentation alone draws', () => {
  const plain = new Uint8Array(ds.count * 784);
  const none = new Uint8Array(ds.count * 784);
  distortEpoch(ds, plain, scaledDistortion(1), 3, 2);
  distortEpoch(ds, none, { ...scaledDistortion(1), pens: 0 }, 3, 2);
  assert.deepEqual(none, plain);
});

test('pens make some digits bolder and some finer, the same way for the same seed and epoch', () => {
  const still = { ...scaledDistortion(0), pens: 1 };
  const a = new Uint8Array(ds.count * 784);
  const b = new Uint8Array(ds.count * 784);
  distortEpoch(ds, a, still, 5, 1);
  distortEpoch(ds, b, still, 5, 1);
  assert.deepEqual(a, b);
  let bolder = 0;
  let finer = 0;
  for (let n = 0; n < ds.count; n++) {
    const before = ink(ds.images, n);
    const after = ink(a, n);
    if (after > before * 1.15) bolder++;
    if (after < before * 0.85) finer++;
  }
  // Half are thickened, half thinned (before any blur): both must show in 400 digits.
  assert.ok(bolder > 60 && finer > 60, `bolder ${bolder}, finer ${finer} of ${ds.count}`);
});

test('non-digit pictures are MNIST-style inputs: fitted, centred, not empty, seeded', () => {
  const a = nonDigitImages(40, 9);
  assert.deepEqual(a, nonDigitImages(40, 9));
  assert.notDeepEqual(a, nonDigitImages(40, 10));
  for (let n = 0; n < 40; n++) {
    const image = a.subarray(n * 784, (n + 1) * 784);
    assert.ok(Math.max(...image) === 255, `picture ${n} has full-strength ink`);
    // Nothing in the outer 2-pixel frame that MNIST keeps empty (20×20 box, centred by mass, may shift a little).
    let frame = 0;
    for (let i = 0; i < 784; i++) if ((i % 28 < 1 || i % 28 > 26 || i < 28 || i >= 756) && image[i] > 0) frame++;
    assert.ok(frame < 10, `picture ${n}: ${frame} pixels on the edge`);
  }
});

test('withNonDigits adds one class after the digits', () => {
  const more = withNonDigits(ds, 25, 1);
  assert.equal(more.count, ds.count + 25);
  assert.equal(more.classes, 11);
  assert.deepEqual(Array.from(more.labels.subarray(0, ds.count)), Array.from(ds.labels));
  assert.ok(more.labels.subarray(ds.count).every((l) => l === 10));
  assert.ok(more.images.subarray(0, ds.count * 784).every((v, i) => v === ds.images[i]));
});

test('the people preset checks; out-of-range pens and non-digit counts are usage errors', () => {
  checkConfig(preset('people'));
  assert.throws(() => checkConfig({ ...preset('people'), pens: 1.5 }), UsageError);
  assert.throws(() => checkConfig({ ...preset('people'), nonDigits: -1 }), UsageError);
  assert.throws(() => checkConfig({ ...preset('people'), nonDigits: 0.5 }), UsageError);
});

test('styles write some 1s with a flag and some 7s with a bar; other digits are untouched', () => {
  const styled = new Uint8Array(ds.count * 784);
  const plain = new Uint8Array(ds.count * 784);
  distortEpoch(ds, styled, { ...scaledDistortion(0), styles: 1 }, 4, 0);
  distortEpoch(ds, plain, scaledDistortion(0), 4, 0);
  let wider = 0;
  let ones = 0;
  for (let n = 0; n < ds.count; n++) {
    const a = styled.subarray(n * 784, (n + 1) * 784);
    const b = plain.subarray(n * 784, (n + 1) * 784);
    if (ds.labels[n] !== 1 && ds.labels[n] !== 7) {
      assert.deepEqual(a, b, `digit ${n} (${ds.labels[n]}) changed`);
      continue;
    }
    if (ds.labels[n] !== 1) continue;
    ones++;
    // A flag makes a 1 wider: more columns hold ink (refitting a slanted 1 to 20 pixels can undo it; measured 34 of 52).
    const columns = (img: Uint8Array) => new Set([...img.keys()].filter((i) => img[i] > 127).map((i) => i % 28)).size;
    if (columns(a) > columns(b) + 1) wider++;
  }
  assert.ok(ones > 20 && wider > 0.5 * ones, `${wider} of ${ones} ones wider`);
});
