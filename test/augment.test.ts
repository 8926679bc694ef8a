/** Data augmentation: deterministic per (seed, epoch), gentle enough to keep a digit what it is. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DISTORTION, distortEpoch, scaledDistortion } from '../src/data/augment.js';
import type { Dataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';

const ds: Dataset = loadMnist({ trainSize: 300 }).train;

function distorted(strength: number, seed: number, epoch: number): Uint8Array {
  const out = new Uint8Array(ds.count * ds.inputSize);
  distortEpoch(ds, out, scaledDistortion(strength), seed, epoch);
  return out;
}

/** Ink (sum of pixels) and centre of mass of image n. */
function moments(images: Uint8Array, n: number): { ink: number; x: number; y: number } {
  let ink = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < 784; i++) {
    const v = images[n * 784 + i];
    ink += v;
    x += v * (i % 28);
    y += v * Math.floor(i / 28);
  }
  return { ink, x: x / ink, y: y / ink };
}

test('strength 0 leaves every image exactly as it was', () => {
  assert.deepEqual(distorted(0, 1, 0), Uint8Array.from(ds.images.subarray(0, ds.count * 784)));
});

test('the same (seed, epoch) gives the same images; another epoch or seed does not', () => {
  const a = distorted(1, 1, 3);
  assert.deepEqual(distorted(1, 1, 3), a);
  assert.notDeepEqual(distorted(1, 1, 4), a);
  assert.notDeepEqual(distorted(1, 2, 3), a);
  assert.notDeepEqual(a, Uint8Array.from(ds.images.subarray(0, ds.count * 784)));
});

test('each digit keeps its ink and moves no further than the shift and scale allow', () => {
  const out = distorted(1, 7, 0);
  const maxShift = DEFAULT_DISTORTION.shift * Math.SQRT2;
  for (let n = 0; n < ds.count; n++) {
    const before = moments(ds.images, n);
    const after = moments(out, n);
    // Area changes by at most (1.12 / 0.88)², and bilinear blur keeps the sum; nothing is cut off at this size.
    const ratio = after.ink / before.ink;
    assert.ok(ratio > 0.7 && ratio < 1.5, `image ${n}: ink ratio ${ratio}`);
    // The centre of mass moves with the shift, plus what rotation and scaling about the image centre add (the mass sits near it).
    const moved = Math.hypot(after.x - before.x, after.y - before.y);
    assert.ok(moved < maxShift + 1.5, `image ${n}: centre of mass moved ${moved} pixels`);
  }
});

test('the output buffer must fit the dataset', () => {
  assert.throws(() => distortEpoch(ds, new Uint8Array(10), DEFAULT_DISTORTION, 1, 0), RangeError);
});
