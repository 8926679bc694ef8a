/**
 * Data with any number of classes: an EMNIST-letters-like IDX set (26
 * classes labelled 1–26, made from MNIST digits as written, transposed and
 * upside down) trains a 26-output network, the preset's last layer fitted
 * to it; the model file records the labels, and predict --csv prints them.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { classRange, modelClassLabels, toClasses } from '../src/data/classes.js';
import { defaultDataDir, findMnistFile, loadIdxSet, loadMnist } from '../src/data/mnist.js';
import { loadTrainingData } from '../src/data/training-data.js';
import { lettersLike, writeCsv, writeIdxSet } from './csv-files.js';
import { runCli, withTempDir } from './helpers.js';

const mnist = loadMnist({ trainSize: 12_000 });
const train = lettersLike(mnist.train, 12_000);
const testPart = lettersLike(mnist.test, 1000);

test('the classes are the range of the training labels, shifted to start at 0', () => {
  const labels = Uint8Array.from([3, 1, 26, 5]);
  const classes = classRange(labels, 'x');
  assert.deepEqual(classes, { first: 1, count: 26 });
  assert.equal(toClasses(labels, classes), -1);
  assert.deepEqual(Array.from(labels), [2, 0, 25, 4]);
  assert.equal(toClasses(Uint8Array.from([1, 0]), classes), 1, 'the index of a label outside');
  assert.throws(() => classRange(new Uint8Array(0), 'none.csv'), /none\.csv: no labelled examples/);
});

test('a model file says which labels its outputs stand for; older files answer 0… (the 11th of a digit model is "not a digit")', () => {
  assert.deepEqual(modelClassLabels({ labels: { first: 1, count: 26 } }, 784, 26), { first: 1, count: 26 });
  assert.deepEqual(modelClassLabels({ labels: { first: 0, count: 10 }, nonDigits: 12000 }, 784, 11), { first: 0, count: 10 });
  assert.deepEqual(modelClassLabels({ nonDigits: 6000 }, 784, 11), { first: 0, count: 10 });
  assert.deepEqual(modelClassLabels(undefined, 784, 11), { first: 0, count: 10 }, 'network2 files hold no training');
  assert.deepEqual(modelClassLabels(undefined, 784, 10), { first: 0, count: 10 });
  assert.deepEqual(modelClassLabels({ labels: { first: 1, count: 30 } }, 784, 26), { first: 0, count: 26 }, 'more classes than outputs: not believed');
});

test('an EMNIST-like IDX set loads with 26 classes, labels 1–26', () => {
  withTempDir((dir) => {
    writeIdxSet(dir, train, testPart);
    const set = loadIdxSet({ dir, trainSize: 2000 });
    assert.deepEqual(set.classes, { first: 1, count: 26 });
    assert.equal(set.train.classes, 26);
    assert.equal(set.train.count, 2000);
    assert.equal(set.validation.count, 10_000);
    assert.equal(set.test.count, 1000);
    assert.equal(set.train.labels[0], train.labels[0] - 1);
    assert.equal(Math.max(...set.test.labels), 25);
    // loadMnist stays for digits, as eval and the browser need them.
    assert.throws(() => loadMnist({ dir }), /label 1\d at index \d+ is not a digit/);
  });
});

test('26-class IDX data trains a 26-output network, and its model answers labels 1–26', () => {
  withTempDir((dir) => {
    const data = join(dir, 'letters');
    mkdirSync(data);
    writeIdxSet(data, train, testPart);
    const model = join(dir, 'letters.json');
    const r = runCli(['train', '--data', data, '--preset', 'best', '--train-size', '2000', '--epochs', '3', '--save', model]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^Training \[784, 800, 26\] .*; 2000 train \/ 10000 validation \/ 1000 test; 26 classes \(labels 1–26\) of 784 pixels; the preset's layers \[784, 800, 10\] fitted to the data$/);
    assert.match(r.stdout, /^Test : \d+ \/ 1000$/m);
    // Measured: 7975, 8017 and 8037 of 10,000 for seeds 1–3; chance is 1 in 26.
    const best = /^Best : epoch \d : (\d+) \/ 10000/m.exec(r.stdout);
    assert.ok(best && Number(best[1]) > 6000, r.stdout);
    const saved = JSON.parse(readFileSync(model, 'utf8')) as { sizes: number[]; training: { labels: unknown } };
    assert.deepEqual(saved.sizes, [784, 800, 26]);
    assert.deepEqual(saved.training.labels, { first: 1, count: 26 });

    const csv = join(dir, 'letters.csv');
    writeCsv(csv, { images: testPart.images, labels: testPart.labels, count: 1000, inputSize: 784, classes: 26 }, 0, 200, { header: true, labels: true });
    const p = runCli(['predict', '--csv', csv, '--model', model]);
    assert.equal(p.status, 0, p.stderr);
    const answers = p.stdout.trimEnd().split('\n').slice(1).map((row) => Number(row.split(',')[1]));
    assert.equal(answers.length, 200);
    assert.ok(answers.every((a) => a >= 1 && a <= 26), 'labels as the data wrote them');
    const score = /: (\d+) \/ 200 labels agree/.exec(p.stderr);
    assert.ok(score && Number(score[1]) > 100, p.stderr);
  });
});

test('layers that do not fit the classes, and digit-only options, are refused with one line', () => {
  withTempDir((dir) => {
    writeIdxSet(dir, train, testPart);
    const quick = ['--data', dir, '--train-size', '100', '--epochs', '1'];
    const layers = runCli(['train', ...quick, '--layers', '784,30,10']);
    assert.equal(layers.status, 2);
    assert.equal(layers.stderr, 'digitnet: --layers: the last size must be 26 (one output per class: the data has 26, labels 1–26), got 10\n');
    const people = runCli(['train', ...quick, '--preset', 'people']);
    assert.equal(people.status, 2);
    assert.match(people.stderr, /^digitnet: --non-digits is for digit data \(784 pixels, labels 0–9\); this data has 784 pixels and labels 1–26 \(the people preset sets it: add --non-digits 0\)\n$/);
    const styles = runCli(['train', ...quick, '--styles', '0.5']);
    assert.equal(styles.status, 2);
    assert.match(styles.stderr, /--styles is for digit data/);
  });
});

test('a test label outside the training labels is refused, naming the file and index', () => {
  withTempDir((dir) => {
    const labels = testPart.labels.slice();
    labels[7] = 27;
    writeIdxSet(dir, train, { images: testPart.images, labels });
    assert.throws(() => loadIdxSet({ dir }), /t10k-labels-idx1-ubyte: label 27 at index 7 is outside the training file's labels 1–26/);
  });
});

test('any square image size: 14×14 CSV images size the preset\'s first layer', () => {
  // Every other pixel of MNIST's, with the digit labels.
  const small = new Uint8Array(600 * 196);
  for (let n = 0; n < 600; n++) {
    for (let y = 0; y < 14; y++) for (let x = 0; x < 14; x++) small[n * 196 + y * 14 + x] = mnist.train.images[n * 784 + 2 * y * 28 + 2 * x];
  }
  withTempDir((dir) => {
    const path = join(dir, 'small.csv');
    writeCsv(path, { images: small, labels: mnist.train.labels, count: 600, inputSize: 196, classes: 10 }, 0, 600, { header: false, labels: true });
    const r = runCli(['train', '--data', path, '--epochs', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Training \[196, 30, 25, 10\] .*; 500 train \/ 100 validation \/ no test \(a single CSV file has no test part\); 10 classes \(labels 0–9\) of 196 pixels; the preset's layers \[784, 30, 25, 10\] fitted to the data\n/);
  });
});

test('a --data path that is not there, or one IDX file instead of their folder, is named', async () => {
  await assert.rejects(loadTrainingData('/no/such'), /^DigitNetError: data folder not found: \/no\/such$/);
  const labels = findMnistFile(defaultDataDir(), 't10k-labels-idx1-ubyte');
  await assert.rejects(loadTrainingData(labels), /t10k-labels-idx1-ubyte is an IDX file: --data takes the folder that holds the four IDX files$/);
});
