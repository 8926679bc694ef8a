/**
 * The wasm kernels' block widths, each checked against the reference kernels
 * before it is timed (validate first, then time, as llm.c's dev kernels do).
 *
 * The wasm products (src/kernels/wasm/assembly/matmul.ts) take a layer's
 * outputs in blocks of f32x4 vectors held in registers while the inputs
 * stream past: full blocks (6 vectors in the forward pass, 8 in the update),
 * then one block of what is left. A hidden layer of 4V outputs (V = 1…8) and
 * one of 32 + 4V between them run every block width of both. `blockShapes` lists a network
 * for each, and `checkAgainstReference` trains the same mini-batches on both
 * kernel sets and measures how far apart they end.
 *
 * Used by `npm run bench:kernels` (check, then time) and by
 * test/kernel-blocks.test.ts (check only).
 */
import type { Dataset } from '../src/data/dataset.js';
import { referenceKernels } from '../src/kernels/reference.js';
import type { Kernels } from '../src/kernels/types.js';
import { Network, type NetworkSpec } from '../src/nn/network.js';
import { Random } from '../src/random.js';

export interface BlockShape {
  /** f32x4 vectors in the last block of the hidden layer's outputs (1–8). */
  width: number;
  /** Full 8-vector blocks before it. */
  fullBlocks: number;
  spec: NetworkSpec;
}

/** For each width 1–8: a hidden layer of 4V outputs, and one of 32 + 4V. */
export function blockShapes(inputs: number): BlockShape[] {
  const shapes: BlockShape[] = [];
  for (const fullBlocks of [0, 1]) {
    for (let width = 1; width <= 8; width++) {
      const hidden = 32 * fullBlocks + 4 * width;
      shapes.push({ width, fullBlocks, spec: { sizes: [inputs, hidden, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' } });
    }
  }
  return shapes;
}

export interface Agreement {
  /** Largest |wasm − reference| of a parameter after the steps, relative to the largest parameter. */
  paramError: number;
  /** |cost difference| / cost on the evaluated examples. */
  costError: number;
  /** Share of examples both kernel sets answer alike. */
  sameAnswers: number;
}

/** What the check accepts: float32 rounding over a few steps, and at most 1 answer in 200 flipped by it. */
export const AGREEMENT_BOUNDS: Agreement = { paramError: 1e-4, costError: 1e-4, sameAnswers: 0.995 };

/** The network for a shape, its weights rounded to float32 so both kernel sets start from the same numbers. */
export function startingNetwork(spec: NetworkSpec, seed = 1): Network {
  const net = Network.create(spec, new Random(seed), 'he');
  net.params.set(net.params.map(Math.fround));
  return net;
}

/** Train `batches` mini-batches of `batchSize` on both kernel sets from the same start, then evaluate `ds` on both. */
export function checkAgainstReference(fast: Kernels, net: Network, ds: Dataset, batchSize: number, batches: number): Agreement {
  const options = { batchSize, eta: 0.05, l2PerExample: 1e-4, momentum: 0.9, nesterov: true };
  const order = Uint32Array.from({ length: ds.count }, (_, i) => i);
  const to = Math.min(ds.count, batchSize * batches);
  const run = (kernels: Kernels) => {
    const engine = kernels.createEngine(net, ds, options);
    try {
      engine.trainBatches(order, 0, to);
      const params = new Float64Array(net.params.length);
      engine.readParams(params);
      const predictions = new Uint8Array(ds.count);
      return { params, predictions, cost: engine.evaluate(ds, predictions) };
    } finally {
      engine.dispose();
    }
  };
  const a = run(fast);
  const b = run(referenceKernels);
  let largest = 0;
  let worst = 0;
  for (let i = 0; i < a.params.length; i++) {
    largest = Math.max(largest, Math.abs(b.params[i]));
    worst = Math.max(worst, Math.abs(a.params[i] - b.params[i]));
  }
  const same = a.predictions.reduce((n, p, i) => n + (p === b.predictions[i] ? 1 : 0), 0);
  return { paramError: worst / largest, costError: Math.abs(a.cost - b.cost) / Math.abs(b.cost), sameAnswers: same / ds.count };
}

/** The first way `agreement` falls outside the bounds, or null. */
export function disagreement(agreement: Agreement): string | null {
  const { paramError, costError, sameAnswers } = agreement;
  if (!(paramError <= AGREEMENT_BOUNDS.paramError)) return `parameters differ by ${paramError.toExponential(2)} of the largest`;
  if (!(costError <= AGREEMENT_BOUNDS.costError)) return `costs differ by ${costError.toExponential(2)}`;
  if (!(sameAnswers >= AGREEMENT_BOUNDS.sameAnswers)) return `only ${(sameAnswers * 100).toFixed(2)}% of answers agree`;
  return null;
}
