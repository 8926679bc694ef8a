/**
 * One kernel suite, run against every kernel set (reference and wasm), as
 * TensorFlow.js reruns its op tests per backend. Random and awkward shapes
 * (sizes not a multiple of 4, one unit, wider than a register block), every
 * activation and every cost, batches of 1 and a last batch shorter than B,
 * L2, momentum and Nesterov.
 *
 * The expected numbers come from an oracle in float64 that shares no code
 * with either engine's training loop: Network.feedforward and Cost.value for
 * the forward pass, and for a step `gradient()` (checked against finite
 * differences in gradient-check.test.ts) with the update rule of types.ts
 * written out below. Tolerances are per kernel set: the reference computes in
 * float64, the wasm kernels in float32.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Dataset } from '../src/data/dataset.js';
import { inputOf } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { DEFAULT_KERNELS, loadKernels } from '../src/kernels/index.js';
import { gradient, referenceKernels } from '../src/kernels/reference.js';
import type { Kernels, TrainingEngine, UpdateOptions } from '../src/kernels/types.js';
import { WasmEngine } from '../src/kernels/wasm/engine.js';
import { argmax, Network, type NetworkSpec } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { train } from '../src/train/trainer.js';
import { maxRelativeError, randomDataset, sparseDataset } from './helpers.js';

interface KernelSet {
  kernels: Kernels;
  /** Relative error allowed for the validation cost and the parameters after one step… */
  forward: number;
  oneStep: number;
  /** …and after three steps (rounding differences compound a little). */
  threeSteps: number;
  /** The suite's title, when the kernels' name does not say it all. */
  title?: string;
}

const wasmKernels = await loadKernels('wasm', (reason) => {
  throw new Error(`the wasm kernels must load for these tests: ${reason}`);
});
const wasmOn3Threads = await loadKernels(
  'wasm',
  (reason) => {
    throw new Error(`the wasm kernels must load with threads for these tests: ${reason}`);
  },
  undefined,
  3,
);

const KERNEL_SETS: KernelSet[] = [
  { kernels: referenceKernels, forward: 1e-12, oneStep: 1e-12, threeSteps: 1e-11 },
  // float32 holds about 7 digits: parameters of size ~1 carry errors of ~1e-7.
  { kernels: wasmKernels, forward: 1e-5, oneStep: 1e-5, threeSteps: 1e-4 },
  // Three threads, so that no layer's outputs split evenly (threads.test.ts checks they are bit-identical to one).
  { kernels: wasmOn3Threads, forward: 1e-5, oneStep: 1e-5, threeSteps: 1e-4, title: 'wasm kernels on 3 threads' },
];

/**
 * Parameters are of order 0.1–1; one that lands near 0 after a step still
 * carries the absolute rounding error of its inputs, so relative errors are
 * taken against at least this.
 */
const FLOOR = 0.01;

/** A network's shape: its sizes, activations and cost. */
type Shape = NetworkSpec;

/** Every output activation with each cost it may have, every hidden activation, and awkward sizes. */
const SHAPES: Shape[] = [
  { sizes: [7, 5, 3], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' },
  { sizes: [13, 6, 4, 3], activations: ['tanh', 'relu', 'softmax'], cost: 'log-likelihood' },
  { sizes: [37, 9, 4], activations: ['leaky-relu', 'sigmoid'], cost: 'cross-entropy' },
  { sizes: [20, 45, 3], activations: ['relu', 'tanh'], cost: 'quadratic' },
  { sizes: [10, 37, 5], activations: ['sigmoid', 'relu'], cost: 'quadratic' },
  { sizes: [17, 6, 5, 2], activations: ['leaky-relu', 'tanh', 'leaky-relu'], cost: 'quadratic' },
  { sizes: [3, 1, 2], activations: ['sigmoid', 'softmax'], cost: 'log-likelihood' },
  { sizes: [50, 70, 10], activations: ['sigmoid', 'sigmoid'], cost: 'cross-entropy' },
  // 150 inputs = two 64-pixel masks, a 16-pixel one and a tail of 6 (lists.ts visits pixels in those steps).
  { sizes: [150, 7, 4], activations: ['relu', 'softmax'], cost: 'log-likelihood' },
];

type Rule = Omit<UpdateOptions, 'batchSize' | 'eta'>;
const RULES: Record<string, Rule> = {
  'plain SGD': { l2PerExample: 0, momentum: 0, nesterov: false },
  L2: { l2PerExample: 0.02, momentum: 0, nesterov: false },
  'momentum + L2': { l2PerExample: 0.02, momentum: 0.9, nesterov: false },
  Nesterov: { l2PerExample: 0, momentum: 0.7, nesterov: true },
  'Nesterov + L2': { l2PerExample: 0.02, momentum: 0.5, nesterov: true },
};

const ETA = 0.5;
/** Examples per test dataset: with B = 4 that is batches of 4, 4 and 3. */
const N = 11;

function label(shape: Shape): string {
  return `[${shape.sizes}] ${shape.activations.join('+')}, ${shape.cost}`;
}

function makeNetwork(shape: Shape, seed = 3): Network {
  // scaled init keeps units out of saturation, where float32 and float64 part ways for reasons that say nothing about the kernels.
  return Network.create(shape, new Random(seed), 'scaled');
}

function makeData(shape: Shape, seed = 5): Dataset {
  return sparseDataset(seed, N, shape.sizes[0], shape.sizes[shape.sizes.length - 1]);
}

/** A fixed shuffle of 0..n−1. */
function orderOf(n: number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  new Random(17).shuffle(order);
  return order;
}

/** The examples order[from .. to) as a dataset of their own. */
function subset(ds: Dataset, order: Uint32Array, from: number, to: number): Dataset {
  const I = ds.inputSize;
  const images = new Uint8Array((to - from) * I);
  const labels = new Uint8Array(to - from);
  for (let r = 0; r < to - from; r++) {
    const n = order[from + r];
    images.set(ds.images.subarray(n * I, (n + 1) * I), r * I);
    labels[r] = ds.labels[n];
  }
  return { images, labels, count: to - from, inputSize: I, classes: ds.classes };
}

/** The update rule of types.ts in float64, one mini-batch after another, from the summed gradients of `gradient()`. */
function oracleSteps(net: Network, ds: Dataset, order: Uint32Array, to: number, options: UpdateOptions): { params: Float64Array; velocity: Float64Array } {
  const work = net.clone();
  const p = work.params;
  const v = new Float64Array(p.length);
  const isWeight = new Uint8Array(p.length);
  let offset = 0;
  for (const layer of net.layers) {
    isWeight.fill(1, offset, offset + layer.weights.length);
    offset += layer.weights.length + layer.biases.length;
  }
  const { batchSize: B, eta, l2PerExample, momentum: mu, nesterov } = options;
  for (let start = 0; start < to; start += B) {
    const end = Math.min(to, start + B);
    const m = end - start;
    const sum = gradient(work, subset(ds, order, start, end));
    for (let i = 0; i < p.length; i++) {
      const g = sum[i] / m + (isWeight[i] ? l2PerExample * p[i] : 0);
      if (mu === 0) {
        p[i] -= eta * g;
      } else {
        v[i] = mu * v[i] - eta * g;
        p[i] += nesterov ? mu * v[i] - eta * g : v[i];
      }
    }
  }
  return { params: Float64Array.from(p), velocity: v };
}

function paramsOf(engine: TrainingEngine, net: Network): Float64Array {
  const out = new Float64Array(net.params.length);
  engine.readParams(out);
  return out;
}

function velocityOf(engine: TrainingEngine, net: Network): Float64Array {
  const out = new Float64Array(net.params.length);
  engine.readVelocity(out);
  return out;
}

/**
 * Velocities are η·gradients, sums with cancellation, whose float32 error is
 * relative to the size of their terms: measure against at least 1% of the
 * largest velocity.
 */
function velocityError(got: Float64Array, expected: Float64Array): number {
  const largest = expected.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return maxRelativeError(got, expected, Math.max(1e-2 * largest, 1e-12));
}

/** evaluate() against the plain feedforward on one shape. */
function evaluateTest(set: KernelSet, shape: Shape): void {
  test(`${label(shape)}: evaluate matches feedforward (cost and predicted classes)`, () => {
    const net = makeNetwork(shape);
    const ds = randomDataset(9, 40, shape.sizes[0], shape.sizes[shape.sizes.length - 1]);
    const engine = set.kernels.createEngine(net, makeData(shape), { batchSize: 4, eta: ETA, ...RULES['plain SGD'] });
    const predictions = new Uint8Array(ds.count);
    const cost = engine.evaluate(ds, predictions);
    let expectedCost = 0;
    let clear = 0;
    for (let n = 0; n < ds.count; n++) {
      const a = net.feedforward(inputOf(ds, n));
      expectedCost += net.cost.value(a, ds.labels[n], 0, a.length);
      const best = argmax(a, 0, a.length);
      // Only a clear winner must match: float32 may break a near-tie the other way.
      const runnerUp = Math.max(...Array.from(a).filter((_, j) => j !== best));
      if (a.length === 1 || a[best] - runnerUp > 1e-4) {
        clear++;
        assert.equal(predictions[n], best, `example ${n}: outputs ${Array.from(a)}`);
      }
    }
    assert.ok(clear >= ds.count / 2, `too few clear predictions to test (${clear})`);
    assert.ok(maxRelativeError([cost], [expectedCost], 0) <= set.forward, `cost ${cost}, expected ${expectedCost}`);
    engine.dispose();
  });
}

/** One step, then three, against the float64 oracle, for one shape, rule and batch size. */
function stepTest(set: KernelSet, shape: Shape, ruleName: string, rule: Rule, B: number): void {
  test(`${label(shape)}, ${ruleName}, batch ${B}: one step, then three, match the update rule`, () => {
    const net = makeNetwork(shape);
    const ds = makeData(shape);
    const order = orderOf(N);
    const options: UpdateOptions = { batchSize: B, eta: ETA, ...rule };
    const engine = set.kernels.createEngine(net, ds, { ...options });

    engine.trainBatches(order, 0, B);
    const one = oracleSteps(net, ds, order, B, options);
    const errOne = maxRelativeError(paramsOf(engine, net), one.params, FLOOR);
    assert.ok(errOne <= set.oneStep, `after one step: relative error ${errOne}`);
    const vErrOne = velocityError(velocityOf(engine, net), one.velocity);
    assert.ok(vErrOne <= set.oneStep, `velocity after one step: relative error ${vErrOne}`);

    // Two more steps; with B = 4 the last has 3 examples.
    const to = B === 1 ? 3 : N;
    engine.trainBatches(order, B, to);
    const three = oracleSteps(net, ds, order, to, options);
    const errThree = maxRelativeError(paramsOf(engine, net), three.params, FLOOR);
    assert.ok(errThree <= set.threeSteps, `after three steps: relative error ${errThree}`);
    const vErrThree = velocityError(velocityOf(engine, net), three.velocity);
    assert.ok(vErrThree <= set.threeSteps, `velocity after three steps: relative error ${vErrThree}`);
    if (rule.momentum === 0) assert.ok(three.velocity.every((x) => x === 0) && velocityOf(engine, net).every((x) => x === 0));
    // The parameters really moved: an engine that ignored the update would fail above, but say so plainly.
    assert.ok(maxRelativeError(three.params, net.params, FLOOR) > 1e-4, 'the oracle barely moved: the test proves nothing');

    if (engine instanceof WasmEngine) assert.equal(engine.paddingMaxAbs(), 0, 'padding units must stay exactly 0');
    engine.dispose();
  });
}

/** Batches: one larger than the data, and trainBatches in pieces. */
function batchTests(set: KernelSet): void {
  test('a batch larger than the dataset is one short batch', () => {
    const shape = SHAPES[1];
    const net = makeNetwork(shape);
    const ds = makeData(shape);
    const order = orderOf(N);
    const options: UpdateOptions = { batchSize: 16, eta: ETA, ...RULES['momentum + L2'] };
    const engine = set.kernels.createEngine(net, ds, { ...options });
    engine.trainBatches(order, 0, N);
    const err = maxRelativeError(paramsOf(engine, net), oracleSteps(net, ds, order, N, options).params, FLOOR);
    assert.ok(err <= set.oneStep, `relative error ${err}`);
  });

  test('trainBatches in pieces equals one call over the same batches', () => {
    const shape = SHAPES[3];
    const net = makeNetwork(shape);
    const ds = makeData(shape);
    const order = orderOf(N);
    const options: UpdateOptions = { batchSize: 2, eta: ETA, ...RULES['Nesterov + L2'] };
    const whole = set.kernels.createEngine(net, ds, { ...options });
    const pieces = set.kernels.createEngine(net, ds, { ...options });
    whole.trainBatches(order, 0, N);
    pieces.trainBatches(order, 0, 4);
    pieces.trainBatches(order, 4, 10);
    pieces.trainBatches(order, 10, N);
    assert.deepEqual(paramsOf(pieces, net), paramsOf(whole, net));
    assert.deepEqual(velocityOf(pieces, net), velocityOf(whole, net));
  });
}

/** New pixels, a new η, and parameters and velocities written in and read back. */
function stateTests(set: KernelSet): void {
  test('setTrainImages: training goes on with the new pixels, as on a dataset that had them from the start', () => {
    const shape = SHAPES[2];
    const net = makeNetwork(shape);
    const first = makeData(shape);
    const second = { ...first, images: makeData(shape, 9).images };
    const order = orderOf(N);
    const options: UpdateOptions = { batchSize: 3, eta: ETA, ...RULES['momentum + L2'] };
    const swapped = set.kernels.createEngine(net, first, { ...options });
    swapped.setTrainImages(second.images);
    swapped.trainBatches(order, 0, N);
    const direct = set.kernels.createEngine(net, second, { ...options });
    direct.trainBatches(order, 0, N);
    assert.deepEqual(paramsOf(swapped, net), paramsOf(direct, net));
    assert.throws(() => swapped.setTrainImages(new Uint8Array(7)), RangeError);
  });

  test('setLearningRate changes η for the next batches', () => {
    const shape = SHAPES[0];
    const net = makeNetwork(shape);
    const ds = makeData(shape);
    const order = orderOf(N);
    const engine = set.kernels.createEngine(net, ds, { batchSize: 4, eta: ETA, ...RULES.L2 });
    engine.setLearningRate(0.125);
    engine.trainBatches(order, 0, 4);
    const expected = oracleSteps(net, ds, order, 4, { batchSize: 4, eta: 0.125, ...RULES.L2 });
    const err = maxRelativeError(paramsOf(engine, net), expected.params, FLOOR);
    assert.ok(err <= set.oneStep, `relative error ${err}`);
  });

  test('writeParams then readParams, writeVelocity then readVelocity, give back the same numbers', () => {
    const shape = SHAPES[5];
    const net = makeNetwork(shape);
    const engine = set.kernels.createEngine(net, makeData(shape), { batchSize: 3, eta: ETA, ...RULES['momentum + L2'] });
    const rng = new Random(23);
    // Values that float32 holds exactly, so any kernel set must return them bit for bit.
    const params = Float64Array.from(net.params, () => Math.fround(rng.gaussian()));
    const velocity = Float64Array.from(net.params, () => Math.fround(rng.gaussian() * 0.01));
    engine.writeParams(params);
    engine.writeVelocity(velocity);
    assert.deepEqual(paramsOf(engine, net), params);
    assert.deepEqual(velocityOf(engine, net), velocity);
    // The engine computes with what was written: evaluate agrees with a network holding those parameters.
    const other = new Network(shape);
    other.params.set(params);
    const ds = makeData(shape, 8);
    const fresh = set.kernels.createEngine(other, ds, { batchSize: 3, eta: ETA, ...RULES['plain SGD'] });
    const p1 = new Uint8Array(ds.count);
    const p2 = new Uint8Array(ds.count);
    assert.equal(engine.evaluate(ds, p1), fresh.evaluate(ds, p2));
    assert.deepEqual(p1, p2);
  });
}

/** Real MNIST: the kernel set learns as the reference does. */
function mnistTest(set: KernelSet): void {
  test('3 epochs on 5,000 real MNIST images: validation counts within 10 images of the reference each epoch', async () => {
    const counts = async (kernels: Kernels): Promise<number[]> => {
      const data = loadMnist({ trainSize: 5000 });
      const rng = new Random(1);
      const spec: NetworkSpec = { sizes: [784, 30, 25, 10], activations: ['sigmoid', 'sigmoid', 'sigmoid'], cost: 'quadratic' };
      const net = Network.create(spec, rng);
      const result = await train(net, data, { epochs: 3, batchSize: 10, eta: 1.3, kernels, rng });
      return result.epochs.map((e) => e.correct);
    };
    const expected = await referenceCounts(counts);
    const got = set.kernels.name === 'reference' ? expected : await counts(set.kernels);
    assert.equal(got.length, 3);
    for (let e = 0; e < 3; e++) {
      assert.ok(Math.abs(got[e] - expected[e]) <= 10, `epoch ${e}: ${got[e]} correct, reference ${expected[e]} (all: ${got} vs ${expected})`);
    }
    // And it learned: the reference seed-1 run is near 80% after 3 epochs.
    assert.ok(got[2] > 7000, `epoch 2: ${got[2]}`);
  });
}

for (const set of KERNEL_SETS) {
  describe(set.title ?? `${set.kernels.name} kernels`, () => {
    for (const shape of SHAPES) {
      evaluateTest(set, shape);
      for (const [ruleName, rule] of Object.entries(RULES)) for (const B of [1, 4]) stepTest(set, shape, ruleName, rule, B);
    }
    batchTests(set);
    stateTests(set);
    mnistTest(set);
  });
}

/** The reference's MNIST counts, computed once for both kernel sets. */
let referenceRun: Promise<number[]> | null = null;
function referenceCounts(counts: (k: Kernels) => Promise<number[]>): Promise<number[]> {
  referenceRun ??= counts(referenceKernels);
  return referenceRun;
}

describe('loadKernels', () => {
  test('wasm loads here and is the default kernel set', async () => {
    const reasons: string[] = [];
    assert.equal(DEFAULT_KERNELS, 'wasm');
    const kernels = await loadKernels('wasm', (r) => reasons.push(r));
    assert.equal(kernels.name, 'wasm');
    assert.equal((await loadKernels('reference', (r) => reasons.push(r))).name, 'reference');
    assert.equal(reasons.length, 0, reasons.join('\n'));
  });

  const failures: [string, () => Promise<WebAssembly.Bytes>, RegExp][] = [
    ['bytes that are not WebAssembly', async () => new Uint8Array([1, 2, 3, 4]), /WebAssembly|magic|compile/i],
    ['a valid module that is not ours', async () => new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), /lacks memory, heapBase, train, evaluate/],
    ['a file that cannot be read', async () => Promise.reject(new Error('cannot read /nowhere/kernels.wasm (ENOENT);\nrun the build')), /cannot read \/nowhere\/kernels\.wasm \(ENOENT\); run the build/],
  ];
  for (const [what, source, pattern] of failures) {
    test(`falls back to the reference with a one-line reason: ${what}`, async () => {
      const reasons: string[] = [];
      const kernels = await loadKernels('wasm', (r) => reasons.push(r), source);
      assert.equal(kernels, referenceKernels);
      assert.equal(reasons.length, 1);
      assert.doesNotMatch(reasons[0], /\n/);
      assert.match(reasons[0], /^the wasm kernels cannot run here \(.*\); using the reference kernels$/);
      assert.match(reasons[0], pattern);
    });
  }
});
