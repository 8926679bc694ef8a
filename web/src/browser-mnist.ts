/**
 * MNIST in the browser: fetch the raw IDX files from the server
 * (GET /api/mnist/<name>), parse them with the same parser as the command
 * line, and split them as src/data/mnist.ts does: the first 50,000 training
 * images train, the last 10,000 validate, t10k tests.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { sliceDataset } from '../../src/data/dataset.js';
import { parseIdx } from '../../src/data/idx.js';
import { DigitNetError } from '../../src/errors.js';

/** As VALIDATION_SIZE and CLASSES in src/data/mnist.ts (which reads files, so the browser cannot import it). */
export const VALIDATION_SIZE = 10_000;
const CLASSES = 10;

async function fetchIdx(name: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(`/api/mnist/${name}`);
  } catch (e) {
    throw new DigitNetError(`cannot fetch ${name} from the server (${(e as Error).message})`);
  }
  if (!response.ok) throw new DigitNetError(`the server answered ${response.status} for ${name}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** `train` or `t10k` images and labels, checked to agree. */
export async function fetchPair(prefix: 'train' | 't10k'): Promise<Dataset> {
  const imagesName = `${prefix}-images-idx3-ubyte`;
  const labelsName = `${prefix}-labels-idx1-ubyte`;
  const [imageBytes, labelBytes] = await Promise.all([fetchIdx(imagesName), fetchIdx(labelsName)]);
  const images = parseIdx(imageBytes, imagesName);
  const labels = parseIdx(labelBytes, labelsName);
  if (images.dims.length !== 3 || labels.dims.length !== 1 || images.dims[0] !== labels.dims[0]) {
    throw new DigitNetError(`${imagesName} (${images.dims.join('×')}) and ${labelsName} (${labels.dims.join('×')}) do not match`);
  }
  const [count, rows, cols] = images.dims;
  return { images: images.data, labels: labels.data, count, inputSize: rows * cols, classes: CLASSES };
}

/** The training split: the first `trainSize` of the first 50,000, and the last 10,000 to validate. */
export function splitTraining(all: Dataset, trainSize: number): { train: Dataset; validation: Dataset } {
  const trainEnd = all.count - VALIDATION_SIZE;
  if (!Number.isInteger(trainSize) || trainSize < 1 || trainSize > trainEnd) {
    throw new DigitNetError(`training images must be a whole number from 1 to ${trainEnd}, got ${trainSize}`);
  }
  return { train: sliceDataset(all, 0, trainSize), validation: sliceDataset(all, trainEnd, all.count) };
}
