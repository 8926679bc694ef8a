/**
 * BP1–BP4 against central finite differences, in float64, for every
 * parameter of small networks and every activation/cost pairing allowed.
 * The numeric side goes through Network.feedforward and Cost.value, a code
 * path separate from the kernels' batched forward pass. Then the same check
 * through each kernel set's training step: one step of plain SGD on one
 * mini-batch moves the parameters by exactly −(η/m) Σ ∇C.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../src/data/dataset.js';
import { inputOf } from '../src/data/dataset.js';
import { gradient } from '../src/kernels/reference.js';
import type { Kernels } from '../src/kernels/types.js';
import type { ActivationName } from '../src/nn/activations.js';
import type { CostName } from '../src/nn/costs.js';
import { Network } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { maxRelativeError, randomDataset } from './helpers.js';
import { forEachKernels } from './kernel-sets.js';

/** Σ over ds of C, through the plain feedforward. */
function totalCost(net: Network, ds: Dataset): number {
  let c = 0;
  for (let n = 0; n < ds.count; n++) c += net.cost.value(net.feedforward(inputOf(ds, n)), ds.labels[n], 0, net.outputSize);
  return c;
}

/** Five-point central differences: error O(h⁴), so h can be large enough to keep rounding noise far below 1e-6. */
function numericGradient(net: Network, ds: Dataset, h = 1e-4): Float64Array {
  const g = new Float64Array(net.params.length);
  const at = (i: number, value: number): number => {
    net.params[i] = value;
    return totalCost(net, ds);
  };
  for (let i = 0; i < net.params.length; i++) {
    const p = net.params[i];
    g[i] = (-at(i, p + 2 * h) + 8 * at(i, p + h) - 8 * at(i, p - h) + at(i, p - 2 * h)) / (12 * h);
    net.params[i] = p;
  }
  return g;
}

const cases: { hidden: ActivationName[]; output: ActivationName; cost: CostName }[] = [];
for (const hidden of ['sigmoid', 'tanh', 'relu', 'leaky-relu'] as const) {
  cases.push({ hidden: [hidden], output: 'sigmoid', cost: 'quadratic' });
  cases.push({ hidden: [hidden], output: 'sigmoid', cost: 'cross-entropy' });
  cases.push({ hidden: [hidden], output: 'softmax', cost: 'log-likelihood' });
}
for (const output of ['tanh', 'relu', 'leaky-relu'] as const) cases.push({ hidden: ['sigmoid'], output, cost: 'quadratic' });
// Two hidden layers so BP2 runs more than once.
cases.push({ hidden: ['tanh', 'sigmoid'], output: 'sigmoid', cost: 'quadratic' });
cases.push({ hidden: ['relu', 'leaky-relu'], output: 'softmax', cost: 'log-likelihood' });

for (const { hidden, output, cost } of cases) {
  const sizes = [5, ...hidden.map((_, i) => 4 - i), 3];
  test(`gradient check [${sizes}] ${hidden.join('+')} → ${output}, ${cost}`, (t) => {
    // scaled init keeps the units away from saturation, where gradients vanish and the check proves little.
    const net = Network.create({ sizes, activations: [...hidden, output], cost }, new Random(7), 'scaled');
    const ds = randomDataset(11, 4, 5, 3);
    const analytic = gradient(net, ds);
    const numeric = numericGradient(net, ds);
    let offset = 0;
    let worst = 0;
    net.layers.forEach((layer, i) => {
      for (const [name, length] of [['w', layer.weights.length], ['b', layer.biases.length]] as const) {
        const e = maxRelativeError(analytic.subarray(offset, offset + length), numeric.subarray(offset, offset + length));
        t.diagnostic(`layer ${i + 1} ${name}: max relative error ${e.toExponential(2)}`);
        worst = Math.max(worst, e);
        offset += length;
      }
    });
    assert.ok(analytic.some((g) => Math.abs(g) > 1e-3), 'the gradient should not be trivially zero');
    assert.ok(worst < 1e-6, `max relative error ${worst} ≥ 1e-6`);
  });
}

/** The gradient a kernel set's training step follows: (before − after)·m/η after one plain SGD step on all of ds. */
function stepGradient(kernels: Kernels, net: Network, ds: Dataset, eta: number): Float64Array {
  const engine = kernels.createEngine(net, ds, { batchSize: ds.count, eta, l2PerExample: 0, momentum: 0, nesterov: false });
  try {
    engine.trainBatches(Uint32Array.from({ length: ds.count }, (_, i) => i), 0, ds.count);
    const after = new Float64Array(net.params.length);
    engine.readParams(after);
    return after.map((p, i) => ((net.params[i] - p) * ds.count) / eta);
  } finally {
    engine.dispose();
  }
}

/** Largest difference relative to the gradient's largest entry: float32 kernels round each step at about 1e-7 of the weights. */
function errorOfScale(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst / scale;
}

/** How close each kernel set's step comes to the finite differences: float64 exactly, float32 to its rounding. */
const STEP_TOLERANCE = { reference: 1e-7, wasm: 2e-4 } as const;

forEachKernels(({ kernels, label }) => {
  for (const { hidden, output, cost } of cases) {
    const sizes = [6, ...hidden.map((_, i) => 5 - i), 3];
    test(`${label} kernels: an SGD step follows the gradient, [${sizes}] ${hidden.join('+')} → ${output}, ${cost}`, () => {
      const net = Network.create({ sizes, activations: [...hidden, output], cost }, new Random(9), 'scaled');
      // float32 kernels hold float32 weights: start both sides from the same ones.
      net.params.set(net.params.map(Math.fround));
      const ds = randomDataset(13, 4, 6, 3);
      const numeric = numericGradient(net, ds);
      const stepped = stepGradient(kernels, net, ds, 1);
      assert.ok(numeric.some((g) => Math.abs(g) > 1e-3), 'the gradient should not be trivially zero');
      const e = errorOfScale(stepped, numeric);
      assert.ok(e < STEP_TOLERANCE[kernels.name], `error ${e.toExponential(2)} of the gradient's scale`);
    });
  }
});
