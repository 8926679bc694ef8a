/**
 * `npm run bench:kernels`: every block width of the wasm kernels' products
 * (see kernel-blocks.ts) is first trained beside the reference kernels on
 * real MNIST images and checked to agree; only then is it timed. A width
 * that disagrees is reported and not timed, and the command exits 1.
 *
 * Timed: one epoch's worth of mini-batches (batch 20) through the engine
 * alone, best of 3, as µs per example and dense-equivalent GFLOP/s (6 FLOPs
 * per weight per example: forward, BP2, gradient; the update's 2 per weight
 * per batch besides).
 */
import { loadMnist } from '../src/data/mnist.js';
import { loadKernels } from '../src/kernels/index.js';
import type { Kernels } from '../src/kernels/types.js';
import type { Dataset } from '../src/data/dataset.js';
import { type BlockShape, blockShapes, checkAgainstReference, disagreement, startingNetwork } from './kernel-blocks.js';

const BATCH = 20;
const TIMED_EXAMPLES = 10_000;

function timeTraining(kernels: Kernels, shape: BlockShape, ds: Dataset): number {
  const net = startingNetwork(shape.spec);
  const engine = kernels.createEngine(net, ds, { batchSize: BATCH, eta: 0.05, l2PerExample: 1e-4, momentum: 0.9, nesterov: true });
  const order = Uint32Array.from({ length: ds.count }, (_, i) => i);
  let best = Infinity;
  try {
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      engine.trainBatches(order, 0, TIMED_EXAMPLES);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
  } finally {
    engine.dispose();
  }
  return best;
}

function flopsPerExample(sizes: number[]): number {
  let weights = 0;
  for (let l = 1; l < sizes.length; l++) weights += sizes[l - 1] * sizes[l];
  return 6 * weights + (2 * weights) / BATCH;
}

async function main(): Promise<void> {
  const wasm = await loadKernels('wasm', (reason) => {
    throw new Error(reason);
  });
  const mnist = loadMnist({ trainSize: TIMED_EXAMPLES });
  const check: Dataset = { ...mnist.validation, count: 1000 };
  console.log('block width  hidden  check vs reference (params / cost / same answers)   µs per example  GFLOP/s');
  let failed = 0;
  for (const shape of blockShapes(784)) {
    const agreement = checkAgainstReference(wasm, startingNetwork(shape.spec), check, BATCH, 10);
    const problem = disagreement(agreement);
    const hidden = shape.spec.sizes[1];
    const verdict = problem ? `FAIL: ${problem}` : `ok ${agreement.paramError.toExponential(1)} / ${agreement.costError.toExponential(1)} / ${(agreement.sameAnswers * 100).toFixed(1)}%`;
    let timing = 'not timed';
    if (problem) failed++;
    else {
      const seconds = timeTraining(wasm, shape, mnist.train);
      const perExample = (seconds / TIMED_EXAMPLES) * 1e6;
      timing = `${perExample.toFixed(1).padStart(14)}  ${((flopsPerExample(shape.spec.sizes) * TIMED_EXAMPLES) / seconds / 1e9).toFixed(1).padStart(7)}`;
    }
    console.log(`${`${shape.fullBlocks ? '8 + ' : ''}${shape.width}`.padEnd(11)}  ${String(hidden).padStart(6)}  ${verdict.padEnd(52)}  ${timing}`);
  }
  if (failed) {
    console.error(`${failed} block width(s) disagree with the reference kernels`);
    process.exitCode = 1;
  }
}

await main();
