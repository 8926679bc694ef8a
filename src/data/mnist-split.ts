/**
 * The pure half of MNIST loading, shared by the command line (mnist.ts, which
 * reads files) and the browser (which fetches them): checking an images file
 * against its labels, and the reference run's split — the first 50,000
 * training images train, the last 10,000 validate.
 */
import { DigitNetError } from '../errors.js';
import { type Dataset, sliceDataset } from './dataset.js';
import { parseIdxImages } from './idx.js';

/** The last this-many training images are held out for validation. */
export const VALIDATION_SIZE = 10_000;
export const CLASSES = 10;

/** Images (count×rows×columns) and their labels, parsed and checked to agree; the names start every error. */
export function datasetFromIdx(imageBytes: Uint8Array, labelBytes: Uint8Array, imagesName: string, labelsName: string): Dataset {
  const { images, labels, count, inputSize } = parseIdxImages(imageBytes, labelBytes, imagesName, labelsName);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= CLASSES) {
      throw new DigitNetError(`${labelsName}: label ${labels[i]} at index ${i} is not a digit 0–9`);
    }
  }
  return { images, labels, count, inputSize, classes: CLASSES };
}

/**
 * The training file split: all but the last VALIDATION_SIZE images train (or
 * only the first `trainSize` of them), the last VALIDATION_SIZE validate.
 * `what` names the size in the error, as the user set it.
 */
export function splitTrainValidation(all: Dataset, trainSize?: number, what = '--train-size'): { train: Dataset; validation: Dataset } {
  if (all.count <= VALIDATION_SIZE) {
    throw new DigitNetError(`the training file has ${all.count} images; at least ${VALIDATION_SIZE + 1} are needed (the last ${VALIDATION_SIZE} validate)`);
  }
  const trainEnd = all.count - VALIDATION_SIZE;
  if (trainSize !== undefined && (!Number.isInteger(trainSize) || trainSize < 1 || trainSize > trainEnd)) {
    throw new DigitNetError(`${what} must be an integer from 1 to ${trainEnd}, got ${trainSize}`, 'usage');
  }
  return { train: sliceDataset(all, 0, trainSize ?? trainEnd), validation: sliceDataset(all, trainEnd, all.count) };
}
