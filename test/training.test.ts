/** Training end to end through the library: determinism and learning on real MNIST. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMnist } from '../src/data/mnist.js';
import type { Kernels } from '../src/kernels/types.js';
import { Random } from '../src/random.js';
import { preset } from '../src/train/config.js';
import { runTraining } from '../src/train/run.js';
import { forEachKernels, KERNEL_SETS } from './kernel-sets.js';

/** The reference run's recipe ([784, 30, 25, 10], sigmoid, quadratic, batch 10, η 1.3), shortened. */
function run(kernels: Kernels, seed: number, trainSize: number, epochs: number) {
  return runTraining({ ...preset('reference'), seed, epochs }, loadMnist({ trainSize }), { kernels });
}

forEachKernels(({ kernels, label }) => {
  test(`${label} kernels: the same seed gives identical weights; another seed does not`, async () => {
    const a = await run(kernels, 5, 1000, 2);
    const b = await run(kernels, 5, 1000, 2);
    const c = await run(kernels, 6, 1000, 2);
    assert.deepEqual(a.net.params, b.net.params);
    assert.deepEqual(
      a.epochs.map((e) => e.correct),
      b.epochs.map((e) => e.correct),
    );
    assert.notDeepEqual(a.net.params, c.net.params);
  });
});

test('Random: same seed, same stream; state round-trips', () => {
  const a = new Random(42);
  const b = new Random(42);
  const xs = Array.from({ length: 5 }, () => a.gaussian());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.gaussian()));
  const state = a.getState();
  const next = [a.nextUint32(), a.gaussian()];
  const c = new Random(0);
  c.setState(state);
  assert.deepEqual([c.nextUint32(), c.gaussian()], next);
  const g = Array.from({ length: 20000 }, () => a.gaussian());
  const mean = g.reduce((s, v) => s + v) / g.length;
  const variance = g.reduce((s, v) => s + (v - mean) ** 2, 0) / g.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.04, `mean ${mean}, variance ${variance}`);
});

// 5,000 images, 3 epochs of the reference network. Measured over seeds 1–8,
// the third epoch's validation accuracy was 74.8%–80.5% (seed 1: 79.9%), the
// first epoch's 43.8%–62.7% (reference kernels; the wasm kernels' float32
// gave 74.8%–81.1% at the third epoch over the same seeds). Chance is 10%, and a broken backprop
// (wrong sign, missing σ′, gradients not averaged) stays far below. The bar
// sits under the worst seed so that it cannot flake, yet fails any real
// regression.
const LEARNING_BAR = 0.7;

forEachKernels(({ kernels, label }) => {
  test(`${label} kernels: 5,000 MNIST images, 3 epochs reach ≥ ${LEARNING_BAR * 100}% validation`, async () => {
    const { epochs } = await run(kernels, 1, 5000, 3);
    const last = epochs[epochs.length - 1];
    const accuracy = last.correct / last.total;
    assert.ok(accuracy >= LEARNING_BAR, `validation accuracy ${accuracy}`);
    // …and every epoch, the first included, is far above chance (10%).
    assert.ok(epochs.every((e) => e.correct > 3500), `per epoch: ${epochs.map((e) => e.correct)}`);
  });
});

// The best preset ([784, 800, 10] ReLU, softmax, log-likelihood, He init,
// Nesterov momentum, L2) on the same 5,000 images and 3 epochs, with the
// default (wasm) kernels. Measured over seeds 1–8 (digitnet train --preset
// best --train-size 5000 --epochs 3 --seed N): 93.2%–94.1% at the third
// epoch. The augmented preset (the same on distorted digits, which are
// harder to fit in 3 epochs): 92.0%–93.8%. The reference preset gets about
// 80% there, so these bars fail a recipe if any of its parts (ReLU, softmax,
// He init, momentum, sane distortions) stops working, yet sit under the
// worst seed.
const PRESET_BARS = [
  ['best', 0.92],
  ['augmented', 0.91],
] as const;

const wasm = KERNEL_SETS.find((set) => set.label === 'wasm')!.kernels;

// [784, 800, 10] for 3 epochs takes minutes on the reference kernels: the
// presets run on the wasm kernels, which the tests above hold to the reference.
for (const [name, bar] of PRESET_BARS) {
  test(`the ${name} preset learns: 5,000 MNIST images, 3 epochs reach ≥ ${bar * 100}% validation`, async () => {
    const { epochs } = await runTraining({ ...preset(name), epochs: 3 }, loadMnist({ trainSize: 5000 }), { kernels: wasm });
    const accuracy = epochs[epochs.length - 1].correct / 10_000;
    assert.ok(accuracy >= bar, `validation accuracy ${accuracy}`);
  });
}
