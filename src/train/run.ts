/**
 * One training run from its configuration: the network the config describes,
 * seeded by the config's seed, trained by the trainer on the given kernels,
 * from scratch or from a checkpoint's state. The CLI, the page's worker and
 * the tests all start runs here, so a run is set up one way everywhere; what
 * they add is their edge (printing and files, messages, assertions).
 */
import type { Dataset } from '../data/dataset.js';
import { withNonDigits } from '../data/non-digits.js';
import type { Kernels } from '../kernels/types.js';
import { Network } from '../nn/network.js';
import { Random } from '../random.js';
import { checkConfig, specOf, type TrainConfig, trainOptionsOf } from './config.js';
import { train, type TrainData, type TrainOptions, type TrainResult, type TrainState } from './trainer.js';

/** What a caller adds to a config to run it. */
export interface RunOptions extends Pick<TrainOptions, 'onEvent' | 'signal' | 'monitorTrainingCost'> {
  kernels: Kernels;
  /** Continue from a checkpoint's state (the config must be the checkpoint's). */
  resume?: TrainState;
  /** Hears the network once it is built, before any training (to show its initial weights). */
  onNetwork?: (net: Network) => void;
}

export interface RunResult extends TrainResult {
  /** The trained network: the last epoch's weights, or the best epoch's when stopping early. */
  net: Network;
}

/**
 * Train the network `config` describes on `data`. The config is checked, the
 * network initialised from `config.seed` (the same generator then draws the
 * shuffles, so one seed fixes the run), and the data must fit it: one input
 * per pixel, one output per class, as train() checks (see `withNonDigitClass`
 * for configs that learn "not a digit").
 */
export async function runTraining(config: TrainConfig, data: TrainData, options: RunOptions): Promise<RunResult> {
  checkConfig(config);
  const rng = new Random(config.seed);
  const net = Network.create(specOf(config), rng, config.init);
  const { onNetwork, ...trainOptions } = options;
  onNetwork?.(net);
  const result = await train(net, data, { ...trainOptionsOf(config), ...trainOptions, rng });
  return { ...result, net };
}

/**
 * The data with `config.nonDigits` drawn non-digits added to training as one
 * more class, "not a digit" (validation and test keep their digits, and
 * count one class more so the network's outputs fit them).
 */
export function withNonDigitClass<D extends { train: Dataset; validation: Dataset; test?: Dataset | null }>(data: D, config: Pick<TrainConfig, 'nonDigits' | 'seed'>): D {
  const count = config.nonDigits ?? 0;
  if (count === 0) return data;
  const oneMore = (ds: Dataset): Dataset => ({ ...ds, classes: ds.classes + 1 });
  return { ...data, train: withNonDigits(data.train, count, config.seed), validation: oneMore(data.validation), test: data.test && oneMore(data.test) };
}
