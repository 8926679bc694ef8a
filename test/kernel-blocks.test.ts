/**
 * Every block width of the wasm kernels' products (1 to 8 f32x4 vectors,
 * alone and after a full block) trains like the reference kernels: the same
 * check `npm run bench:kernels` makes before it times a width.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGREEMENT_BOUNDS, blockShapes, checkAgainstReference, disagreement, startingNetwork } from '../bench/kernel-blocks.js';
import { sparseDataset } from './helpers.js';
import { KERNEL_SETS } from './kernel-sets.js';

const wasm = KERNEL_SETS.find((set) => set.label === 'wasm')!.kernels;
const threaded = KERNEL_SETS.find((set) => set.label === 'wasm on 3 threads')!.kernels;
// MNIST-like: 40% of pixels inked, the rest 0 (the wasm kernels list only nonzero inputs).
const data = sparseDataset(3, 200, 60, 10);

for (const [label, kernels] of [['wasm', wasm], ['wasm on 3 threads', threaded]] as const) {
  for (const shape of blockShapes(60)) {
    const hidden = shape.spec.sizes[1];
    test(`${label}: block width ${shape.fullBlocks ? '8 + ' : ''}${shape.width} (${hidden} hidden units) trains as the reference kernels do`, () => {
      const agreement = checkAgainstReference(kernels, startingNetwork(shape.spec), data, 20, 10);
      assert.equal(disagreement(agreement), null);
    });
  }
}

test('the block check sees a wrong kernel: a network that differs in one weight fails it', () => {
  const [shape] = blockShapes(60);
  const net = startingNetwork(shape.spec);
  // A stand-in for a broken fast kernel: the reference kernels on a network whose first weight is off by 0.5.
  const broken = {
    ...wasm,
    createEngine: (n: typeof net, ds: typeof data, options: Parameters<typeof wasm.createEngine>[2]) => {
      const wrong = n.clone();
      wrong.params[0] += 0.5;
      return KERNEL_SETS[0].kernels.createEngine(wrong, ds, options);
    },
  };
  const agreement = checkAgainstReference(broken, net, data, 20, 10);
  assert.ok(agreement.paramError > AGREEMENT_BOUNDS.paramError, `param error ${agreement.paramError}`);
  assert.notEqual(disagreement(agreement), null);
});
