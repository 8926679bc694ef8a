/**
 * Everything that defines a training run, as one typed object: the network's
 * shape and the SGD recipe. Presets fill it; flags or API options override
 * single fields; `checkConfig` rejects a bad value once, at the edge, with a
 * message naming it. Model files and checkpoints record it.
 */
import { shown, UsageError } from '../errors.js';
import { isObject } from '../io/encoding.js';
import { type ActivationName, isActivationName } from '../nn/activations.js';
import { type CostName, isCostName } from '../nn/costs.js';
import { checkSpec, type InitName, INIT_NAMES, type NetworkSpec } from '../nn/network.js';
import { scaledDistortion } from '../data/augment.js';
import { checkTrainOptions, type TrainOptions } from './trainer.js';
import { formatSchedule, type Schedule } from './schedule.js';

export interface TrainConfig {
  /** Layer sizes, input first. */
  layers: number[];
  /** One activation per hidden layer. */
  hidden: ActivationName[];
  output: ActivationName;
  cost: CostName;
  init: InitName;
  epochs: number;
  batchSize: number;
  eta: number;
  /** λ, L2 strength (Nielsen: the update scales weights by 1 − ηλ/n). */
  l2: number;
  momentum: number;
  nesterov: boolean;
  schedule: Schedule;
  /** Stop after this many epochs without a better validation score, and keep the best network; null: never. */
  earlyStop: number | null;
  /** Data augmentation: how strongly each epoch's training images are distorted (0: not at all, 1: data/augment.ts's default). */
  augment: number;
  /** People's pens and cameras in the augmentation (0 to 1): see data/augment.ts `Distortion.pens`. Absent in older files: 0. */
  pens?: number;
  /** The chance that a training 1 or 7 is written the European way (data/writing-styles.ts). Absent in older files: 0. */
  styles?: number;
  /** How many drawn non-digits (data/non-digits.ts) join the training set as an 11th class, "not a digit"; 0: none. */
  nonDigits?: number;
  seed: number;
}

/** Beyond 2× the default distortion (24° rotations, 5-pixel shifts) digits stop being themselves. */
export const MAX_AUGMENT = 2;

export type PresetName = 'reference' | 'best' | 'augmented' | 'people';
export const PRESET_NAMES: readonly PresetName[] = ['reference', 'best', 'augmented', 'people'];
/** The most non-digit pictures a run may draw. */
export const MAX_NON_DIGITS = 100_000;
/**
 * The most activations a mini-batch may hold: batch size × neurons (the sum
 * of the layer sizes). The kernels keep several such buffers; 2^24 values is
 * about 400 MB of them in the reference kernels.
 */
export const MAX_BATCH_VALUES = 2 ** 24;

/** The reference run: Nielsen's network.py recipe on [784, 30, 25, 10]. */
const reference: TrainConfig = {
  layers: [784, 30, 25, 10],
  hidden: ['sigmoid', 'sigmoid'],
  output: 'sigmoid',
  cost: 'quadratic',
  init: 'large',
  epochs: 50,
  batchSize: 10,
  eta: 1.3,
  l2: 0,
  momentum: 0,
  nesterov: false,
  schedule: { kind: 'none' },
  earlyStop: null,
  augment: 0,
  seed: 1,
};

/** Our best plain fully connected recipe (see README "Better networks" for how it was found). */
const best: TrainConfig = {
  layers: [784, 800, 10],
  hidden: ['relu'],
  output: 'softmax',
  cost: 'log-likelihood',
  init: 'he',
  epochs: 30,
  batchSize: 20,
  eta: 0.05,
  l2: 5,
  momentum: 0.9,
  nesterov: true,
  schedule: { kind: 'step', every: 10, factor: 0.3 },
  earlyStop: null,
  augment: 0,
  seed: 1,
};

/**
 * The best recipe on distorted digits (data/augment.ts): the network no
 * longer overfits by epoch 20, so it trains twice as long, η dropping every
 * 20 epochs. Past 99% test accuracy; see README "Better networks".
 */
const augmented: TrainConfig = {
  ...best,
  epochs: 60,
  schedule: { kind: 'step', every: 20, factor: 0.3 },
  augment: 1,
};

/**
 * For people's digits rather than MNIST's (the shipped model's recipe): the
 * augmented recipe on 400 hidden units with people's pens and cameras
 * (thicker, thinner and blurred strokes) and an 11th output, "not a digit",
 * learnt from 12,000 drawn scribbles, grids, stars, blobs, faces and
 * letters. Chosen among 16 candidates on the real-handwriting benchmark's dev
 * part; see README "People's handwriting".
 */
const people: TrainConfig = {
  ...augmented,
  layers: [784, 400, 11],
  epochs: 40,
  schedule: { kind: 'step', every: 15, factor: 0.3 },
  pens: 0.6,
  nonDigits: 12000,
};

const PRESETS: Record<PresetName, TrainConfig> = { reference, best, augmented, people };

/** The digits a config's network answers, plus "not a digit" when it learns non-digits. */
export function outputsOf(config: Pick<TrainConfig, 'nonDigits'>, classes = 10): number {
  return classes + ((config.nonDigits ?? 0) > 0 ? 1 : 0);
}

export function preset(name: PresetName): TrainConfig {
  return structuredClone(PRESETS[name]);
}

/** The network a config describes. */
export function specOf(config: TrainConfig): NetworkSpec {
  return { sizes: [...config.layers], activations: [...config.hidden, config.output], cost: config.cost };
}

/**
 * The trainer's options that a config fixes (the caller adds kernels, rng,
 * events…). Augmentation is seeded by the run's seed.
 */
export function trainOptionsOf(
  config: TrainConfig,
): Pick<TrainOptions, 'epochs' | 'batchSize' | 'eta' | 'l2' | 'momentum' | 'nesterov' | 'schedule' | 'earlyStop' | 'augmentation'> {
  const { epochs, batchSize, eta, l2, momentum, nesterov, schedule, earlyStop } = config;
  const pens = config.pens ?? 0;
  const styles = config.styles ?? 0;
  const augmentation =
    config.augment > 0 || pens > 0 || styles > 0 ? { distortion: { ...scaledDistortion(config.augment), pens, styles }, seed: config.seed } : null;
  return { epochs, batchSize, eta, l2, momentum, nesterov, schedule, earlyStop, augmentation };
}

/** "sigmoid, quadratic cost, 50 epochs, batch 10, eta 1.3, seed 1", and whatever else is set: a run's header, a shelf's recipe. */
export function describeConfig(c: TrainConfig): string {
  const sameEverywhere = c.hidden.every((a) => a === c.output);
  const activations = sameEverywhere ? c.output : `${c.hidden.join('/')} hidden, ${c.output} output`;
  const parts = [`${activations}, ${c.cost} cost`, `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}, batch ${c.batchSize}, eta ${c.eta}`];
  if (c.init !== 'large') parts.push(`${c.init} init`);
  if (c.l2) parts.push(`L2 ${c.l2}`);
  if (c.momentum) parts.push(`${c.nesterov ? 'Nesterov ' : ''}momentum ${c.momentum}`);
  if (c.schedule.kind !== 'none') parts.push(`schedule ${formatSchedule(c.schedule)}`);
  if (c.earlyStop) parts.push(`early stop ${c.earlyStop}`);
  if (c.augment) parts.push(`augment ${c.augment}`);
  if (c.pens) parts.push(`pens ${c.pens}`);
  if (c.styles) parts.push(`styles ${c.styles}`);
  if (c.nonDigits) parts.push(`${c.nonDigits} non-digits`);
  parts.push(`seed ${c.seed}`);
  return parts.join(', ');
}

/**
 * A copy of `config` with the hidden activations stretched to the number of
 * hidden layers when one name is given for all.
 */
export function normalizeConfig(config: TrainConfig): TrainConfig {
  const hiddenLayers = config.layers.length - 2;
  const hidden = config.hidden.length === 1 && hiddenLayers > 1 ? new Array<ActivationName>(hiddenLayers).fill(config.hidden[0]) : config.hidden;
  return { ...config, hidden };
}

export function checkConfig(config: TrainConfig): void {
  checkTrainOptions(config);
  const hiddenLayers = config.layers.length - 2;
  for (const a of [...config.hidden, config.output]) if (!isActivationName(a)) throw new UsageError(`unknown activation '${a}'`);
  if (!isCostName(config.cost)) throw new UsageError(`unknown cost '${config.cost}'`);
  if (config.hidden.length !== hiddenLayers) {
    throw new UsageError(`${hiddenLayers} hidden activations needed (one per hidden layer, or one for all), got ${config.hidden.length}`);
  }
  if (!INIT_NAMES.includes(config.init)) throw new UsageError(`unknown initialisation '${config.init}' (${INIT_NAMES.join(', ')})`);
  if (config.nesterov && config.momentum === 0) throw new UsageError('Nesterov momentum needs a momentum > 0');
  if (!Number.isFinite(config.augment) || config.augment < 0 || config.augment > MAX_AUGMENT) {
    throw new UsageError(`augmentation strength must be a number from 0 to ${MAX_AUGMENT}, got ${config.augment}`);
  }
  const pens = config.pens ?? 0;
  if (!Number.isFinite(pens) || pens < 0 || pens > 1) throw new UsageError(`pens must be a number from 0 to 1, got ${pens}`);
  const styles = config.styles ?? 0;
  if (!Number.isFinite(styles) || styles < 0 || styles > 1) throw new UsageError(`styles must be a number from 0 to 1, got ${styles}`);
  const nonDigits = config.nonDigits ?? 0;
  if (!Number.isSafeInteger(nonDigits) || nonDigits < 0 || nonDigits > MAX_NON_DIGITS) {
    throw new UsageError(`non-digits must be a whole number from 0 to ${MAX_NON_DIGITS}, got ${nonDigits}`);
  }
  if (!Number.isSafeInteger(config.seed) || config.seed < 0) throw new UsageError(`seed must be an integer ≥ 0, got ${config.seed}`);
  checkSpec(specOf(config));
  checkBatchSize(config);
}

function checkBatchSize({ batchSize, layers }: TrainConfig): void {
  const neurons = layers.reduce((a, b) => a + b, 0);
  if (batchSize * neurons > MAX_BATCH_VALUES) {
    const most = Math.floor(MAX_BATCH_VALUES / neurons).toLocaleString('en');
    throw new UsageError(`batch size ${batchSize} is too large for ${neurons} neurons: a mini-batch holds at most ${MAX_BATCH_VALUES.toLocaleString('en')} activations, a batch of ${most} here`);
  }
}

/**
 * A configuration read from a file (a checkpoint), each field of the type
 * TrainConfig says before checkConfig looks at its value; refused with a
 * message naming the field. Older files have no augment (0), pens, styles
 * or nonDigits.
 */
export function configFromJson(json: Record<string, unknown>): TrainConfig {
  const bad = (key: string, what: string): never => {
    throw new UsageError(`${key} must be ${what}, got ${shown(json[key])}`);
  };
  const isList = (v: unknown, type: string) => Array.isArray(v) && v.every((x) => typeof x === type);
  if (!isList(json.layers, 'number')) bad('layers', 'a list of layer sizes');
  if (!isList(json.hidden, 'string')) bad('hidden', 'a list of activation names');
  for (const key of ['output', 'cost', 'init']) if (typeof json[key] !== 'string') bad(key, 'a name');
  for (const key of ['epochs', 'batchSize', 'eta', 'l2', 'momentum', 'seed']) if (typeof json[key] !== 'number') bad(key, 'a number');
  for (const key of ['augment', 'pens', 'styles', 'nonDigits']) if (json[key] !== undefined && typeof json[key] !== 'number') bad(key, 'a number');
  if (typeof json.nesterov !== 'boolean') bad('nesterov', 'true or false');
  if (json.earlyStop !== null && typeof json.earlyStop !== 'number') bad('earlyStop', 'a number or null');
  if (!isSchedule(json.schedule)) bad('schedule', 'a schedule (kind none, step or plateau)');
  const config = { ...json, augment: json.augment ?? 0 } as unknown as TrainConfig;
  checkConfig(config);
  return config;
}

function isSchedule(v: unknown): v is Schedule {
  if (!isObject(v)) return false;
  if (v.kind === 'none') return true;
  const count = v.kind === 'step' ? v.every : v.kind === 'plateau' ? v.patience : undefined;
  return typeof count === 'number' && typeof v.factor === 'number';
}
