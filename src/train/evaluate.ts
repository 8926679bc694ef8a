/** Scoring a trained network on a dataset: accuracy, mean cost and the confusion matrix. */
import type { Dataset } from '../data/dataset.js';
import type { Kernels } from '../kernels/types.js';
import type { Network } from '../nn/network.js';

export interface Evaluation {
  correct: number;
  total: number;
  /** Mean cost per example (no L2 term). */
  cost: number;
  /** The predicted class of each example. */
  predictions: Uint8Array;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  /** Accuracy per true class (NaN for a class with no examples). */
  perClass: number[];
}

export function evaluateNetwork(net: Network, ds: Dataset, kernels: Kernels): Evaluation {
  // The engine's "training set" is never trained on here; the dataset itself will do.
  const engine = kernels.createEngine(net, ds, { batchSize: 1, eta: 1, l2PerExample: 0, momentum: 0, nesterov: false });
  try {
    const predictions = new Uint8Array(ds.count);
    const cost = engine.evaluate(ds, predictions) / ds.count;
    const confusion = Array.from({ length: ds.classes }, () => new Array<number>(ds.classes).fill(0));
    let correct = 0;
    for (let i = 0; i < ds.count; i++) {
      confusion[ds.labels[i]][predictions[i]]++;
      if (predictions[i] === ds.labels[i]) correct++;
    }
    const perClass = confusion.map((row, c) => row[c] / row.reduce((a, b) => a + b, 0));
    return { correct, total: ds.count, cost, predictions, confusion, perClass };
  } finally {
    engine.dispose();
  }
}
