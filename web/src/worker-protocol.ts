/**
 * The messages between the page and its worker (worker.ts), typed once for
 * both sides. The page asks the worker to train a network or to find the test
 * images a network gets wrong; the worker answers with events. Parameters
 * travel as Float64Array in the Network.params layout.
 */
import type { NetworkSpec } from '../../src/nn/network.js';
import { checkConfig, normalizeConfig, preset, type PresetName, type TrainConfig } from '../../src/train/config.js';

/** What a person chose in the Train panel. */
export interface TrainSettings {
  preset: PresetName;
  epochs: number;
  eta: number;
  /** How many of the 50,000 training images to use. */
  trainSize: number;
}

/** The run the settings describe: the preset with the chosen epochs and η, checked as the command line checks its flags. */
export function configOf(settings: TrainSettings): TrainConfig {
  const config = normalizeConfig({ ...preset(settings.preset), epochs: settings.epochs, eta: settings.eta });
  checkConfig(config);
  return config;
}

export type WorkerRequest =
  /** Load the kernels now and say which (a `kernels` reply). */
  | { type: 'init' }
  | { type: 'train'; settings: TrainSettings }
  | { type: 'stop' }
  | { type: 'evaluate'; id: number; spec: NetworkSpec; params: Float64Array; limit: number };

/** One test image the network got wrong. */
export interface Mistake {
  /** Index in the t10k set. */
  index: number;
  label: number;
  guess: number;
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
  | { type: 'evaluated'; id: number; correct: number; total: number; mistakes: Mistake[]; pixels: Uint8Array; mistakeCount: number }
  | { type: 'error'; text: string; id?: number };
