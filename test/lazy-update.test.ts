/**
 * The row-wise update of layer 0 (kernels/wasm/assembly/update.ts): a row of
 * W that the batch's images light takes its whole step in one visit, every
 * lighting example's gradient in turn, and with L2 or momentum a row whose
 * pixel no image of a batch lights takes its steps later, all at once.
 * Neither may change a bit: after training, the weights, velocities,
 * predictions and costs must be exactly the example-wise update's, on 1 and
 * 3 threads, for every update rule (plain SGD included), with short last
 * batches, several train calls, a new η and new images between calls, and
 * pixels that light up again after being dark for many batches. Then: the
 * engine gives layer 0 the row-wise state exactly when asked, or by default
 * where it pays, and a tampered step count shows that these comparisons
 * would catch a catch-up that took the wrong number of steps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Dataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import type { UpdateOptions } from '../src/kernels/types.js';
import { ROW_WISE_MIN_OUTPUTS, rowWiseByDefault, WasmEngine } from '../src/kernels/wasm/engine.js';
import { compileKernels } from '../src/kernels/wasm/load.js';
import { readKernelsFile } from '../src/kernels/wasm/node-file.js';
import { nodeThreadHost, readThreadedKernelsFile } from '../src/kernels/wasm/node-threads.js';
import { ThreadTeam } from '../src/kernels/wasm/threaded.js';
import { Network, type NetworkSpec } from '../src/nn/network.js';
import { Random } from '../src/random.js';

const single = (await compileKernels(readKernelsFile)) as WebAssembly.Module;
const team = await WebAssembly.compile(await readThreadedKernelsFile());

/** A network's shape: its sizes, activations and cost. */
type Shape = NetworkSpec;

/** Rows of 37 and 64 outputs (blocks of 4 vectors and a tail of single ones, or none) and of 9 (single vectors only). */
const SHAPES: Shape[] = [
  { sizes: [100, 37, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' },
  { sizes: [100, 64, 5], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' },
  { sizes: [100, 9, 6, 3], activations: ['tanh', 'leaky-relu', 'softmax'], cost: 'log-likelihood' },
];

const RULES: Record<string, Omit<UpdateOptions, 'batchSize' | 'eta'>> = {
  'plain SGD': { l2PerExample: 0, momentum: 0, nesterov: false },
  L2: { l2PerExample: 0.02, momentum: 0, nesterov: false },
  momentum: { l2PerExample: 0, momentum: 0.8, nesterov: false },
  'momentum + L2': { l2PerExample: 0.01, momentum: 0.9, nesterov: false },
  Nesterov: { l2PerExample: 0, momentum: 0.7, nesterov: true },
  'Nesterov + L2': { l2PerExample: 0.01, momentum: 0.9, nesterov: true },
};

/** Images 10×10 in training order: see patchyImages. */
const SIDE = 10;
const COUNT = 300;
/** Training order: a permutation of the examples (7 and 300 have no common factor). */
const ORDER = Uint32Array.from({ length: COUNT }, (_, p) => (p * 7 + 3) % COUNT);
/** Border pixels lit only at order positions that are multiples of their period: dark for 3 to 14 batches of 7 between. */
const RARE: [pixel: number, period: number][] = [
  [1, 23],
  [SIDE * 5, 41],
  [SIDE * SIDE - 3, 97],
];

/**
 * Pixels as MNIST has them, in small: the outer ring always 0 but for the
 * RARE pixels and one pixel (`once`) lit at a single position of the order;
 * the next ring lit now and then (3%); inside, half of the pixels.
 */
function patchyImages(seed: number, once: [pixel: number, position: number]): Uint8Array {
  const rng = new Random(seed);
  const images = new Uint8Array(COUNT * SIDE * SIDE);
  for (let p = 0; p < COUNT; p++) {
    const image = images.subarray(ORDER[p] * SIDE * SIDE, (ORDER[p] + 1) * SIDE * SIDE);
    for (let y = 1; y < SIDE - 1; y++) {
      for (let x = 1; x < SIDE - 1; x++) {
        const ring = y === 1 || x === 1 || y === SIDE - 2 || x === SIDE - 2;
        if (rng.next() < (ring ? 0.03 : 0.5)) image[y * SIDE + x] = 1 + rng.int(255);
      }
    }
    for (const [pixel, period] of RARE) if (p % period === 0) image[pixel] = 1 + rng.int(255);
    if (p === once[1]) image[once[0]] = 200;
  }
  return images;
}

function patchyDataset(seed: number, classes: number): Dataset {
  const rng = new Random(seed + 1);
  const labels = Uint8Array.from({ length: COUNT }, () => rng.int(classes));
  return { images: patchyImages(seed, [SIDE * 9 + 6, 150]), labels, count: COUNT, inputSize: SIDE * SIDE, classes };
}

/** `rowWise`: the engine option (undefined: the engine's default). */
function createEngine(threads: number, rowWise: boolean | undefined, net: Network, data: Dataset, options: UpdateOptions): WasmEngine {
  const runner = threads === 1 ? single : new ThreadTeam(team, threads, nodeThreadHost);
  return new WasmEngine(runner, net, data, options, { rowWise });
}

/** Every row is current after a train call, and the next call counts its steps from 0. */
function assertFlushed(engine: WasmEngine, when: string): void {
  const steps = engine.rowSteps();
  if (steps) assert.ok(steps.every((s) => s === 0), `${when}: a row of layer 0 was left behind`);
}

/**
 * Train in uneven calls (batches cut across calls, a short last batch),
 * halving η and replacing the images (as augmentation does) between two of
 * them, then read back everything the engine holds.
 */
function train(engine: WasmEngine, paramCount: number, eta: number, validation: Dataset) {
  const calls: [number, number][] = [[0, 10], [10, 163], [163, COUNT], [0, COUNT]];
  for (const [i, [from, to]] of calls.entries()) {
    if (i === 2) {
      engine.setLearningRate(eta / 2);
      // Pixel 8 of the outer ring lights up in the new images only, once.
      engine.setTrainImages(patchyImages(99, [8, 170]));
    }
    engine.trainBatches(ORDER, from, to);
    assertFlushed(engine, `after train call ${i}`);
  }
  return readBack(engine, paramCount, validation);
}

function readBack(engine: WasmEngine, paramCount: number, validation: Dataset) {
  const params = new Float64Array(paramCount);
  const velocity = new Float64Array(params.length);
  engine.readParams(params);
  engine.readVelocity(velocity);
  const predictions = new Uint8Array(validation.count);
  const cost = engine.evaluate(validation, predictions);
  return { params, velocity, predictions, cost };
}

/** Train a fresh network (seed 1) on `threads` threads, layer 0 row-wise or example-wise (undefined: the default). */
function run(threads: number, rowWise: boolean | undefined, shape: Shape, data: Dataset, validation: Dataset, options: UpdateOptions) {
  const net = Network.create({ sizes: shape.sizes, activations: shape.activations, cost: shape.cost }, new Random(1));
  const engine = createEngine(threads, rowWise, net, data, options);
  try {
    const want = rowWise ?? rowWiseByDefault(shape.sizes, options);
    assert.equal(engine.rowSteps() !== null, want, `layer 0 ${want ? 'row-wise' : 'example-wise'}`);
    return train(engine, net.params.length, options.eta, validation);
  } finally {
    engine.dispose();
  }
}

/** The first index where two float32 arrays (held as float64) differ in any bit, or -1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  const x = new Uint32Array(Float32Array.from(a).buffer);
  const y = new Uint32Array(Float32Array.from(b).buffer);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return x.length === y.length ? -1 : x.length;
}

type Result = ReturnType<typeof run>;

function assertSame(got: Result, want: Result, what: string): void {
  assert.equal(firstDifference(got.params, want.params), -1, `${what}: parameters differ`);
  assert.equal(firstDifference(got.velocity, want.velocity), -1, `${what}: velocities differ`);
  assert.deepEqual(got.predictions, want.predictions, `${what}: predictions differ`);
  assert.ok(Object.is(got.cost, want.cost), `${what}: cost ${got.cost} ≠ ${want.cost}`);
}

/** A layer 0 wide enough for plain SGD to go row-wise by default: 65 vectors, ten blocks of 6 and one of 5. */
const WIDE: Shape = { sizes: [100, ROW_WISE_MIN_OUTPUTS + 4, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' };

describe('the row-wise update gives exactly the example-wise numbers', () => {
  for (const [s, shape] of SHAPES.entries()) {
    for (const [ruleName, rule] of Object.entries(RULES)) {
      for (const batchSize of [7, 20]) {
        test(`[${shape.sizes.join(', ')}], ${ruleName}, batch ${batchSize}: row-wise on 1 and 3 threads against example-wise`, () => {
          const classes = shape.sizes[shape.sizes.length - 1];
          const data = patchyDataset(10 + s, classes);
          const validation = patchyDataset(50 + s, classes);
          const options: UpdateOptions = { batchSize, eta: 0.2, ...rule };
          const want = run(1, false, shape, data, validation, options);
          assertSame(run(1, true, shape, data, validation, options), want, 'row-wise, 1 thread');
          assertSame(run(3, true, shape, data, validation, options), want, 'row-wise, 3 threads');
        });
      }
    }
  }

  for (const ruleName of ['plain SGD', 'Nesterov + L2']) {
    test(`[${WIDE.sizes.join(', ')}], ${ruleName}, batch 20: the default (row-wise) on 1 and 3 threads against example-wise`, () => {
      const data = patchyDataset(20, 10);
      const validation = patchyDataset(60, 10);
      const options: UpdateOptions = { batchSize: 20, eta: 0.1, ...RULES[ruleName] };
      const want = run(1, false, WIDE, data, validation, options);
      assertSame(run(1, undefined, WIDE, data, validation, options), want, 'default, 1 thread');
      assertSame(run(3, undefined, WIDE, data, validation, options), want, 'default, 3 threads');
    });
  }

  test('plain SGD on rows of 1 to 7 vectors (each block width of its step: 1 to 6, and 6 + 1)', () => {
    const data = patchyDataset(5, 3);
    const options: UpdateOptions = { batchSize: 7, eta: 0.2, ...RULES['plain SGD'] };
    for (let vectors = 1; vectors <= 7; vectors++) {
      const shape: Shape = { sizes: [100, 4 * vectors - 1, 3], activations: ['sigmoid', 'softmax'], cost: 'log-likelihood' };
      const want = run(1, false, shape, data, data, options);
      assertSame(run(1, true, shape, data, data, options), want, `${4 * vectors - 1} outputs, 1 thread`);
      assertSame(run(3, true, shape, data, data, options), want, `${4 * vectors - 1} outputs, 3 threads`);
    }
  });

  test('batches of 1 and 2 (smaller than the thread count)', () => {
    const shape = SHAPES[0];
    const data = patchyDataset(3, 10);
    for (const batchSize of [1, 2]) {
      for (const ruleName of ['plain SGD', 'Nesterov + L2']) {
        const options: UpdateOptions = { batchSize, eta: 0.05, ...RULES[ruleName] };
        const want = run(1, false, shape, data, data, options);
        assertSame(run(1, true, shape, data, data, options), want, `${ruleName}, batch ${batchSize}, 1 thread`);
        assertSame(run(3, true, shape, data, data, options), want, `${ruleName}, batch ${batchSize}, 3 threads`);
      }
    }
  });
});

describe('the row-wise update on MNIST', () => {
  const rules: [name: string, rule: Omit<UpdateOptions, 'batchSize' | 'eta'>][] = [
    ['the best preset\'s rule', { l2PerExample: 5 / 50_000, momentum: 0.9, nesterov: true }],
    ['plain SGD', RULES['plain SGD']],
  ];
  for (const [ruleName, rule] of rules) {
    test(`[784, 30, 10], ${ruleName}, 600 images in calls of 5 batches: row-wise on 1 and 3 threads against example-wise`, () => {
      mnistAgainstExampleWise({ batchSize: 20, eta: 0.05, ...rule });
    });
  }
});

/** 600 MNIST images in calls of 5 batches of 20: row-wise on 1 and 3 threads against example-wise. */
function mnistAgainstExampleWise(options: UpdateOptions): void {
  const { train: data, validation } = loadMnist({ trainSize: 600 });
  const order = Uint32Array.from({ length: data.count }, (_, p) => (p * 13 + 5) % data.count);
  const results = [];
  for (const [threads, rowWise] of [[1, false], [1, true], [3, true]] as const) {
    const net = Network.create({ sizes: [784, 30, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' }, new Random(2), 'he');
    const engine = createEngine(threads, rowWise, net, data, options);
    try {
      for (let from = 0; from < data.count; from += 100) engine.trainBatches(order, from, Math.min(data.count, from + 100));
      assertFlushed(engine, 'after the epoch');
      results.push(readBack(engine, net.params.length, validation));
    } finally {
      engine.dispose();
    }
  }
  assertSame(results[1], results[0], 'row-wise, 1 thread');
  assertSame(results[2], results[0], 'row-wise, 3 threads');
}

describe('the row-wise path is the one taken', () => {
  test('row-wise state exactly when asked; by default with L2 or momentum, and with plain SGD from ROW_WISE_MIN_OUTPUTS outputs', () => {
    const data = patchyDataset(1, 10);
    const hasState = (shape: Shape, rowWise: boolean | undefined, rule: Omit<UpdateOptions, 'batchSize' | 'eta'>): boolean => {
      const net = Network.create({ sizes: shape.sizes, activations: shape.activations, cost: shape.cost }, new Random(1));
      const engine = createEngine(1, rowWise, net, data, { batchSize: 7, eta: 0.1, ...rule });
      const state = engine.rowSteps() !== null;
      engine.dispose();
      return state;
    };
    const narrow = { ...WIDE, sizes: [100, ROW_WISE_MIN_OUTPUTS - 4, 10] };
    const states = Object.entries(RULES).map(([name, rule]) => [
      name,
      [true, false, undefined].map((rowWise) => hasState(SHAPES[0], rowWise, rule)),
      [narrow, WIDE].map((shape) => hasState(shape, undefined, rule)),
    ]);
    const plain = (name: string) => name === 'plain SGD';
    assert.deepEqual(states, Object.keys(RULES).map((name) => [name, [true, false, !plain(name)], [!plain(name), true]]));
  });

  test('a row told it is one step ahead takes one step too few: the weights from that pixel, and only they, differ', () => {
    const shape = SHAPES[0];
    const [I, O] = shape.sizes;
    const data = patchyDataset(4, 10);
    const options: UpdateOptions = { batchSize: 7, eta: 0.2, ...RULES['Nesterov + L2'] };
    const dark = 2; // a pixel of the outer ring that no image lights
    assert.ok(Array.from({ length: COUNT }, (_, n) => data.images[n * I + dark]).every((b) => b === 0));
    const results = [false, true].map((rowWise) => {
      const net = Network.create({ sizes: shape.sizes, activations: shape.activations, cost: shape.cost }, new Random(1));
      const engine = createEngine(1, rowWise, net, data, options);
      try {
        engine.trainBatches(ORDER, 0, 70);
        // Tampered: row `dark` of layer 0 counts as having taken this call's first step already.
        if (rowWise) engine.rowSteps()![dark] = 1;
        engine.trainBatches(ORDER, 70, 140);
        return readBack(engine, net.params.length, data);
      } finally {
        engine.dispose();
      }
    });
    for (const key of ['params', 'velocity'] as const) {
      const [exampleWise, rowWise] = results.map((r) => r[key]);
      const differing = Array.from(exampleWise, (x, i) => (Object.is(x, rowWise[i]) ? -1 : i)).filter((i) => i >= 0);
      const fromDark = Array.from({ length: O }, (_, j) => j * I + dark);
      assert.deepEqual(differing, fromDark, `${key}: exactly the ${O} weights from pixel ${dark} differ`);
    }
  });
});
