/**
 * `digitnet train --fine-tune MODEL --data DIR`: adapt a saved model to one
 * person's handwriting. DIR holds that person's labelled pictures, named
 * `3_anything.png` (the label before the first underscore) or listed in a
 * `labels.csv` of `file,label` lines; each picture is read exactly as
 * `digitnet predict` reads it (decodeImageFile, toMnistInput). --data may
 * instead name a CSV file of 28×28 inputs, `label,pixel0,…,pixel783` (what
 * the web page exports from "Teach it your handwriting"), used as they are.
 *
 * The recipe itself (split, mixed set, small η, scores before and after) is
 * train/fine-tune.ts, shared with the web page; this file reads the files,
 * prints and saves (atomically, to --save).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { DIGIT_LABELS } from '../data/classes.js';
import { readCsvImages } from '../data/csv.js';
import type { Dataset } from '../data/dataset.js';
import { MNIST_INPUTS, toMnistInput } from '../data/image.js';
import { loadMnist } from '../data/mnist.js';
import { DigitNetError, UsageError } from '../errors.js';
import { checkWritable } from '../io/atomic.js';
import { loadModel } from '../io/model-file.js';
import { readFileCapped } from '../io/read-text.js';
import type { ModelFormat } from '../io/model-format.js';
import { DEFAULT_KERNELS, loadKernels } from '../kernels/index.js';
import type { KernelsName, Threads } from '../kernels/types.js';
import { withFineTune } from '../io/training-record.js';
import { checkFineTunable, datasetOfInputs, fineTune, type FineTuneOptions, fineTuneSettings, type FineTuneSettings, type Score } from '../train/fine-tune.js';
import { percent } from './format.js';
import { untilInterrupted } from './interrupt.js';
import { decodeImageFile } from './predict-image.js';
import { saveInFormatThatFits } from './save-fitting.js';

export { FINE_TUNE_DEFAULTS, MIXED_SIZE } from '../train/fine-tune.js';

export interface FineTuneFlags {
  fineTune: string;
  data?: string;
  epochs?: number;
  eta?: number;
  save?: string;
  seed?: number;
  mnistShare?: number;
  holdout?: number;
  kernels?: KernelsName;
  threads?: Threads;
  /** Unset: a compact or compact16 model stays so (the shipped one is small so, 6.7 MB as JSON numbers); others are saved as JSON. */
  format?: ModelFormat;
  quiet?: boolean;
}

/** Train flags that make no sense with --fine-tune (it keeps the model's shape and its own recipe). */
export const NOT_WITH_FINE_TUNE = [
  'resume', 'preset', 'checkpoint', 'layers', 'activation', 'output', 'cost', 'init', 'batchSize', 'l2', 'momentum', 'nesterov',
  'schedule', 'earlyStop', 'augment', 'pens', 'styles', 'nonDigits', 'trainSize', 'trainCost', 'json',
] as const;

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** A labels.csv of file,label lines: a few MiB lists a hundred thousand pictures. */
const MAX_LABELS_BYTES = 8 * 2 ** 20;

/** One labelled picture of the person's: where it is and the digit it shows. */
interface Labelled {
  file: string;
  label: number;
}

type Warn = (line: string) => void;

export async function runFineTune(flags: FineTuneFlags): Promise<void> {
  const out = process.stdout;
  const warn: Warn = (line) => process.stderr.write(`digitnet: ${line}\n`);
  if (!flags.data) throw new UsageError('--fine-tune needs --data: a folder of your labelled pictures (3_name.png, or a labels.csv of file,label), or a CSV of label,pixel0,…,pixel783');
  if (!flags.save) throw new UsageError('--fine-tune needs --save FILE: where to write the fine-tuned model');
  // The person's labelled digits are theirs: never written over.
  if (resolve(flags.save) === resolve(flags.data)) throw new UsageError(`--save ${flags.save} is the --data file; save the model elsewhere`);
  checkWritable(flags.save, '--save');
  const settings = fineTuneSettings(flags, (name) => (name === 'mnistShare' ? '--mnist-share' : '--holdout'));

  const model = loadModel(flags.fineTune);
  const net = model.network;
  checkFineTunable(net, flags.fineTune);
  const person = await readPerson(flags.data, net.sizes[net.sizes.length - 1], warn);
  const mnist = loadMnist();
  const kernels = await loadKernels(flags.kernels ?? DEFAULT_KERNELS, warn, undefined, flags.threads ?? 1);

  const result = await untilInterrupted((signal) =>
    fineTune(net, { person, mnistTrain: mnist.train, mnistTest: mnist.test }, settings, { kernels, signal, ...printer(flags, person.count, settings) }),
  );
  if (result.aborted) throw new DigitNetError('interrupted; nothing saved', 'interrupted');
  out.write(`After: held-out ${shown(result.after.held)}; MNIST test ${shown(result.after.mnist)}\n`);

  const { epochs, eta, mnistShare, seed } = settings;
  const training = withFineTune(model.info.training, {
    from: flags.fineTune, data: flags.data, pictures: person.count, tuned: result.tuned, heldOut: result.heldOut, epochs, eta, mnistShare, seed,
  });
  const held = result.after.held;
  const asked = flags.format ?? (model.format === 'compact' || model.format === 'compact16' ? model.format : 'json');
  // Tuning may move a weight past float16: the next wider format then, said on stderr.
  const written = saveInFormatThatFits(flags.save, net, { training, validation: held ?? model.info.validation, test: result.after.mnist }, asked, asked);
  out.write(`Saved ${flags.save} (${written})\n`);
}

/** The lines fine-tuning prints: what it will do and the scores before, then each epoch's held-out score. */
function printer(flags: FineTuneFlags, pictures: number, s: FineTuneSettings): Pick<FineTuneOptions, 'onStart' | 'onEvent'> {
  const out = process.stdout;
  let heldOut = 0;
  return {
    onStart: (start) => {
      heldOut = start.heldOut;
      out.write(
        `Fine-tuning ${flags.fineTune} on ${pictures} pictures from ${flags.data}: ${start.tuned} to tune on, ${start.heldOut} held out; ` +
          `${s.epochs} epoch${s.epochs === 1 ? '' : 's'} of ${start.mixed} (MNIST share ${s.mnistShare}), eta ${s.eta}, seed ${s.seed}\n`,
      );
      out.write(`Before: held-out ${shown(start.before.held)}; MNIST test ${shown(start.before.mnist)}\n`);
    },
    onEvent: (e) => {
      if (e.type === 'epoch' && !flags.quiet && heldOut > 0) out.write(`Epoch ${e.epoch} : held-out ${e.correct} / ${e.total}\n`);
    },
  };
}

/** "12 / 50 (24.00%)", or what a missing held-out part means. */
function shown(score: Score | null): string {
  return score ? `${score.correct} / ${score.total} (${percent(score.correct, score.total)})` : 'none (--holdout 0)';
}

/** The person's digits: a CSV file of 28×28 inputs, or a folder of pictures read as predict reads them. */
async function readPerson(data: string, classes: number, warn: Warn): Promise<Dataset> {
  if (extname(data).toLowerCase() === '.csv' && !isFolder(data)) return readInputsCsv(data, classes);
  const listed = listPictures(data);
  const person = await readPictures(listed, classes, warn);
  if (person.count === 0) throw new DigitNetError(`${data}: none of the ${listed.length} pictures could be used`);
  if (person.count < listed.length) warn(`skipped ${listed.length - person.count} of ${listed.length} pictures`);
  return person;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A CSV of `label,pixel0,…,pixel783` rows (the page's export, or Kaggle's train.csv): inputs as they are, labels 0–9. */
async function readInputsCsv(file: string, classes: number): Promise<Dataset> {
  const csv = await readCsvImages(file, { pixels: MNIST_INPUTS, classes: DIGIT_LABELS });
  if (!csv.labels) throw new DigitNetError(`${file}: no label column (fine-tuning needs rows of label,pixel0,…,pixel783)`);
  return { images: csv.images, labels: csv.labels, count: csv.count, inputSize: MNIST_INPUTS, classes };
}

/** The pictures in `dir` with their labels: from labels.csv if there is one, else from names like 3_anything.png. */
export function listPictures(dir: string): Labelled[] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new DigitNetError(`${dir}: no such folder`);
  }
  if (!isDir) throw new DigitNetError(`${dir}: not a folder or a .csv file (--data with --fine-tune names a folder of pictures, or a CSV of label,pixel0,…,pixel783)`);
  const csv = join(dir, 'labels.csv');
  if (existsSync(csv)) return readLabelsCsv(dir, csv);
  const names = readdirSync(dir).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new DigitNetError(`${dir}: no PNG or JPEG pictures (name them 3_anything.png, or list them in labels.csv)`);
  // A name without a digit label is kept with label -1, to be reported and skipped with the rest.
  return names.map((n) => ({ file: join(dir, n), label: /^\d_/.test(n) ? Number(n[0]) : -1 }));
}

function readLabelsCsv(dir: string, csv: string): Labelled[] {
  const lines = readFileCapped(csv, 'list of pictures', MAX_LABELS_BYTES).toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const rows: Labelled[] = [];
  for (const [i, line] of lines.entries()) {
    const comma = line.lastIndexOf(',');
    const file = comma < 0 ? line : line.slice(0, comma).trim().replace(/^"(.*)"$/, '$1');
    const label = comma < 0 ? '' : line.slice(comma + 1).trim().replace(/^"(.*)"$/, '$1');
    if (i === 0 && !/^\d$/.test(label) && /label/i.test(label)) continue; // a header
    rows.push({ file: join(dir, file), label: /^\d$/.test(label) ? Number(label) : -1 });
  }
  if (rows.length === 0) throw new DigitNetError(`${csv}: no pictures listed (lines of file,label)`);
  return rows;
}

/** The pictures read as `digitnet predict` reads them; each one that fails is one line on stderr and skipped. */
async function readPictures(listed: Labelled[], classes: number, warn: (line: string) => void): Promise<Dataset> {
  const inputs: Float32Array[] = [];
  const labels: number[] = [];
  for (const { file, label } of listed) {
    if (label < 0) {
      warn(`skipped ${file}: no label 0–9 (name it 3_anything.png, or give it one in labels.csv)`);
      continue;
    }
    try {
      inputs.push(toMnistInput(await decodeImageFile(file), { name: file }));
      labels.push(label);
    } catch (e) {
      if (!(e instanceof DigitNetError)) throw e;
      const message = e.message.startsWith(file) ? e.message : `${file}: ${e.message}`;
      warn(`skipped ${message}`);
    }
  }
  return datasetOfInputs(inputs, labels, classes);
}
