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
  return evaluateNetworkOn(net, [ds], kernels)[0];
}

/**
 * Each dataset scored with one engine, so kernels with threads start them
 * once (and judge whether they pay by the first dataset's size).
 */
export function evaluateNetworkOn(net: Network, datasets: readonly Dataset[], kernels: Kernels): Evaluation[] {
  if (datasets.length === 0) return [];
  // The engine's "training set" is never trained on here; the first dataset will do.
  const engine = kernels.createEngine(net, datasets[0], { batchSize: 1, eta: 1, l2PerExample: 0, momentum: 0, nesterov: false }, 'evaluate');
  try {
    return datasets.map((ds) => score(ds, engine.evaluate.bind(engine)));
  } finally {
    engine.dispose();
  }
}

function score(ds: Dataset, evaluate: (ds: Dataset, predictions: Uint8Array) => number): Evaluation {
  const predictions = new Uint8Array(ds.count);
  const cost = evaluate(ds, predictions) / ds.count;
  const confusion = Array.from({ length: ds.classes }, () => new Array<number>(ds.classes).fill(0));
  let correct = 0;
  for (let i = 0; i < ds.count; i++) {
    confusion[ds.labels[i]][predictions[i]]++;
    if (predictions[i] === ds.labels[i]) correct++;
  }
  const perClass = confusion.map((row, c) => row[c] / row.reduce((a, b) => a + b, 0));
  return { correct, total: ds.count, cost, predictions, confusion, perClass };
}
