/**
 * The threaded wasm kernels (kernels/wasm/threaded.ts) against the one-thread
 * wasm kernels: the same float32 operations in the same order, split by
 * example for forward and backprop and by output unit for the update, so the
 * parameters, velocities, predictions and costs must be bit-identical, for
 * 2 and 3 threads, on shapes whose output counts are not multiples of the
 * thread count or of 4, and for layers wide enough to be split at cache
 * lines. Then: every thread ends when its engine is disposed, 'auto' chooses
 * as documented, and bad --threads values are refused.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import type { Dataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { loadKernels } from '../src/kernels/index.js';
import type { Kernels, UpdateOptions } from '../src/kernels/types.js';
import { compileKernels } from '../src/kernels/wasm/load.js';
import { readKernelsFile } from '../src/kernels/wasm/node-file.js';
import { nodeThreadHost, readThreadedKernelsFile } from '../src/kernels/wasm/node-threads.js';
import { type ThreadHost, threadedKernelsFrom, threadsFor } from '../src/kernels/wasm/threaded.js';
import { Network, type NetworkSpec } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { evaluateNetworkOn } from '../src/train/evaluate.js';
import { train } from '../src/train/trainer.js';
import { runCli, sparseDataset, withTempDir } from './helpers.js';
import { writerPng } from './writer-digits.js';

const fallback = (reason: string) => assert.fail(`the wasm kernels must load with threads: ${reason}`);
const oneThread = await loadKernels('wasm', fallback);
const byThreads = new Map<number, Kernels>([[1, oneThread]]);
for (const T of [2, 3]) byThreads.set(T, await loadKernels('wasm', fallback, undefined, T));

/** A network's shape: its sizes, activations and cost. */
type Shape = NetworkSpec;

/** Odd output counts (3, 5, 7, 9: not multiples of 2, 3 or 4), softmax, one unit, no hidden layer, and layers of 150 and 200 (split at 64-byte lines). */
const SHAPES: Shape[] = [
  { sizes: [20, 7], activations: ['softmax'], cost: 'log-likelihood' },
  { sizes: [7, 5, 3], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' },
  { sizes: [13, 6, 4, 3], activations: ['tanh', 'relu', 'softmax'], cost: 'log-likelihood' },
  { sizes: [37, 9, 7], activations: ['leaky-relu', 'sigmoid'], cost: 'cross-entropy' },
  { sizes: [3, 1, 2], activations: ['sigmoid', 'softmax'], cost: 'log-likelihood' },
  { sizes: [60, 150, 10], activations: ['relu', 'sigmoid'], cost: 'cross-entropy' },
  { sizes: [40, 200, 33, 5], activations: ['sigmoid', 'tanh', 'sigmoid'], cost: 'quadratic' },
];

const RULES: Record<string, Omit<UpdateOptions, 'batchSize' | 'eta'>> = {
  'plain SGD': { l2PerExample: 0, momentum: 0, nesterov: false },
  'L2': { l2PerExample: 0.02, momentum: 0, nesterov: false },
  'momentum + L2': { l2PerExample: 0.01, momentum: 0.9, nesterov: false },
  Nesterov: { l2PerExample: 0, momentum: 0.7, nesterov: true },
};

const spec = (shape: Shape) => ({ sizes: shape.sizes, activations: shape.activations, cost: shape.cost });

/** Train a fresh network (seed 1) for a few uneven chunks, then read back everything the engine holds. */
function run(kernels: Kernels, shape: Shape, data: Dataset, validation: Dataset, options: UpdateOptions) {
  const net = Network.create(spec(shape), new Random(1));
  const engine = kernels.createEngine(net, data, options);
  try {
    const order = new Uint32Array(data.count);
    for (let i = 0; i < order.length; i++) order[i] = (i * 7 + 3) % data.count;
    engine.trainBatches(order, 0, 10);
    engine.trainBatches(order, 10, data.count); // a last batch shorter than B
    engine.setLearningRate(options.eta / 2);
    engine.trainBatches(order, 0, data.count);
    const params = new Float64Array(net.params.length);
    const velocity = new Float64Array(net.params.length);
    engine.readParams(params);
    engine.readVelocity(velocity);
    const predictions = new Uint8Array(validation.count);
    const cost = engine.evaluate(validation, predictions);
    return { params, velocity, predictions, cost };
  } finally {
    engine.dispose();
  }
}

/** The index of the first difference, or -1: bit-identical means equal as numbers (no NaN here). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

describe('threaded training and evaluation give exactly the one-thread numbers', () => {
  for (const [s, shape] of SHAPES.entries()) {
    for (const [ruleName, rule] of Object.entries(RULES)) {
      test(`[${shape.sizes.join(', ')}] ${shape.activations.join('/')} ${shape.cost}, ${ruleName}`, () => {
        const classes = shape.sizes[shape.sizes.length - 1];
        const data = sparseDataset(10 + s, 37, shape.sizes[0], classes);
        const validation = sparseDataset(50 + s, 23, shape.sizes[0], classes);
        const options: UpdateOptions = { batchSize: 6, eta: 0.3, ...rule };
        const want = run(oneThread, shape, data, validation, options);
        for (const T of [2, 3]) {
          const got = run(byThreads.get(T)!, shape, data, validation, options);
          assert.equal(firstDifference(got.params, want.params), -1, `${T} threads: parameters differ`);
          assert.equal(firstDifference(got.velocity, want.velocity), -1, `${T} threads: velocities differ`);
          assert.deepEqual(got.predictions, want.predictions, `${T} threads: predictions differ`);
          assert.ok(Object.is(got.cost, want.cost), `${T} threads: cost ${got.cost} ≠ ${want.cost}`);
        }
      });
    }
  }

  test('batches of 1 and batches smaller than the thread count', () => {
    const shape = SHAPES[5];
    const data = sparseDataset(3, 11, 60, 10);
    for (const batchSize of [1, 2]) {
      const options: UpdateOptions = { batchSize, eta: 0.2, ...RULES['momentum + L2'] };
      const want = run(oneThread, shape, data, data, options);
      const got = run(byThreads.get(3)!, shape, data, data, options);
      assert.equal(firstDifference(got.params, want.params), -1, `batch ${batchSize}: parameters differ`);
    }
  });

  test('the trainer with threads: the same epochs and the same network', async () => {
    const shape = SHAPES[5];
    const data = { train: sparseDataset(7, 120, 60, 10), validation: sparseDataset(8, 40, 60, 10) };
    const results = [];
    for (const kernels of [oneThread, byThreads.get(2)!]) {
      const net = Network.create(spec(shape), new Random(5));
      const result = await train(net, data, { epochs: 2, batchSize: 10, eta: 0.5, momentum: 0.5, kernels, rng: new Random(6) });
      results.push({ params: net.params, correct: result.epochs.map((e) => [e.correct, e.validationCost]) });
    }
    assert.equal(firstDifference(results[1].params, results[0].params), -1);
    assert.deepEqual(results[1].correct, results[0].correct);
  });

  test('evaluateNetworkOn: the same predictions and costs on 2 threads, for each dataset', () => {
    const net = Network.create(spec(SHAPES[6]), new Random(2));
    const sets = [sparseDataset(1, 101, 40, 5), sparseDataset(2, 7, 40, 5)];
    const want = evaluateNetworkOn(net, sets, oneThread);
    const got = evaluateNetworkOn(net, sets, byThreads.get(2)!);
    assert.deepEqual(got, want);
  });
});

describe('threads end with their engine', () => {
  test('every worker has exited once the engine is disposed, trained or not', async () => {
    const workers: Worker[] = [];
    const host: ThreadHost = {
      cores: () => 2,
      spawn(start) {
        const worker = nodeThreadHost.spawn(start) as Worker;
        workers.push(worker);
        return worker;
      },
    };
    const exited = () => workers.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
    const single = await compileKernels(readKernelsFile);
    const team = await readThreadedKernelsFileChecked();
    const kernels = threadedKernelsFrom(single, team, 3, host);
    const net = Network.create(spec(SHAPES[1]), new Random(1));
    const data = sparseDataset(1, 20, 7, 3);
    const trained = kernels.createEngine(net, data, { batchSize: 4, eta: 0.1, ...RULES['plain SGD'] });
    trained.trainBatches(Uint32Array.from({ length: 20 }, (_, i) => i), 0, 20);
    const untouched = kernels.createEngine(net, data, { batchSize: 4, eta: 0.1, ...RULES['plain SGD'] });
    assert.equal(workers.length, 4, 'two extra threads per engine');
    const ends = exited();
    trained.dispose();
    untouched.dispose();
    await Promise.all(ends);
    assert.throws(() => trained.trainBatches(new Uint32Array(4), 0, 4), /disposed/);
  });
});

/** compileKernels checks the one-thread exports; the threaded module's differ, so it is compiled as loadKernels compiles it. */
async function readThreadedKernelsFileChecked(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readThreadedKernelsFile());
}

describe("--threads auto", () => {
  test('a second core for the best preset\'s [784, 800, 10], not for the reference network', () => {
    assert.equal(threadsFor('auto', [784, 800, 10], 20, 50_000, 'train', 2), 2);
    assert.equal(threadsFor('auto', [784, 800, 10], 20, 50_000, 'train', 1), 1);
    assert.equal(threadsFor('auto', [784, 30, 25, 10], 10, 50_000, 'train', 2), 1);
    assert.equal(threadsFor('auto', [784, 30, 25, 10], 1, 10_000, 'evaluate', 2), 1);
    assert.equal(threadsFor(3, [784, 30, 25, 10], 10, 50_000, 'train', 2), 3, 'a number is taken as given');
  });
});

describe('digitnet predict on reader threads', () => {
  test('10 pictures, a broken one and a missing one: the same lines, errors and exit code as on one thread', () => {
    withTempDir((dir) => {
      const { test: digits } = loadMnist({ trainSize: 100 });
      const files = Array.from({ length: 10 }, (_, n) => {
        const file = join(dir, `d${n}.png`);
        writeFileSync(file, writerPng(digits, n));
        return file;
      });
      writeFileSync(join(dir, 'broken.png'), 'not a picture');
      files.splice(4, 0, join(dir, 'broken.png'), join(dir, 'missing.png'));
      const one = runCli(['predict', '--json', '--threads', '1', ...files]);
      const two = runCli(['predict', '--json', '--threads', '2', ...files]);
      assert.equal(one.stdout.trim().split('\n').length, 10, one.stderr);
      assert.deepEqual([two.status, two.stdout, two.stderr], [one.status, one.stdout, one.stderr]);
      assert.equal(one.status, 1, 'two files could not be answered');
      // --ink reaches the reader threads: light ink on these dark-on-light pictures reads the paper, as on one thread.
      const light = ['predict', '--json', '--ink', 'light', ...files.slice(0, 8)];
      const lightOne = runCli([...light, '--threads', '1']);
      const lightTwo = runCli([...light, '--threads', '2']);
      assert.deepEqual([lightTwo.status, lightTwo.stdout, lightTwo.stderr], [lightOne.status, lightOne.stdout, lightOne.stderr]);
      assert.notEqual(lightOne.stdout, runCli(['predict', '--json', '--threads', '1', ...files.slice(0, 8)]).stdout, '--ink light reads otherwise');
    });
  });
});

describe('--threads is checked as it is read', () => {
  const commands = [['train'], ['eval', '--model', 'm.json'], ['predict', 'x.png']];
  for (const bad of ['0', 'abc', '-1', '1.5', '65', '']) {
    // Every value on train; the parser is shared, so eval and predict are checked with two.
    const on = bad === '0' || bad === 'abc' ? commands : commands.slice(0, 1);
    test(`--threads '${bad}' is a usage error on ${on.map((c) => c[0]).join(', ')}`, () => {
      for (const args of on) {
        const r = runCli([...args, '--threads', bad], { timeoutMs: 30_000 });
        assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
        assert.match(r.stderr, /^digitnet: option '--threads <n>' argument '.*' is invalid\. must be auto or a whole number of threads from 1 to 64\.\n$/);
      }
    });
  }
});
