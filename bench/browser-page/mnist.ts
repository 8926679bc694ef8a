/**
 * The bench page's MNIST: the training file fetched from the bench server
 * and split as the library splits it (the first 50,000 train, the last
 * 10,000 validate). The page and its worker each fetch it once.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { datasetFromIdx, splitTrainValidation } from '../../src/data/mnist-split.js';

async function bytesOf(name: string): Promise<Uint8Array> {
  const response = await fetch(`/mnist/${name}`);
  if (!response.ok) throw new Error(`the bench server answered ${response.status} for ${name}`);
  return new Uint8Array(await response.arrayBuffer());
}

let cached: Promise<{ train: Dataset; validation: Dataset }> | null = null;

export function trainingSplit(): Promise<{ train: Dataset; validation: Dataset }> {
  cached ??= (async () => {
    const images = 'train-images-idx3-ubyte';
    const labels = 'train-labels-idx1-ubyte';
    const [imageBytes, labelBytes] = await Promise.all([bytesOf(images), bytesOf(labels)]);
    return splitTrainValidation(datasetFromIdx(imageBytes, labelBytes, images, labels));
  })();
  return cached;
}

/** The network every implementation trains: ReLU hidden layers, softmax and log-likelihood (cross-entropy). */
export function benchSpec(layers: readonly number[]): { sizes: number[]; activations: ('relu' | 'softmax')[]; cost: 'log-likelihood' } {
  return { sizes: [...layers], activations: layers.slice(1).map((_, l) => (l === layers.length - 2 ? 'softmax' : 'relu')), cost: 'log-likelihood' };
}
