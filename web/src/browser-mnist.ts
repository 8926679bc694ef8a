/**
 * MNIST in the browser: fetch the raw IDX files from the server
 * (GET /api/mnist/<name>), parse them with the same parser as the command
 * line, and split them as src/data/mnist.ts does: the first 50,000 training
 * images train, the last 10,000 validate, t10k tests.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { datasetFromIdx, splitTrainValidation } from '../../src/data/mnist-split.js';
import { DigitNetError } from '../../src/errors.js';

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
  return datasetFromIdx(imageBytes, labelBytes, imagesName, labelsName);
}

/** The training split: the first `trainSize` of the first 50,000, and the last 10,000 to validate. */
export function splitTraining(all: Dataset, trainSize: number): { train: Dataset; validation: Dataset } {
  return splitTrainValidation(all, trainSize, 'training images');
}
