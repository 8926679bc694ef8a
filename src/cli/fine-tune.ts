/**
 * `digitnet train --fine-tune MODEL --data DIR`: adapt a saved model to one
 * person's handwriting. DIR holds that person's labelled pictures, named
 * `3_anything.png` (the label before the first underscore) or listed in a
 * `labels.csv` of `file,label` lines. Each picture is read exactly as
 * `digitnet predict` reads it (decodeImageFile, toMnistInput). The digits are
 * split, seeded, into a fine-tuning part and a held-out part (--holdout,
 * default half); the model then trains for a few epochs (default 5) at a small
 * η (default 0.01), plain SGD in mini-batches of 10, on a mixed set:
 *
 *   MIXED_SIZE (2000) examples, of which --mnist-share (default 0.5) are MNIST
 *   training images drawn at random (seeded) and the rest the person's
 *   fine-tuning digits repeated in turn until they fill their share.
 *
 * The MNIST half keeps what the model knows from collapsing onto one writer.
 * The network keeps its shape, an 11th "not a digit" output included (the
 * person's labels are 0–9). Accuracy on the held-out digits and on MNIST's
 * test set is printed before and after; the result is saved atomically to --save.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { MNIST_INPUTS, toMnistInput } from '../data/image.js';
import { loadMnist } from '../data/mnist.js';
import { DigitNetError, UsageError } from '../errors.js';
import { loadModel, saveModel } from '../io/model-file.js';
import type { ModelFormat } from '../io/model-format.js';
import { DEFAULT_KERNELS, loadKernels } from '../kernels/index.js';
import type { KernelsName } from '../kernels/types.js';
import { Random } from '../random.js';
import { evaluateNetwork } from '../train/evaluate.js';
import { train } from '../train/trainer.js';
import { percent } from './format.js';
import { decodeImageFile } from './predict-image.js';

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
  format: ModelFormat;
  quiet?: boolean;
}

export const FINE_TUNE_DEFAULTS = { epochs: 5, eta: 0.01, mnistShare: 0.5, holdout: 0.5, seed: 1, batchSize: 10 } as const;
/** Examples in the mixed set each epoch trains on. */
export const MIXED_SIZE = 2000;
/** Train flags that make no sense with --fine-tune (it keeps the model's shape and its own recipe). */
export const NOT_WITH_FINE_TUNE = [
  'resume', 'preset', 'checkpoint', 'layers', 'activation', 'output', 'cost', 'init', 'batchSize', 'l2', 'momentum', 'nesterov',
  'schedule', 'earlyStop', 'augment', 'pens', 'styles', 'nonDigits', 'trainSize', 'trainCost', 'json',
] as const;

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** One labelled picture of the person's: where it is and the digit it shows. */
interface Labelled {
  file: string;
  label: number;
}

export async function runFineTune(flags: FineTuneFlags): Promise<void> {
  const out = process.stdout;
  const warn = (line: string) => process.stderr.write(`digitnet: ${line}\n`);
  const epochs = flags.epochs ?? FINE_TUNE_DEFAULTS.epochs;
  const eta = flags.eta ?? FINE_TUNE_DEFAULTS.eta;
  const share = flags.mnistShare ?? FINE_TUNE_DEFAULTS.mnistShare;
  const holdout = flags.holdout ?? FINE_TUNE_DEFAULTS.holdout;
  const seed = flags.seed ?? FINE_TUNE_DEFAULTS.seed;
  if (!flags.data) throw new UsageError('--fine-tune needs --data DIR: a folder of your labelled pictures (3_name.png, or a labels.csv of file,label)');
  if (!flags.save) throw new UsageError('--fine-tune needs --save FILE: where to write the fine-tuned model');
  if (!(share >= 0 && share < 1)) throw new UsageError(`--mnist-share must be at least 0 and below 1, got ${share}`);
  if (!(holdout >= 0 && holdout < 1)) throw new UsageError(`--holdout must be at least 0 and below 1, got ${holdout}`);

  const model = loadModel(flags.fineTune);
  const net = model.network;
  const outputs = net.sizes[net.sizes.length - 1];
  if (net.sizes[0] !== MNIST_INPUTS || (outputs !== 10 && outputs !== 11)) {
    throw new UsageError(`${flags.fineTune}: fine-tuning is for digit models (784 inputs, 10 outputs or 11 with "not a digit"), this one is [${net.sizes.join(', ')}]`);
  }

  const listed = listPictures(flags.data);
  const person = await readPictures(listed, outputs, warn);
  if (person.count === 0) throw new DigitNetError(`${flags.data}: none of the ${listed.length} pictures could be used`);
  if (person.count < listed.length) warn(`skipped ${listed.length - person.count} of ${listed.length} pictures`);

  const rng = new Random(seed);
  const { tune, held } = splitPerson(person, holdout, rng);
  const mnist = loadMnist();
  const mnistTest = withClasses(mnist.test, outputs);
  const mixed = mixedSet(tune, withClasses(mnist.train, outputs), share, rng);
  const kernels = await loadKernels(flags.kernels ?? DEFAULT_KERNELS, warn);

  const score = (ds: Dataset) => (ds.count === 0 ? null : evaluateNetwork(net, ds, kernels));
  const show = (e: { correct: number; total: number } | null) => (e ? `${e.correct} / ${e.total} (${percent(e.correct, e.total)})` : 'none (--holdout 0)');
  const heldBefore = score(held);
  const mnistBefore = score(mnistTest)!;
  out.write(
    `Fine-tuning ${flags.fineTune} on ${person.count} pictures from ${flags.data}: ${tune.count} to tune on, ${held.count} held out; ` +
      `${epochs} epoch${epochs === 1 ? '' : 's'} of ${mixed.count} (MNIST share ${share}), eta ${eta}, seed ${seed}\n`,
  );
  out.write(`Before: held-out ${show(heldBefore)}; MNIST test ${show(mnistBefore)}\n`);

  const result = await train(net, { train: mixed, validation: held.count > 0 ? held : mnistTest }, {
    epochs,
    batchSize: Math.min(FINE_TUNE_DEFAULTS.batchSize, mixed.count),
    eta,
    kernels,
    rng,
    onEvent: (e) => {
      if (e.type === 'epoch' && !flags.quiet && held.count > 0) out.write(`Epoch ${e.epoch} : held-out ${e.correct} / ${e.total}\n`);
    },
  });
  if (result.aborted) throw new DigitNetError('interrupted; nothing saved', 'interrupted');

  const heldAfter = score(held);
  const mnistAfter = score(mnistTest)!;
  out.write(`After: held-out ${show(heldAfter)}; MNIST test ${show(mnistAfter)}\n`);

  const training = {
    ...(model.info.training ?? {}),
    fineTune: { from: flags.fineTune, data: flags.data, pictures: person.count, tuned: tune.count, heldOut: held.count, epochs, eta, mnistShare: share, seed },
  };
  const written = saveModel(flags.save, net, {
    training,
    validation: heldAfter ? { correct: heldAfter.correct, total: heldAfter.total } : model.info.validation,
    test: { correct: mnistAfter.correct, total: mnistAfter.total },
  }, flags.format);
  out.write(`Saved ${flags.save} (${written})\n`);
}

/** The pictures in `dir` with their labels: from labels.csv if there is one, else from names like 3_anything.png. */
export function listPictures(dir: string): Labelled[] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new DigitNetError(`${dir}: no such folder`);
  }
  if (!isDir) throw new DigitNetError(`${dir}: not a folder (--data with --fine-tune names a folder of pictures)`);
  const csv = join(dir, 'labels.csv');
  if (existsSync(csv)) return readLabelsCsv(dir, csv);
  const names = readdirSync(dir).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new DigitNetError(`${dir}: no PNG or JPEG pictures (name them 3_anything.png, or list them in labels.csv)`);
  // A name without a digit label is kept with label -1, to be reported and skipped with the rest.
  return names.map((n) => ({ file: join(dir, n), label: /^\d_/.test(n) ? Number(n[0]) : -1 }));
}

function readLabelsCsv(dir: string, csv: string): Labelled[] {
  const lines = readFileSync(csv, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
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
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  for (const { file, label } of listed) {
    if (label < 0) {
      warn(`skipped ${file}: no label 0–9 (name it 3_anything.png, or give it one in labels.csv)`);
      continue;
    }
    try {
      const input = toMnistInput(await decodeImageFile(file), { name: file });
      images.push(Uint8Array.from(input, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
      labels.push(label);
    } catch (e) {
      if (!(e instanceof DigitNetError)) throw e;
      const message = e.message.startsWith(file) ? e.message : `${file}: ${e.message}`;
      warn(`skipped ${message}`);
    }
  }
  const all = new Uint8Array(images.length * MNIST_INPUTS);
  images.forEach((img, i) => all.set(img, i * MNIST_INPUTS));
  return { images: all, labels: Uint8Array.from(labels), count: labels.length, inputSize: MNIST_INPUTS, classes };
}

/** A seeded split: round(holdout·n) held out, the rest (at least one) to tune on. */
function splitPerson(ds: Dataset, holdout: number, rng: Random): { tune: Dataset; held: Dataset } {
  const order = Array.from({ length: ds.count }, (_, i) => i);
  rng.shuffle(order);
  const heldCount = Math.min(ds.count - 1, Math.round(holdout * ds.count));
  return { held: pick(ds, order.slice(0, heldCount)), tune: pick(ds, order.slice(heldCount)) };
}

/** MIXED_SIZE examples: share·MIXED_SIZE random MNIST training images, the rest the person's digits repeated in turn. */
function mixedSet(tune: Dataset, mnist: Dataset, share: number, rng: Random): Dataset {
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
