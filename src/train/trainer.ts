/**
 * Mini-batch stochastic gradient descent: shuffle, train epoch by epoch,
 * evaluate on the validation set after each, follow the learning-rate
 * schedule, stop early if asked, keep the best. It knows nothing of terminals,
 * browsers or files: it reports through `onEvent` (progress, epochs, and
 * resumable `checkpoint` states), and yields to the event loop between chunks
 * so a caller can draw progress or stop it with an AbortSignal.
 */
import { type Distortion, distortEpoch } from '../data/augment.js';
import type { Dataset } from '../data/dataset.js';
import { DigitNetError, UsageError } from '../errors.js';
import type { Kernels, TrainingEngine } from '../kernels/types.js';
import type { Network } from '../nn/network.js';
import type { Random, RandomState } from '../random.js';
import { checkSchedule, nextEta, type Schedule, type ScheduleState } from './schedule.js';

export interface TrainOptions {
  epochs: number;
  /** B, the mini-batch size. */
  batchSize: number;
  /** η, the learning rate at the start. */
  eta: number;
  /** λ, the L2 strength (divided by the training-set size in the update); default 0. */
  l2?: number;
  /** μ, momentum in [0, 1); default 0. */
  momentum?: number;
  nesterov?: boolean;
  schedule?: Schedule;
  /** Stop after this many epochs without a better validation score and end with the best network. */
  earlyStop?: number | null;
  /** Also feed the whole training set forward after each epoch to report its cost. */
  monitorTrainingCost?: boolean;
  kernels: Kernels;
  /** Draws the shuffles; pass the generator that initialised the network so one seed fixes the run. */
  rng: Random;
  onEvent?: (event: TrainEvent) => void;
  /** Stop at the next mini-batch boundary when aborted; a `checkpoint` event then holds the state to resume from. */
  signal?: AbortSignal;
  /** Continue a run from a checkpoint's state instead of starting at epoch 0. */
  resume?: TrainState;
  /** Train each epoch on freshly distorted copies of the training images (seeded; see data/augment.ts). */
  augmentation?: { distortion: Distortion; seed: number } | null;
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
  /** Mean cost per validation example (no L2 term). */
  validationCost: number;
  /** Mean cost per training example, when monitored. */
  trainCost?: number;
  /** η used in this epoch. */
  eta: number;
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

/** A state to resume from: after every epoch, and when stopped by the signal. */
export interface CheckpointEvent {
  type: 'checkpoint';
  state: TrainState;
}

export type TrainEvent = EpochEvent | ProgressEvent | TestEvent | CheckpointEvent;

export interface BestEpoch {
  epoch: number;
  correct: number;
  total: number;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface TrainState {
  /** The epoch under way, or about to start when `position` is 0. */
  epoch: number;
  /** Training examples of that epoch already done (whole mini-batches). */
  position: number;
  /** That epoch's shuffled order, when `position` > 0. */
  order: Uint32Array | null;
  /** Training seconds already spent in that epoch. */
  elapsed: number;
  rng: RandomState;
  params: Float64Array;
  /** Momentum velocities (params layout), or null without momentum. */
  velocity: Float64Array | null;
  schedule: ScheduleState;
  history: EpochEvent[];
  best: BestEpoch | null;
  /** The best epoch's parameters, kept when early stopping. */
  bestParams: Float64Array | null;
}

export interface TrainResult {
  epochs: EpochEvent[];
  /** The epoch with the most correct validation answers (the first of equals). */
  best: BestEpoch | null;
  test: TestEvent | null;
  /** True when stopped by the signal before all epochs ran. */
  aborted: boolean;
  /** True when early stopping ended the run; the network is then the best epoch's. */
  stoppedEarly: boolean;
}

/** Examples per chunk between progress events; rounded up to whole mini-batches. */
const CHUNK = 5000;

/** Check options a user typed; throw a UsageError naming the first bad one. */
export function checkTrainOptions(o: Pick<TrainOptions, 'epochs' | 'batchSize' | 'eta' | 'l2' | 'momentum' | 'schedule' | 'earlyStop'>): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new UsageError(`epochs must be a positive integer, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new UsageError(`batch size must be a positive integer, got ${o.batchSize}`);
  if (!Number.isFinite(o.eta) || o.eta <= 0) throw new UsageError(`learning rate must be a positive number, got ${o.eta}`);
  if (o.l2 !== undefined && (!Number.isFinite(o.l2) || o.l2 < 0)) throw new UsageError(`L2 strength must be a number ≥ 0, got ${o.l2}`);
  if (o.momentum !== undefined && (!Number.isFinite(o.momentum) || o.momentum < 0 || o.momentum >= 1)) {
    throw new UsageError(`momentum must be in [0, 1), got ${o.momentum}`);
  }
  if (o.schedule) checkSchedule(o.schedule);
  if (o.earlyStop != null && (!Number.isInteger(o.earlyStop) || o.earlyStop < 1)) {
    throw new UsageError(`early stopping patience must be a positive integer, got ${o.earlyStop}`);
  }
}

/**
 * Train `net` in place. On return its params are those after the last epoch,
 * or the best epoch's when early stopping was asked for.
 *
 * The algorithm, step by step: each epoch shuffles the training set and runs
 * SGD over its mini-batches (`trainEpoch`); then the epoch is closed
 * (`closeEpoch`): scored on the validation set, checked for divergence, the
 * best kept, η scheduled, a checkpoint emitted. At the end the test set is
 * scored (`finishRun`).
 */
export async function train(net: Network, data: TrainData, options: TrainOptions): Promise<TrainResult> {
  checkTrainInputs(net, data, options);
  const run = startRun(net, data, options);
  try {
    for (let epoch = run.state.epoch; epoch < options.epochs && !run.result.stoppedEarly; epoch++) {
      const seconds = await trainEpoch(run, epoch);
      if (seconds === null) break; // stopped by the signal
      closeEpoch(run, epoch, seconds);
    }
    finishRun(run);
    return run.result;
  } finally {
    run.engine.dispose();
  }
}

/** What one run carries from step to step. */
interface Run {
  net: Network;
  data: TrainData;
  options: TrainOptions;
  emit: (event: TrainEvent) => void;
  engine: TrainingEngine;
  state: TrainState;
  result: TrainResult;
  /** The epoch's shuffled order of the training examples. */
  order: Uint32Array;
  /** Examples per chunk between progress events (whole mini-batches). */
  chunk: number;
  /** The epoch's distorted training images, when augmenting. */
  augmented: Uint8Array | null;
  predictions: Uint8Array;
  /** Room for the parameters when checking they are finite. */
  scratch: Float64Array;
}

/** The data fits the network, the batch the data, and a checkpoint the run. */
function checkTrainInputs(net: Network, data: TrainData, options: TrainOptions): void {
  checkTrainOptions(options);
  if (data.train.inputSize !== net.inputSize) {
    throw new UsageError(`the network takes ${net.inputSize} inputs but the data has ${data.train.inputSize}`);
  }
  if (data.train.classes !== net.outputSize) {
    throw new UsageError(`the network has ${net.outputSize} outputs but the data has ${data.train.classes} classes`);
  }
  if (options.augmentation && !Number.isInteger(Math.sqrt(data.train.inputSize))) {
    throw new UsageError(`augmentation needs square images; these have ${data.train.inputSize} pixels`);
  }
  const N = data.train.count;
  if (options.batchSize > N) throw new UsageError(`batch size ${options.batchSize} is larger than the training set (${N} examples)`);
  if (options.resume) checkResumable(options.resume, net, N);
}

/** The state at epoch 0, or a checkpoint's restored (the rng and the weights too); an engine bound to it. */
function startRun(net: Network, data: TrainData, options: TrainOptions): Run {
  const resume = options.resume;
  const N = data.train.count;
  const state: TrainState = resume
    ? { ...resume, history: [...resume.history] }
    : {
        epoch: 0,
        position: 0,
        order: null,
        elapsed: 0,
        rng: options.rng.getState(),
        params: net.params,
        velocity: null,
        schedule: { eta: options.eta, sinceImprovement: 0 },
        history: [],
        best: null,
        bestParams: null,
      };
  if (resume) {
    options.rng.setState(resume.rng);
    net.params.set(resume.params);
  }
  const momentum = options.momentum ?? 0;
  const engine = options.kernels.createEngine(net, data.train, {
    batchSize: options.batchSize,
    eta: state.schedule.eta,
    l2PerExample: (options.l2 ?? 0) / N,
    momentum,
    nesterov: options.nesterov ?? false,
  });
  if (resume?.velocity && momentum > 0) engine.writeVelocity(resume.velocity);
  const evaluated = Math.max(data.validation.count, data.test?.count ?? 0, options.monitorTrainingCost ? N : 0);
  return {
    net,
    data,
    options,
    emit: options.onEvent ?? (() => {}),
    engine,
    state,
    result: { epochs: state.history, best: state.best, test: null, aborted: false, stoppedEarly: false },
    order: new Uint32Array(N),
    chunk: Math.ceil(CHUNK / options.batchSize) * options.batchSize,
    augmented: options.augmentation ? new Uint8Array(N * data.train.inputSize) : null,
    predictions: new Uint8Array(evaluated),
    scratch: new Float64Array(net.params.length),
  };
}

/**
 * One epoch of SGD: a fresh shuffle (or a resumed epoch's order), the
 * mini-batches in chunks with a progress event and a yield to the event loop
 * after each. Returns the epoch's training seconds, or null when the signal
 * stopped it (a checkpoint event then holds the state to resume from).
 */
async function trainEpoch(run: Run, epoch: number): Promise<number | null> {
  const { engine, order, options } = run;
  const N = run.data.train.count;
  const resume = options.resume;
  let from = 0;
  let elapsed = 0;
  if (resume && epoch === resume.epoch && resume.position > 0) {
    order.set(resume.order!);
    from = resume.position;
    elapsed = resume.elapsed;
  } else {
    for (let i = 0; i < N; i++) order[i] = i;
    options.rng.shuffle(order);
  }
  engine.setLearningRate(run.state.schedule.eta);
  let t0 = performance.now();
  if (options.augmentation && run.augmented) {
    // Done again for a resumed epoch: the distortions depend on (seed, epoch) only.
    distortEpoch(run.data.train, run.augmented, options.augmentation.distortion, options.augmentation.seed, epoch);
    engine.setTrainImages(run.augmented);
  }
  while (from < N) {
    if (options.signal?.aborted) {
      run.result.aborted = true;
      run.emit({ type: 'checkpoint', state: snapshot(run, epoch, from, elapsed + (performance.now() - t0) / 1000) });
      return null;
    }
    const to = Math.min(N, from + run.chunk);
    engine.trainBatches(order, from, to);
    from = to;
    run.emit({ type: 'progress', epoch, done: to, total: N });
    const beforeYield = performance.now();
    await yieldToEventLoop();
    t0 += performance.now() - beforeYield; // time spent outside training (drawing, other tasks) is not training time
  }
  return elapsed + (performance.now() - t0) / 1000;
}

/**
 * After an epoch: score the validation set, refuse weights that are no longer
 * finite, keep the best epoch (its weights too when stopping early), set the
 * next η, decide on early stopping, and emit the checkpoint, then the epoch.
 */
function closeEpoch(run: Run, epoch: number, seconds: number): void {
  const { engine, data, options, state, result } = run;
  const eta = state.schedule.eta;
  const t1 = performance.now();
  const { correct, cost } = score(engine, data.validation, run.predictions);
  const evalSeconds = (performance.now() - t1) / 1000;
  engine.readParams(run.scratch);
  if (!Number.isFinite(cost) || !run.scratch.every(Number.isFinite)) {
    throw new DigitNetError(`training diverged in epoch ${epoch}: the weights are no longer finite numbers; try a smaller learning rate (now ${eta})`);
  }
  const total = data.validation.count;
  const event: EpochEvent = { type: 'epoch', epoch, correct, total, seconds, evalSeconds, validationCost: cost / total, eta };
  if (options.monitorTrainingCost) event.trainCost = engine.evaluate(data.train, run.predictions) / data.train.count;
  result.epochs.push(event);
  const improved = !result.best || correct > result.best.correct;
  if (improved) {
    result.best = { epoch, correct, total };
    if (options.earlyStop) {
      state.bestParams ??= new Float64Array(run.net.params.length);
      engine.readParams(state.bestParams);
    }
  }
  state.schedule = nextEta(options.schedule ?? { kind: 'none' }, state.schedule, epoch, improved);
  if (options.earlyStop && state.schedule.sinceImprovement >= options.earlyStop) result.stoppedEarly = true;
  // The checkpoint first: once a caller has announced the epoch, its state is already safe.
  run.emit({ type: 'checkpoint', state: snapshot(run, result.stoppedEarly ? options.epochs : epoch + 1, 0, 0) });
  run.emit(event);
}

/** The network takes the engine's final (or, stopping early, best) weights; the test set is scored. */
function finishRun(run: Run): void {
  const { engine, data, options, state, result } = run;
  if (options.earlyStop && state.bestParams && !result.aborted) engine.writeParams(state.bestParams);
  engine.readParams(run.net.params);
  if (data.test && !result.aborted) {
    const { correct } = score(engine, data.test, run.predictions);
    result.test = { type: 'test', correct, total: data.test.count };
    run.emit(result.test);
  }
}

/** The state as it stands, copied so later training cannot change it. */
function snapshot(run: Run, epoch: number, position: number, elapsed: number): TrainState {
  const { engine, net, options, state, result } = run;
  const params = new Float64Array(net.params.length);
  engine.readParams(params);
  let velocity: Float64Array | null = null;
  if ((options.momentum ?? 0) > 0) {
    velocity = new Float64Array(net.params.length);
    engine.readVelocity(velocity);
  }
  return {
    epoch,
    position,
    order: position > 0 ? run.order.slice() : null,
    elapsed,
    rng: options.rng.getState(),
    params,
    velocity,
    schedule: { ...state.schedule },
    history: [...result.epochs],
    best: result.best && { ...result.best },
    bestParams: state.bestParams && state.bestParams.slice(),
  };
}

function checkResumable(s: TrainState, net: Network, N: number): void {
  if (s.params.length !== net.params.length) {
    throw new UsageError(`the checkpoint holds ${s.params.length} parameters but the network has ${net.params.length}`);
  }
  if (s.position > 0 && (!s.order || s.order.length !== N || s.position > N)) {
    throw new UsageError(`the checkpoint was made on ${s.order?.length ?? '?'} training examples, not ${N}`);
  }
}

function score(engine: TrainingEngine, ds: Dataset, predictions: Uint8Array): { correct: number; cost: number } {
  const cost = engine.evaluate(ds, predictions);
  let correct = 0;
  for (let i = 0; i < ds.count; i++) if (predictions[i] === ds.labels[i]) correct++;
  return { correct, cost };
}

/**
 * Let other tasks run (a Stop message, a redraw): setImmediate in Node; in a
 * browser or Web Worker, which have no setImmediate, a MessageChannel message
 * (setTimeout would do, but browsers clamp nested timeouts to 4 ms).
 */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (immediate) return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    // Typed by hand: Node's MessagePort type (from @types/node) has no onmessage, the browser's has.
    type Port = { onmessage: (() => void) | null; postMessage(message: null): void; close(): void };
    const channel = new MessageChannel() as unknown as { port1: Port; port2: Port };
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
