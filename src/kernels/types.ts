/**
 * The numeric work of training, behind one interface so that the readable
 * reference (reference.ts, the specification) and the fast WebAssembly
 * kernels are interchangeable and can be tested against each other.
 *
 * Shapes, named once: B examples in a mini-batch, I inputs and O outputs of a
 * layer, N examples in a dataset, m the size of the current mini-batch (B, or
 * fewer for the last one of an epoch).
 */
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../nn/network.js';

export type KernelsName = 'reference' | 'wasm';

/**
 * How many threads an engine may use: a number, or 'auto' to use more than
 * one only where they pay (wide layers, big batches; see wasm/threaded.ts).
 */
export type Threads = number | 'auto';

/** What an engine is made for: training (and evaluating between epochs), or only evaluating. */
export type EngineUse = 'train' | 'evaluate';

/** The update rule's hyperparameters, checked by the trainer before they get here. */
export interface UpdateOptions {
  /** B, the mini-batch size. */
  batchSize: number;
  /** η, the learning rate. */
  eta: number;
  /** λ/n: L2 strength divided by the training-set size (Nielsen's network2); 0 for none. */
  l2PerExample: number;
  /** μ, momentum coefficient in [0, 1); 0 for plain SGD. */
  momentum: number;
  /** Nesterov's look-ahead form of momentum. */
  nesterov: boolean;
}

/**
 * A network bound to a training set. It may keep its own copy of the
 * parameters (the WASM kernels keep float32 in linear memory): call
 * `readParams` to see them.
 *
 * One step on a mini-batch of m examples, for every layer's weights w and biases b:
 *   g_w = (1/m) Σ ∂C/∂w + (λ/n) w,   g_b = (1/m) Σ ∂C/∂b
 *   plain SGD:  w ← w − η g_w
 *   momentum:   v ← μ v − η g_w;  w ← w + v            (likewise b)
 *   Nesterov:   v ← μ v − η g_w;  w ← w + μ v − η g_w
 */
export interface TrainingEngine {
  readonly kernels: KernelsName;
  /** Train the mini-batches order[from .. from+B), …, up to order[to) (the last may be shorter). */
  trainBatches(order: Uint32Array, from: number, to: number): void;
  /**
   * Feed every example of `ds` forward: write each predicted class into
   * `predictions` (length N) and return the summed cost Σ C (no L2 term).
   */
  evaluate(ds: Dataset, predictions: Uint8Array): number;
  /** Copy the current parameters into `out` (the Network.params layout). */
  readParams(out: Float64Array): void;
  /** Replace the parameters (resuming, or switching kernels mid-run). */
  writeParams(params: Float64Array): void;
  /** Copy the momentum velocities into `out` (Network.params layout; zeros when μ = 0). */
  readVelocity(out: Float64Array): void;
  writeVelocity(v: Float64Array): void;
  /**
   * Replace the training images' pixels (same count and size as the bound
   * training set; labels unchanged): augmentation hands in each epoch's
   * distorted copy.
   */
  setTrainImages(images: Uint8Array): void;
  /** Change η between batches (learning-rate schedules). */
  setLearningRate(eta: number): void;
  /** Free what the engine holds (WASM memory). */
  dispose(): void;
}

export interface Kernels {
  readonly name: KernelsName;
  /** Bind a network (whose params are copied in) to its training data. */
  /** The engine copies `options`: it owns its state, and never changes the caller's object. */
  /** `use` lets kernels with threads judge whether they pay (default 'train'). */
  createEngine(net: Network, train: Dataset, options: Readonly<UpdateOptions>, use?: EngineUse): TrainingEngine;
}
