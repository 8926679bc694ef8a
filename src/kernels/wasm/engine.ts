/**
 * The fast kernels' TrainingEngine: one WebAssembly instance per engine (or a
 * team of threads sharing one memory, threaded.ts), with the training images
 * (as bytes), float32 parameters, velocities and every per-row buffer in its
 * linear memory (laid out by layout.ts, described to the AssemblyScript side
 * by the block in abi.ts). trainBatches makes one call into WebAssembly per
 * chunk of the order, evaluate one per dataset.
 *
 * This file knows nothing of files or Node: it takes a compiled
 * WebAssembly.Module, so a browser worker can run the same kernels.
 *
 * Parameters inside are float32; W is stored input-major (I×Op, Op = O
 * rounded up to a multiple of 4) and read/writeParams convert to and from
 * the Network.params layout (O×I row-major weights, then biases, in float64).
 */
import type { Dataset } from '../../data/dataset.js';
import { LEAKY_SLOPE, type ActivationName } from '../../nn/activations.js';
import type { CostName } from '../../nn/costs.js';
import type { Network } from '../../nn/network.js';
import type { TrainingEngine, UpdateOptions } from '../types.js';
import * as abi from './abi.js';
import { align16, type LayerPlan, type MemoryPlan, padTo4, planMemory } from './layout.js';

/** What the module exports (assembly/index.ts). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  train(config: number, order: number, count: number): void;
  evaluate(config: number, images: number, labels: number, predictions: number, count: number): number;
}

export const KERNEL_EXPORTS = ['memory', 'heapBase', 'train', 'evaluate'] as const;

/**
 * What runs the kernels on the engine's memory: one instance on this thread
 * (oneThread below), or a team of threads (threaded.ts).
 */
export interface KernelRunner {
  readonly memory: WebAssembly.Memory;
  readonly heapBase: number;
  /** Row buffers needed at least, whatever the batch size (one per thread for evaluation). */
  readonly minRows: number;
  /** Bytes of scratch per example that evaluate needs after the dataset (0 for none). */
  readonly scratchPerExample: number;
  /** Bytes of control block it needs in the plan (0 for none). */
  readonly controlBytes: number;
  /** Called once the memory is laid out and configured, before any train or evaluate. */
  start(plan: MemoryPlan): void;
  train(config: number, order: number, count: number): void;
  evaluate(config: number, images: number, labels: number, predictions: number, count: number, scratch: number): number;
  dispose(): void;
}

/** The one-thread runner: a fresh instance of kernels.wasm with memory of its own. */
export function oneThread(module: WebAssembly.Module): KernelRunner {
  const wasm = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  return {
    memory: wasm.memory,
    heapBase: wasm.heapBase(),
    minRows: 1,
    scratchPerExample: 0,
    controlBytes: 0,
    start: () => {},
    train: (config, order, count) => wasm.train(config, order, count),
    evaluate: (config, images, labels, predictions, count) => wasm.evaluate(config, images, labels, predictions, count),
    dispose: () => {},
  };
}

const ACTIVATION_CODES: Record<ActivationName, number> = {
  sigmoid: abi.ACT_SIGMOID,
  tanh: abi.ACT_TANH,
  relu: abi.ACT_RELU,
  'leaky-relu': abi.ACT_LEAKY_RELU,
  softmax: abi.ACT_SOFTMAX,
};

const COST_CODES: Record<CostName, number> = {
  quadratic: abi.COST_QUADRATIC,
  'cross-entropy': abi.COST_CROSS_ENTROPY,
  'log-likelihood': abi.COST_LOG_LIKELIHOOD,
};

/** Choices that change how the kernels work, never what they compute. */
export interface WasmEngineOptions {
  /**
   * Update layer 0's weights row by row (assembly/update.ts): each row of W
   * that the batch's images light takes its whole step in one visit; with
   * L2 or momentum, a row no image lights takes its steps later, all at
   * once; bit for bit as the example-wise update would have. true: always;
   * false: never (the example-wise update, for tests to compare against);
   * by default, where it pays (rowWiseByDefault).
   */
  rowWise?: boolean;
}

/**
 * Plain SGD's row-wise update pays from this many outputs of layer 0 up
 * (its padded width). It saves a load and a store of W per weight and
 * example, but sorting the batch's entries by row and the short per-row
 * loops cost more than that on narrow rows. Training time, [784, W, 10],
 * batch 20, one thread, row-wise against example-wise (best of 5, taking
 * turns): W = 30 +27%, 100 +3%, 128 +3%, 200 −1%, 256 −3%, 400 −3%,
 * 800 −8%, 2000 −12%; the reference [784, 30, 25, 10], batch 10: +34%.
 */
export const ROW_WISE_MIN_OUTPUTS = 256;

/**
 * Whether layer 0 goes row by row unless told: with L2 or momentum always
 * (it also saves their dense passes over W and V, and puts off the steps of
 * unlit rows), with plain SGD when its rows are wide enough.
 */
export function rowWiseByDefault(sizes: readonly number[], options: UpdateOptions): boolean {
  return options.momentum > 0 || options.l2PerExample > 0 || padTo4(sizes[1]) >= ROW_WISE_MIN_OUTPUTS;
}

const PAGE = 65536;
/** wasm32 addresses 4 GiB at most. */
const MAX_PAGES = 65536;

export class WasmEngine implements TrainingEngine {
  readonly kernels = 'wasm' as const;
  private runner: KernelRunner | null;
  private readonly plan: MemoryPlan;
  private readonly trainCount: number;
  private readonly inputSize: number;
  private readonly momentum: boolean;

  /** `runner`: a WebAssembly.Module of kernels.wasm (one thread), or a runner to own and dispose of. */
  constructor(runner: WebAssembly.Module | KernelRunner, net: Network, train: Dataset, options: UpdateOptions, engineOptions: WasmEngineOptions = {}) {
    if (train.inputSize !== net.inputSize) {
      throw new Error(`the network takes ${net.inputSize} inputs but the data has ${train.inputSize}`);
    }
    const own = runner instanceof WebAssembly.Module ? oneThread(runner) : runner;
    this.runner = own;
    this.trainCount = train.count;
    this.inputSize = train.inputSize;
    this.momentum = options.momentum > 0;
    // The order is copied in chunks of whole batches; a chunk as large as the training set is plenty.
    const orderCapacity = Math.max(1, Math.ceil(train.count / options.batchSize)) * options.batchSize;
    const rows = Math.max(options.batchSize, own.minRows);
    const rowWise = engineOptions.rowWise ?? rowWiseByDefault(net.sizes, options);
    this.plan = planMemory(own.heapBase, net.sizes, rows, this.momentum, train.count, orderCapacity, own.controlBytes, rowWise);
    this.ensureMemory(this.plan.end);
    this.writeConfig(net, options);
    this.bytes(this.plan.images, train.count * train.inputSize).set(train.images.subarray(0, train.count * train.inputSize));
    this.bytes(this.plan.labels, train.count).set(train.labels.subarray(0, train.count));
    this.writeParams(net.params);
    own.start(this.plan);
  }

  setTrainImages(images: Uint8Array): void {
    const size = this.trainCount * this.inputSize;
    if (images.length !== size) throw new RangeError(`expected ${size} training pixels, got ${images.length}`);
    this.bytes(this.plan.images, size).set(images);
  }

  trainBatches(order: Uint32Array, from: number, to: number): void {
    const runner = this.live();
    const { order: at, orderCapacity } = this.plan;
    for (let start = from; start < to; start += orderCapacity) {
      const end = Math.min(to, start + orderCapacity);
      const chunk = order.subarray(start, end);
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] >= this.trainCount) throw new RangeError(`order[${start + i}] = ${chunk[i]} is not an example of the ${this.trainCount} training examples`);
      }
      new Uint32Array(runner.memory.buffer, at, chunk.length).set(chunk);
      runner.train(this.plan.config, at, chunk.length);
    }
  }

  evaluate(ds: Dataset, predictions: Uint8Array): number {
    const runner = this.live();
    const N = ds.count;
    const I = this.plan.layers[0].I;
    if (ds.inputSize !== I) throw new Error(`the network takes ${I} inputs but the data has ${ds.inputSize}`);
    if (predictions.length < N) throw new RangeError(`predictions holds ${predictions.length} classes, ${N} needed`);
    if (N === 0) return 0;
    // The dataset goes after everything else: labels, predictions, images, then the runner's scratch.
    const labels = this.plan.end;
    const predicted = labels + N;
    const images = align16(predicted + N);
    const scratch = align16(images + N * I);
    this.ensureMemory(runner.scratchPerExample > 0 ? scratch + N * runner.scratchPerExample : images + N * I);
    this.bytes(images, N * I).set(ds.images.subarray(0, N * I));
    this.bytes(labels, N).set(ds.labels.subarray(0, N));
    const cost = runner.evaluate(this.plan.config, images, labels, predicted, N, scratch);
    predictions.set(this.bytes(predicted, N));
    return cost;
  }

  readParams(out: Float64Array): void {
    this.copyOut(out, 'w', 'b');
  }

  writeParams(params: Float64Array): void {
    this.copyIn(params, 'w', 'b');
  }

  readVelocity(out: Float64Array): void {
    if (this.momentum) this.copyOut(out, 'vw', 'vb');
    else out.fill(0);
  }

  writeVelocity(v: Float64Array): void {
    if (this.momentum) this.copyIn(v, 'vw', 'vb');
  }

  setLearningRate(eta: number): void {
    this.floats(this.plan.config, abi.HEADER_WORDS)[abi.H_ETA] = eta;
  }

  dispose(): void {
    this.runner?.dispose();
    this.runner = null; // the instance and its memory go with the last reference
  }

  /**
   * Layer 0's per-row step counts of the row-wise update (every one 0
   * between train calls: each call ends with every row current; always 0
   * with plain SGD, which puts no step off), or null when the update is
   * example-wise. A view of live memory, for tests.
   */
  rowSteps(): Int32Array | null {
    return this.plan.rowWise === 0 ? null : new Int32Array(this.live().memory.buffer, this.plan.rowWise, this.plan.layers[0].I);
  }

  /**
   * The largest |value| in the padding columns (O ≤ j < Op) of every layer's
   * weights, biases and velocities: 0 unless something leaked into them.
   */
  paddingMaxAbs(): number {
    let worst = 0;
    for (const layer of this.plan.layers) {
      const { I, O, Op } = layer;
      for (const [matrix, vector] of [[layer.w, layer.b], [layer.vw, layer.vb]]) {
        if (matrix === 0) continue;
        const w = this.floats(matrix, I * Op);
        const b = this.floats(vector, Op);
        for (let j = O; j < Op; j++) {
          worst = Math.max(worst, Math.abs(b[j]));
          for (let k = 0; k < I; k++) worst = Math.max(worst, Math.abs(w[k * Op + j]));
        }
      }
    }
    return worst;
  }

  /** Network.params layout → float32 W (transposed to I×Op) and b; padding set to 0. */
  private copyIn(src: Float64Array, wField: 'w' | 'vw', bField: 'b' | 'vb'): void {
    let offset = 0;
    for (const layer of this.plan.layers) {
      const { I, O, Op } = layer;
      const w = this.floats(layer[wField], I * Op);
      const b = this.floats(layer[bField], Op);
      w.fill(0);
      b.fill(0);
      for (let j = 0; j < O; j++) for (let k = 0; k < I; k++) w[k * Op + j] = src[offset + j * I + k];
      offset += O * I;
      for (let j = 0; j < O; j++) b[j] = src[offset + j];
      offset += O;
    }
  }

  /** float32 W (I×Op) and b → the Network.params layout. */
  private copyOut(out: Float64Array, wField: 'w' | 'vw', bField: 'b' | 'vb'): void {
    let offset = 0;
    for (const layer of this.plan.layers) {
      const { I, O, Op } = layer;
      const w = this.floats(layer[wField], I * Op);
      const b = this.floats(layer[bField], Op);
      for (let j = 0; j < O; j++) for (let k = 0; k < I; k++) out[offset + j * I + k] = w[k * Op + j];
      offset += O * I;
      for (let j = 0; j < O; j++) out[offset + j] = b[j];
      offset += O;
    }
  }

  private writeConfig(net: Network, options: UpdateOptions): void {
    const { config, layers } = this.plan;
    const words = abi.HEADER_WORDS + layers.length * abi.LAYER_WORDS;
    const ints = new Uint32Array(this.live().memory.buffer, config, words);
    const floats = this.floats(config, words);
    ints[abi.H_LAYERS] = layers.length;
    ints[abi.H_BATCH] = options.batchSize;
    ints[abi.H_COST] = COST_CODES[net.cost.name];
    floats[abi.H_ETA] = options.eta;
    floats[abi.H_DECAY] = options.l2PerExample;
    floats[abi.H_MOMENTUM] = options.momentum;
    ints[abi.H_NESTEROV] = options.momentum > 0 && options.nesterov ? 1 : 0;
    ints[abi.H_IMAGES] = this.plan.images;
    ints[abi.H_LABELS] = this.plan.labels;
    floats[abi.H_LEAKY_SLOPE] = LEAKY_SLOPE;
    ints[abi.H_PIXEL_VALUES] = this.plan.pixelValues;
    // Every row starts current (0 steps of the first call taken), every bucket empty.
    ints[abi.H_ROW_WISE] = this.plan.rowWise;
    if (this.plan.rowWise !== 0) this.bytes(this.plan.rowWise, this.plan.rowWiseBytes).fill(0);
    const pixelValues = this.floats(this.plan.pixelValues, 256);
    for (let byte = 0; byte < 256; byte++) pixelValues[byte] = byte / 255;
    layers.forEach((layer: LayerPlan, l) => {
      const at = abi.HEADER_WORDS + l * abi.LAYER_WORDS;
      ints[at + abi.L_IN] = layer.I;
      ints[at + abi.L_OUT] = layer.O;
      ints[at + abi.L_OUT_PADDED] = layer.Op;
      ints[at + abi.L_ACT] = ACTIVATION_CODES[net.layers[l].activation.name];
      ints[at + abi.L_W] = layer.w;
      ints[at + abi.L_B] = layer.b;
      ints[at + abi.L_VW] = layer.vw;
      ints[at + abi.L_VB] = layer.vb;
      ints[at + abi.L_Z] = layer.z;
      ints[at + abi.L_A] = layer.a;
      ints[at + abi.L_DELTA] = layer.delta;
      ints[at + abi.L_LIST_ROW] = layer.listRow;
      ints[at + abi.L_LIST_VALUE] = layer.listValue;
      ints[at + abi.L_LIST_COUNT] = layer.listCount;
    });
  }

  /** Grow the memory to at least `bytes`. */
  private ensureMemory(bytes: number): void {
    const memory = this.live().memory;
    const pages = Math.ceil(bytes / PAGE);
    const have = memory.buffer.byteLength / PAGE;
    if (pages <= have) return;
    if (pages > MAX_PAGES) {
      throw new RangeError(`the wasm kernels would need ${(bytes / 2 ** 20).toFixed(0)} MiB of memory, more than WebAssembly's 4 GiB`);
    }
    memory.grow(pages - have);
  }

  /** Fresh views: growing the memory detaches the old ones. */
  private floats(at: number, length: number): Float32Array {
    return new Float32Array(this.live().memory.buffer, at, length);
  }

  private bytes(at: number, length: number): Uint8Array {
    return new Uint8Array(this.live().memory.buffer, at, length);
  }

  private live(): KernelRunner {
    if (!this.runner) throw new Error('this training engine has been disposed');
    return this.runner;
  }
}
