/**
 * ONNX import: DigitNet's own export loads back as the same network; MLPs
 * written by another tool (the onnx package's helper API, see
 * fixtures/make_onnx_fixture.py) give numpy's and onnxruntime's answers; any
 * other graph, or a damaged file, is refused with one line naming the problem.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sliceDataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { DigitNetError } from '../src/errors.js';
import { loadModel, saveModel } from '../src/io/model-file.js';
import { parseOnnx } from '../src/io/onnx-read.js';
import { networkToOnnx } from '../src/io/onnx-write.js';
import { Network } from '../src/nn/network.js';
import { predictDigit, probabilitiesOf } from '../src/nn/probabilities.js';
import { defaultModelPath } from '../src/paths.js';
import { Random } from '../src/random.js';
import { withTempDir } from './helpers.js';
import { compareWithOnnxRuntime, floats, node, noise, tinyOnnx } from './onnx-helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
const test1000 = sliceDataset(loadMnist({ trainSize: 1000 }).test, 0, 1000);
const UNSUPPORTED = 'DigitNet reads fully connected networks (Gemm or MatMul+Add, Relu, Sigmoid, Tanh, LeakyRelu, Softmax, Flatten, Reshape)';

test('the exported shipped model loads back and predicts identically', () => {
  const original = loadModel(defaultModelPath());
  const back = parseOnnx(networkToOnnx(original.network, original.info, 'default'), 'default.onnx');
  assert.equal(back.format, 'onnx');
  assert.deepEqual(back.network.spec, original.network.spec);
  // The shipped model is float16, which float32 holds exactly, so nothing is rounded on the way.
  assert.deepEqual(back.network.params, original.network.params);
  assert.deepEqual([back.info.digitnet, back.info.test, back.info.validation], [original.info.digitnet, original.info.test, original.info.validation]);
  assert.deepEqual(back.info.training, original.info.training);
  assert.deepEqual(back.notes, []);
  for (let i = 0; i < test1000.count; i++) {
    const x = Float64Array.from(test1000.images.subarray(i * 784, (i + 1) * 784), (p) => p / 255);
    assert.deepEqual(predictDigit(back.network, x), predictDigit(original.network, x));
  }
});

test('a sigmoid network with the quadratic cost comes back as it was, weights rounded to float32', () => {
  const net = Network.create({ sizes: [784, 9, 10], activations: ['tanh', 'sigmoid'], cost: 'quadratic' }, new Random(4));
  const back = parseOnnx(networkToOnnx(net, {}, 'n'), 'n.onnx');
  assert.deepEqual(back.network.spec, net.spec);
  assert.deepEqual(back.network.params, net.params.map(Math.fround));
  assert.deepEqual(back.notes, []);
});

test('the format is told from the bytes, whatever the file is called', () => {
  withTempDir((dir) => {
    const net = Network.create({ sizes: [784, 5, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' }, new Random(2));
    assert.equal(saveModel(join(dir, 'a.onnx'), net, {}), 'onnx');
    assert.equal(saveModel(join(dir, 'b.model'), net, {}, 'onnx'), 'onnx');
    assert.equal(saveModel(join(dir, 'c.onnx'), net, {}, 'compact'), 'compact');
    assert.deepEqual(['a.onnx', 'b.model', 'c.onnx'].map((f) => loadModel(join(dir, f)).format), ['onnx', 'onnx', 'compact']);
  });
});

const expected = JSON.parse(readFileSync(fixture('onnx-fixtures.expected.json'), 'utf8')) as Record<string, number[][]>;
const inputs = expected.pixels.map((row) => Float64Array.from(row, (p) => p / 255));

test('an MLP written by onnx.helper (Flatten, MatMul+Add, Relu, Softmax) gives numpy\'s and onnxruntime\'s answers', async (t) => {
  const { network, notes } = loadModel(fixture('mlp-matmul.onnx'));
  assert.deepEqual(network.spec, { sizes: [784, 16, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' });
  assert.deepEqual(notes, []);
  inputs.forEach((x, i) => {
    const ours = probabilitiesOf(network.feedforward(x));
    expected['mlp-matmul.onnx'][i].forEach((p, j) => assert.ok(Math.abs(p - ours[j]) < 1e-5, `input ${i} output ${j}: numpy ${p}, DigitNet ${ours[j]}`));
  });
  const agreement = await compareWithOnnxRuntime(fixture('mlp-matmul.onnx'), network, test1000, { shape: [1, 28, 28] });
  t.diagnostic(`mlp-matmul.onnx ${JSON.stringify(agreement)}`);
  assert.equal(agreement.same, agreement.total);
  assert.ok(agreement.maxDifference < 1e-5, String(agreement.maxDifference));
});

test('Reshape, Gemm with alpha/beta/transB, Tanh, Identity, LeakyRelu and a Sigmoid output read as written, with a note', async (t) => {
  const path = fixture('mlp-gemm.onnx');
  const { network, notes } = loadModel(path);
  assert.deepEqual(network.spec, { sizes: [784, 12, 8, 10], activations: ['tanh', 'leaky-relu', 'sigmoid'], cost: 'cross-entropy' });
  assert.deepEqual(notes, [`${path}: the last layer ends in Sigmoid, not Softmax: DigitNet scales its outputs to sum to 1 as probabilities`]);
  inputs.forEach((x, i) => {
    const ours = network.feedforward(x);
    expected['mlp-gemm.onnx'][i].forEach((a, j) => assert.ok(Math.abs(a - ours[j]) < 1e-5, `input ${i} output ${j}: numpy ${a}, DigitNet ${ours[j]}`));
  });
  // onnxruntime gives the raw sigmoid outputs, which DigitNet normalises only for display.
  const agreement = await compareWithOnnxRuntime(path, network, test1000, { digitnet: (x) => network.feedforward(x) });
  t.diagnostic(`mlp-gemm.onnx ${JSON.stringify(agreement)}`);
  assert.equal(agreement.same, agreement.total);
  assert.ok(agreement.maxDifference < 1e-5, String(agreement.maxDifference));
});

/** The one-line DigitNetError that loading `path` (or parsing `bytes`) gives. */
function refusal(load: () => unknown): string {
  try {
    load();
  } catch (e) {
    assert.ok(e instanceof DigitNetError, String(e));
    assert.ok(!e.message.includes('\n'), e.message);
    return e.message;
  }
  return assert.fail('loaded');
}

test('a convolutional network is refused with one line naming the operator', () => {
  const path = fixture('conv.onnx');
  assert.equal(refusal(() => loadModel(path)), `${path}: operator Conv is not supported: ${UNSUPPORTED}`);
});

test('a truncated, empty or foreign file is one line', () => {
  withTempDir((dir) => {
    const bytes = readFileSync(fixture('mlp-matmul.onnx'));
    const cut = join(dir, 'cut.onnx');
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
    assert.match(refusal(() => loadModel(cut)), /^.*cut\.onnx: not an ONNX model, or a damaged one: the protobuf cannot be read \(index out of range.*\)$/);
    writeFileSync(cut, '');
    assert.equal(refusal(() => loadModel(cut)), `${cut}: the file is empty`);
    writeFileSync(cut, 'just some text');
    assert.match(refusal(() => loadModel(cut)), /cut\.onnx: not an ONNX model/);
  });
});

/** x [N, 4] → Gemm "fc1" (4 → 3) → … : the start of the graphs below. */
const fc1 = [floats('w1', [3, 4], noise(1, 12)), floats('b1', [3], noise(2, 3))];
const gemm1 = node('Gemm', ['x', 'w1', 'b1'], 'z1', [{ name: 'transB', type: 2, i: 1 }], 'fc1');
const fc2 = [floats('w2', [2, 3], noise(3, 6)), floats('b2', [2], noise(4, 2))];
const gemm2 = (input: string) => node('Gemm', [input, 'w2', 'b2'], 'z2', [{ name: 'transB', type: 2, i: 1 }], 'fc2');

test('raw scores (no activation on the last layer) are read through a softmax, with a note', () => {
  const bytes = tinyOnnx({ nodes: [gemm1, node('Relu', ['z1'], 'a1'), gemm2('a1')], initializers: [...fc1, ...fc2], features: 4, outputs: ['z2'] });
  const { network, notes } = parseOnnx(bytes, 'raw.onnx');
  assert.deepEqual(network.spec, { sizes: [4, 3, 2], activations: ['relu', 'softmax'], cost: 'log-likelihood' });
  assert.deepEqual(notes, ['raw.onnx: the last layer has no activation (raw scores): DigitNet applies Softmax to them for probabilities']);
});

test('graphs DigitNet cannot read are refused with one line naming the problem', () => {
  const initializers = [...fc1, ...fc2];
  const cases: [string, Parameters<typeof tinyOnnx>[0], RegExp][] = [
    ['a value feeding two nodes', { nodes: [gemm1, node('Relu', ['z1'], 'a1'), gemm2('a1'), node('Sigmoid', ['a1'], 's')], initializers, features: 4, outputs: ['z2'] }, /not a chain: 'a1' feeds 2 nodes \(Gemm 'fc2', Sigmoid\)/],
    ['two outputs', { nodes: [gemm1, node('Relu', ['z1'], 'a1'), gemm2('a1')], initializers, features: 4, outputs: ['z2', 'a1'] }, /the graph has 2 outputs/],
    ['a skip connection', { nodes: [gemm1, node('Relu', ['z1'], 'a1'), node('Add', ['a1', 'z1'], 'r')], initializers: fc1, features: 4, outputs: ['r'] }, /not a chain: 'z1' feeds 2 nodes/],
    ['wrong shapes', { nodes: [gemm1, node('Relu', ['z1'], 'a1'), gemm2('a1')], initializers, features: 5, outputs: ['z2'] }, /Gemm 'fc1' takes 4 inputs but receives 5/],
    ['another leaky slope', { nodes: [gemm1, node('LeakyRelu', ['z1'], 'a1', [{ name: 'alpha', type: 1, f: 0.2 }]), gemm2('a1')], initializers, features: 4, outputs: ['z2'] }, /LeakyRelu has alpha 0\.2.*slope 0\.01/],
    ['two layers without an activation', { nodes: [gemm1, gemm2('z1')], initializers, features: 4, outputs: ['z2'] }, /Gemm 'fc1' and Gemm 'fc2' have no activation between them/],
    ['a hidden softmax', { nodes: [gemm1, node('Softmax', ['z1'], 'a1'), gemm2('a1')], initializers, features: 4, outputs: ['z2'] }, /Softmax is not on the last layer/],
    ['float64 weights', { nodes: [gemm1], initializers: [floats('w1', [3, 4], noise(1, 12), 11), fc1[1]], features: 4, outputs: ['z1'] }, /Gemm 'fc1' weights is float64; DigitNet reads float32 weights/],
    ['weights of the wrong size', { nodes: [gemm1], initializers: [floats('w1', [3, 4], noise(1, 11)), fc1[1]], features: 4, outputs: ['z1'] }, /weights: shape \[3, 4\] needs 12 values, found 11/],
    ['a Reshape that moves the batch', { nodes: [node('Reshape', ['x', 's'], 'y'), node('Gemm', ['y', 'w1', 'b1'], 'z1', [{ name: 'transB', type: 2, i: 1 }])], initializers: [{ name: 's', dims: [2], dataType: 7, int64Data: [1, -1] }, ...fc1], features: 4, outputs: ['z1'] }, /Reshape reshapes to \[1, -1\]/],
    ['no layer at all', { nodes: [node('Relu', ['x'], 'y')], initializers: [], features: 4, outputs: ['y'] }, /the graph has no Gemm or MatMul/],
    ['an operator of another domain', { nodes: [{ ...node('FusedGemm', ['x', 'w1', 'b1'], 'z1'), domain: 'com.microsoft' }], initializers: fc1, features: 4, outputs: ['z1'] }, /operator com\.microsoft:FusedGemm is not supported/],
  ];
  for (const [what, graph, pattern] of cases) assert.match(refusal(() => parseOnnx(tinyOnnx(graph), 'bad.onnx')), pattern, what);
});
