/**
 * Mini-batch stochastic gradient descent: shuffle, train epoch by epoch,
 * evaluate on the validation set after each, keep the best. It knows nothing
 * of terminals or browsers: it reports through `onEvent`, and yields to the
 * event loop between chunks so a caller can draw progress or stop it.
 */
import type { Dataset } from '../data/dataset.js';
import type { Kernels, TrainingEngine } from '../kernels/types.js';
import type { Network } from '../nn/network.js';
import type { Random } from '../random.js';
import { UsageError } from '../errors.js';

export interface TrainOptions {
  epochs: number;
  /** B, the mini-batch size. */
  batchSize: number;
  /** η, the learning rate. */
  eta: number;
  /** λ, the L2 strength (divided by the training-set size in the update); default 0. */
  l2?: number;
  /** μ, momentum in [0, 1); default 0. */
  momentum?: number;
  nesterov?: boolean;
  kernels: Kernels;
  /** Draws the shuffles; pass the generator that initialised the network so one seed fixes the run. */
  rng: Random;
  onEvent?: (event: TrainEvent) => void;
  /** Stop between chunks when aborted; the result then covers the epochs finished. */
  signal?: AbortSignal;
}

export interface TrainData {
  train: Dataset;
  validation: Dataset;
  /** Evaluated once at the end with the final network, if given. */
  test?: Dataset;
}

export interface EpochEvent {
  type: 'epoch';
  /** From 0. */
  epoch: number;
  /** Correct on the validation set. */
  correct: number;
  total: number;
  /** Training time of this epoch. */
  seconds: number;
  /** Evaluation time of this epoch. */
  evalSeconds: number;
  /** Mean cost over the validation set (no L2 term). */
  validationCost: number;
}

export interface ProgressEvent {
  type: 'progress';
  epoch: number;
  /** Training examples done in this epoch. */
  done: number;
  total: number;
}

export interface TestEvent {
  type: 'test';
  correct: number;
  total: number;
}

export type TrainEvent = EpochEvent | ProgressEvent | TestEvent;

export interface TrainResult {
  epochs: EpochEvent[];
  /** The epoch with the most correct validation answers (the first of equals). */
  best: { epoch: number; correct: number; total: number } | null;
  test: TestEvent | null;
  /** True when stopped by the signal before all epochs ran. */
  aborted: boolean;
}

/** Examples per chunk between progress events; rounded up to whole mini-batches. */
const CHUNK = 5000;

/** Check options a user typed; throw a UsageError naming the first bad one. */
export function checkTrainOptions(o: Pick<TrainOptions, 'epochs' | 'batchSize' | 'eta' | 'l2' | 'momentum'>): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new UsageError(`epochs must be a positive integer, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new UsageError(`batch size must be a positive integer, got ${o.batchSize}`);
  if (!Number.isFinite(o.eta) || o.eta <= 0) throw new UsageError(`learning rate must be a positive number, got ${o.eta}`);
  if (o.l2 !== undefined && (!Number.isFinite(o.l2) || o.l2 < 0)) throw new UsageError(`L2 strength must be a number ≥ 0, got ${o.l2}`);
  if (o.momentum !== undefined && (!Number.isFinite(o.momentum) || o.momentum < 0 || o.momentum >= 1)) {
    throw new UsageError(`momentum must be in [0, 1), got ${o.momentum}`);
  }
}

/**
 * Train `net` in place: on return its params are those after the last epoch.
 */
export async function train(net: Network, data: TrainData, options: TrainOptions): Promise<TrainResult> {
  checkTrainOptions(options);
  if (data.train.inputSize !== net.inputSize) {
    throw new UsageError(`the network takes ${net.inputSize} inputs but the data has ${data.train.inputSize}`);
  }
  if (data.train.classes !== net.outputSize) {
    throw new UsageError(`the network has ${net.outputSize} outputs but the data has ${data.train.classes} classes`);
  }
  const emit = options.onEvent ?? (() => {});
  const engine = options.kernels.createEngine(net, data.train, {
    batchSize: options.batchSize,
    eta: options.eta,
    l2PerExample: (options.l2 ?? 0) / data.train.count,
    momentum: options.momentum ?? 0,
    nesterov: options.nesterov ?? false,
  });
  try {
    const result: TrainResult = { epochs: [], best: null, test: null, aborted: false };
    const N = data.train.count;
    const order = new Uint32Array(N);
    for (let i = 0; i < N; i++) order[i] = i;
    const chunk = Math.ceil(CHUNK / options.batchSize) * options.batchSize;
    const predictions = new Uint8Array(Math.max(data.validation.count, data.test?.count ?? 0));

    for (let epoch = 0; epoch < options.epochs; epoch++) {
      options.rng.shuffle(order);
      const t0 = performance.now();
      for (let from = 0; from < N; from += chunk) {
        if (options.signal?.aborted) {
          result.aborted = true;
          break;
        }
        const to = Math.min(N, from + chunk);
        engine.trainBatches(order, from, to);
        emit({ type: 'progress', epoch, done: to, total: N });
        await yieldToEventLoop();
      }
      if (result.aborted) break;
      const t1 = performance.now();
      const { correct, cost } = score(engine, data.validation, predictions);
      const t2 = performance.now();
      const event: EpochEvent = {
        type: 'epoch',
        epoch,
        correct,
        total: data.validation.count,
        seconds: (t1 - t0) / 1000,
        evalSeconds: (t2 - t1) / 1000,
        validationCost: cost / data.validation.count,
      };
      result.epochs.push(event);
      if (!result.best || correct > result.best.correct) result.best = { epoch, correct, total: event.total };
      emit(event);
    }

    engine.readParams(net.params);
    if (data.test && !result.aborted) {
      const { correct } = score(engine, data.test, predictions);
      result.test = { type: 'test', correct, total: data.test.count };
      emit(result.test);
    }
    return result;
  } finally {
    engine.dispose();
  }
}

function score(engine: TrainingEngine, ds: Dataset, predictions: Uint8Array): { correct: number; cost: number } {
  const cost = engine.evaluate(ds, predictions);
  let correct = 0;
  for (let i = 0; i < ds.count; i++) if (predictions[i] === ds.labels[i]) correct++;
  return { correct, cost };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
