/**
 * Fine-tuning a digit model on one person's handwriting, the recipe shared
 * by `digitnet train --fine-tune` (cli/fine-tune.ts) and the web page's
 * "Fine-tune on my digits" (web/src/worker.ts). Browser-safe: the callers
 * read the person's digits and MNIST and hand over datasets.
 *
 * The person's digits are split, seeded, into a part to tune on and a part
 * held out (`holdout`, default half); the model then trains for a few epochs
 * (default 5) at a small η (default 0.01), plain SGD in mini-batches of 10,
 * on a mixed set:
 *
 *   MIXED_SIZE (2000) examples, of which `mnistShare` (default 0.5) are MNIST
 *   training images drawn at random (seeded) and the rest the person's
 *   tuning digits repeated in turn until they fill their share.
 *
 * The MNIST half keeps what the model knows from collapsing onto one writer.
 * The network keeps its shape, an 11th "not a digit" output included (the
 * person's labels are 0–9). Held-out and MNIST test accuracy are scored
 * before and after. Not here: reading pictures, printing, saving.
 */
import type { Dataset } from '../data/dataset.js';
import { MNIST_INPUTS } from '../data/image.js';
import { UsageError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import type { Network } from '../nn/network.js';
import { Random } from '../random.js';
import { evaluateNetwork } from './evaluate.js';
import { type TrainEvent, type TrainResult, train } from './trainer.js';

export const FINE_TUNE_DEFAULTS = { epochs: 5, eta: 0.01, mnistShare: 0.5, holdout: 0.5, seed: 1, batchSize: 10 } as const;
/** Examples in the mixed set each epoch trains on. */
export const MIXED_SIZE = 2000;

export interface FineTuneSettings {
  epochs: number;
  eta: number;
  /** The share of MNIST images in the mixed set, 0 to below 1. */
  mnistShare: number;
  /** The share of the person's digits held out to measure on, 0 to below 1. */
  holdout: number;
  seed: number;
}

export interface FineTuneData {
  /** The person's digits: 784 inputs each, labels 0–9. */
  person: Dataset;
  /** MNIST training images, to mix in. */
  mnistTrain: Dataset;
  /** MNIST test images, scored before and after. */
  mnistTest: Dataset;
}

export interface Score {
  correct: number;
  total: number;
}

/** Held-out accuracy (null when nothing is held out) and MNIST test accuracy. */
export interface FineTuneScores {
  held: Score | null;
  mnist: Score;
}

/** What is known before training starts. */
export interface FineTuneStart {
  tuned: number;
  heldOut: number;
  mixed: number;
  before: FineTuneScores;
}

export interface FineTuneResult extends FineTuneStart {
  after: FineTuneScores;
  aborted: boolean;
}

export interface FineTuneOptions {
  kernels: Kernels;
  signal?: AbortSignal;
  /** Called once the digits are split and the model scored, before any training. */
  onStart?: (start: FineTuneStart) => void;
  /** The trainer's events; an epoch's `correct` is on the held-out digits (on MNIST test when none are held out). */
  onEvent?: (event: TrainEvent) => void;
}

/** The settings with defaults filled in, checked; `flag` names each one in errors (the CLI's flags, the page's words). */
export function fineTuneSettings(given: Partial<FineTuneSettings> = {}, flag: (name: 'mnistShare' | 'holdout') => string = (name) => name): FineTuneSettings {
  const s = { ...FINE_TUNE_DEFAULTS, ...definedOnly(given) };
  if (!(s.mnistShare >= 0 && s.mnistShare < 1)) throw new UsageError(`${flag('mnistShare')} must be at least 0 and below 1, got ${s.mnistShare}`);
  if (!(s.holdout >= 0 && s.holdout < 1)) throw new UsageError(`${flag('holdout')} must be at least 0 and below 1, got ${s.holdout}`);
  return { epochs: s.epochs, eta: s.eta, mnistShare: s.mnistShare, holdout: s.holdout, seed: s.seed };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Refuse a network that is not a digit model (784 inputs, 10 outputs or 11 with "not a digit"); `name` starts the error. */
export function checkFineTunable(net: Network, name: string): void {
  const outputs = net.sizes[net.sizes.length - 1];
  if (net.sizes[0] !== MNIST_INPUTS || (outputs !== 10 && outputs !== 11)) {
    throw new UsageError(`${name}: fine-tuning is for digit models (784 inputs, 10 outputs or 11 with "not a digit"), this one is [${net.sizes.join(', ')}]`);
  }
}

/**
 * Fine-tune `net` in place on the person's digits mixed with MNIST, scoring
 * before and after. One seed fixes the split, the MNIST draw and the shuffles.
 */
export async function fineTune(net: Network, data: FineTuneData, settings: FineTuneSettings, options: FineTuneOptions): Promise<FineTuneResult> {
  checkFineTunable(net, 'the model');
  if (data.person.count === 0) throw new UsageError('fine-tuning needs at least one of your digits');
  const classes = net.sizes[net.sizes.length - 1];
  const rng = new Random(settings.seed);
  const { tune, held } = splitPerson(withClasses(data.person, classes), settings.holdout, rng);
  const mnistTest = withClasses(data.mnistTest, classes);
  const mixed = mixedSet(tune, withClasses(data.mnistTrain, classes), settings.mnistShare, rng);
  const score = (): FineTuneScores => ({ held: scoreOf(net, held, options.kernels), mnist: scoreOf(net, mnistTest, options.kernels)! });
  const start: FineTuneStart = { tuned: tune.count, heldOut: held.count, mixed: mixed.count, before: score() };
  options.onStart?.(start);
  const result = await trainMixed(net, mixed, held.count > 0 ? held : mnistTest, settings, rng, options);
  return { ...start, after: score(), aborted: result.aborted };
}

/** The training itself, kept in one place so the run can be swapped for another trainer. */
function trainMixed(net: Network, mixed: Dataset, validation: Dataset, settings: FineTuneSettings, rng: Random, options: FineTuneOptions): Promise<TrainResult> {
  return train(net, { train: mixed, validation }, {
    epochs: settings.epochs,
    batchSize: Math.min(FINE_TUNE_DEFAULTS.batchSize, mixed.count),
    eta: settings.eta,
    kernels: options.kernels,
    rng,
    signal: options.signal,
    onEvent: options.onEvent,
  });
}

function scoreOf(net: Network, ds: Dataset, kernels: Kernels): Score | null {
  if (ds.count === 0) return null;
  const { correct, total } = evaluateNetwork(net, ds, kernels);
  return { correct, total };
}

/** A seeded split: round(holdout·n) held out, the rest (at least one) to tune on. */
export function splitPerson(ds: Dataset, holdout: number, rng: Random): { tune: Dataset; held: Dataset } {
  const order = Array.from({ length: ds.count }, (_, i) => i);
  rng.shuffle(order);
  const heldCount = Math.min(ds.count - 1, Math.round(holdout * ds.count));
  return { held: pick(ds, order.slice(0, heldCount)), tune: pick(ds, order.slice(heldCount)) };
}

/** MIXED_SIZE examples: share·MIXED_SIZE random MNIST training images, the rest the person's digits repeated in turn. */
export function mixedSet(tune: Dataset, mnist: Dataset, share: number, rng: Random): Dataset {
  const fromMnist = Math.round(share * MIXED_SIZE);
  const indices: { ds: Dataset; i: number }[] = [];
  for (let k = 0; k < fromMnist; k++) indices.push({ ds: mnist, i: rng.int(mnist.count) });
  for (let k = 0; indices.length < MIXED_SIZE; k++) indices.push({ ds: tune, i: k % tune.count });
  const I = MNIST_INPUTS;
  const images = new Uint8Array(indices.length * I);
  const labels = new Uint8Array(indices.length);
  indices.forEach(({ ds, i }, n) => {
    images.set(ds.images.subarray(i * I, (i + 1) * I), n * I);
    labels[n] = ds.labels[i];
  });
  return { images, labels, count: indices.length, inputSize: I, classes: tune.classes };
}

function pick(ds: Dataset, order: number[]): Dataset {
  const I = ds.inputSize;
  const images = new Uint8Array(order.length * I);
  order.forEach((i, n) => images.set(ds.images.subarray(i * I, (i + 1) * I), n * I));
  return { images, labels: Uint8Array.from(order, (i) => ds.labels[i]), count: order.length, inputSize: I, classes: ds.classes };
}

function withClasses(ds: Dataset, classes: number): Dataset {
  return { ...ds, classes };
}

/** The person's 28×28 inputs (values 0..1, as the network saw them) as a dataset of bytes, as MNIST is stored. */
export function datasetOfInputs(inputs: readonly ArrayLike<number>[], labels: readonly number[], classes: number): Dataset {
  if (inputs.length !== labels.length) throw new UsageError(`${inputs.length} digits but ${labels.length} labels`);
  const images = new Uint8Array(inputs.length * MNIST_INPUTS);
  inputs.forEach((input, n) => {
    if (input.length !== MNIST_INPUTS) throw new UsageError(`digit ${n + 1} has ${input.length} pixels, expected ${MNIST_INPUTS}`);
    for (let k = 0; k < MNIST_INPUTS; k++) images[n * MNIST_INPUTS + k] = Math.round(Math.min(1, Math.max(0, input[k])) * 255);
  });
  labels.forEach((label, n) => {
    if (!Number.isInteger(label) || label < 0 || label > 9) throw new UsageError(`digit ${n + 1} is labelled ${label}, not a digit 0–9`);
  });
  return { images, labels: Uint8Array.from(labels), count: inputs.length, inputSize: MNIST_INPUTS, classes };
}
