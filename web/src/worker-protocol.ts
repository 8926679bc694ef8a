/**
 * The messages between the page and its worker (worker.ts), typed once for
 * both sides. The page asks the worker to train a network or to find the test
 * images a network gets wrong; the worker answers with events. Parameters
 * travel as Float64Array in the Network.params layout. Fine-tuning on the
 * person's digits follows the library's recipe (src/train/fine-tune.ts).
 */
import { UsageError } from '../../src/errors.js';
import type { ActivationName } from '../../src/nn/activations.js';
import { MAX_LAYER_SIZE, type NetworkSpec, sizesProblem } from '../../src/nn/network.js';
import { checkConfig, normalizeConfig, preset, type TrainConfig } from '../../src/train/config.js';
import type { FineTuneScores, FineTuneSettings } from '../../src/train/fine-tune.js';

/** The hidden-layer activations the Train panel offers (softmax only ends a network). */
export const HIDDEN_ACTIVATIONS: readonly ActivationName[] = ['relu', 'leaky-relu', 'tanh', 'sigmoid'];

/** What a person chose in the Train panel. */
export interface TrainSettings {
  /** Layer sizes, input first: 784 in, 10 out. */
  layers: number[];
  /** One activation for every hidden layer; the output is softmax. */
  activation: ActivationName;
  batchSize: number;
  epochs: number;
  eta: number;
  /** How many of the 50,000 training images to use. */
  trainSize: number;
  /** Augmentation strength, 0 (none) to MAX_AUGMENT. */
  augment: number;
}

/** The default recipe: ~97% validation in a few seconds in the page. */
export const DEFAULT_SETTINGS: TrainSettings = { layers: [784, 100, 10], activation: 'relu', batchSize: 20, epochs: 10, eta: 0.05, trainSize: 50_000, augment: 0 };

/** "784,100,10" → [784, 100, 10], checked as `digitnet train --layers` checks it. */
export function parseLayers(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length < 2) throw new UsageError('layers must list at least two sizes, e.g. 784,100,10');
  const sizes = parts.map((p) => {
    const n = /^\d+$/.test(p) ? Number(p) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LAYER_SIZE) throw new UsageError(`'${p}' is not a layer size (a positive integer up to ${MAX_LAYER_SIZE})`);
    return n;
  });
  const problem = sizesProblem(sizes);
  if (problem) throw new UsageError(problem);
  if (sizes[0] !== 784) throw new UsageError(`the first layer must be 784 (28×28 pixels), got ${sizes[0]}`);
  if (sizes[sizes.length - 1] !== 10) throw new UsageError(`the last layer must be 10 (one per digit), got ${sizes[sizes.length - 1]}`);
  return sizes;
}

/**
 * The run the settings describe: the `best` recipe (softmax, log-likelihood,
 * He init, Nesterov momentum 0.9, L2 5) with the chosen shape and numbers and
 * no η schedule, checked by the library's checkConfig.
 */
export function configOf(settings: TrainSettings): TrainConfig {
  const config = normalizeConfig({
    ...preset('best'),
    layers: [...settings.layers],
    hidden: settings.layers.length > 2 ? [settings.activation] : [],
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    eta: settings.eta,
    augment: settings.augment,
    schedule: { kind: 'none' },
  });
  checkConfig(config);
  return config;
}

export type WorkerRequest =
  /** Load the kernels now and say which (a `kernels` reply). */
  | { type: 'init' }
  | { type: 'train'; settings: TrainSettings }
  | { type: 'stop' }
  | { type: 'evaluate'; id: number; spec: NetworkSpec; params: Float64Array }
  /** Score every test image for Explore: an `explored` reply with each one's label, guess and confidence. */
  | { type: 'explore'; id: number; spec: NetworkSpec; params: Float64Array }
  /** Fine-tune a copy of the network on the person's digits mixed with MNIST: `fine-tune-…` replies, then `fine-tuned`. */
  | { type: 'fine-tune'; id: number; spec: NetworkSpec; params: Float64Array; digits: PersonDigits };

/** The person's labelled drawings: count×784 inputs in 0..1, as the pad's network saw them, and their digits. */
export interface PersonDigits {
  inputs: Float32Array;
  labels: Uint8Array;
}

/** The first layer's weights of the first `units` hidden units, units×inputs row-major. */
export interface FirstLayerWeights {
  units: number;
  /** Hidden units in the layer (may be more than shown). */
  of: number;
  inputs: number;
  values: Float32Array;
}

export type WorkerReply =
  | { type: 'kernels'; name: 'wasm' | 'reference'; note: string | null }
  | { type: 'status'; text: string }
  | { type: 'started'; config: TrainConfig; trainCount: number; validationCount: number; weights: FirstLayerWeights }
  | { type: 'progress'; epoch: number; done: number; total: number }
  | {
      type: 'epoch';
      epoch: number;
      correct: number;
      total: number;
      validationCost: number;
      seconds: number;
      weights: FirstLayerWeights;
    }
  | { type: 'done'; spec: NetworkSpec; params: Float64Array; config: TrainConfig; aborted: boolean; epochsDone: number }
  | { type: 'evaluated'; id: number; correct: number; total: number }
  | {
      type: 'explored';
      id: number;
      correct: number;
      total: number;
      /** Per test image: true label, the network's guess, and its probability for that guess. */
      labels: Uint8Array;
      predictions: Uint8Array;
      confidence: Float32Array;
      /** All test images, total×784 bytes. */
      images: Uint8Array;
    }
  | { type: 'fine-tune-started'; id: number; settings: FineTuneSettings; tuned: number; heldOut: number; mixed: number; before: FineTuneScores }
  | { type: 'fine-tune-epoch'; id: number; epoch: number; epochs: number }
  | {
      type: 'fine-tuned';
      id: number;
      spec: NetworkSpec;
      params: Float64Array;
      settings: FineTuneSettings;
      tuned: number;
      heldOut: number;
      before: FineTuneScores;
      after: FineTuneScores;
    }
  | { type: 'error'; text: string; id?: number };
