/**
 * One SGD step on a [2, 2, 2] sigmoid network with quadratic cost, whose
 * numbers were worked by hand (scalar formulas, independently of this code):
 * inputs (0.2, 0.4) = bytes (51, 102) / 255, weights as in Matt Mazur's
 * well-known worked example, target class 1, η = 0.5.
 *   a¹ = σ(w¹x + b¹) = (0.613014176, 0.627147766)
 *   a² = σ(w²a¹ + b²) = (0.755362855, 0.777548749)
 *   δ² = (a² − y) ⊙ a²(1 − a²) = (0.139583360, −0.038476657)        BP1
 *   δ¹ = (w²ᵀ δ²) ⊙ a¹(1 − a¹) = (0.008681355, 0.009739245)          BP2
 *   w ← w − η δ aᵀ, b ← b − η δ                                        BP3, BP4
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Network } from '../src/nn/network.js';
import { dataset } from './helpers.js';
import { forEachKernels, type KernelSet } from './kernel-sets.js';

function mazurNetwork(): Network {
  const net = new Network({ sizes: [2, 2, 2], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' });
  net.layers[0].weights.set([0.15, 0.2, 0.25, 0.3]);
  net.layers[0].biases.set([0.35, 0.35]);
  net.layers[1].weights.set([0.4, 0.45, 0.5, 0.55]);
  net.layers[1].biases.set([0.6, 0.6]);
  return net;
}

function assertClose(actual: ArrayLike<number>, expected: number[], label: string, tolerance = 1e-12): void {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) < tolerance, `${label}[${i}]: ${actual[i]} ≠ ${expected[i]}`);
  }
}

function step({ kernels }: KernelSet, pixels: number[][], labels: number[], batchSize: number): Network {
  const net = mazurNetwork();
  const ds = dataset(pixels, labels, 2);
  const engine = kernels.createEngine(net, ds, { batchSize, eta: 0.5, l2PerExample: 0, momentum: 0, nesterov: false });
  engine.trainBatches(Uint32Array.from(labels.keys()), 0, labels.length);
  engine.readParams(net.params);
  return net;
}

test('forward pass matches the hand-worked activations', () => {
  const out = mazurNetwork().feedforward([0.2, 0.4]);
  assertClose(out, [0.7553628551394187, 0.7775487487833646], 'a²');
});

// The hand-worked numbers hold on every kernel set, to its arithmetic's precision.
forEachKernels((set) => {
  test(`${set.label} kernels: one SGD step on one example matches the hand-worked update`, () => {
    const net = step(set, [[51, 102]], [1], 1);
    assertClose(net.layers[0].weights, [0.14913186451216257, 0.19826372902432518, 0.24902607549923403, 0.29805215099846805], 'w¹', set.tolerance);
    assertClose(net.layers[0].biases, [0.3456593225608129, 0.3451303774961702], 'b¹', set.tolerance);
    assertClose(net.layers[1].weights, [0.3572167107357786, 0.406230303732015, 0.5117933681156653, 0.5620652747667743], 'w²', set.tolerance);
    assertClose(net.layers[1].biases, [0.5302083199222836, 0.6192383285325277], 'b²', set.tolerance);
  });

  test(`${set.label} kernels: a mini-batch of two averages the gradients (η/m)`, () => {
    // Second example: inputs (1, 0), class 0.
    const net = step(set, [[51, 102], [255, 0]], [1, 0], 2);
    assertClose(net.layers[0].weights, [0.1466811526108252, 0.19913186451216258, 0.2464492236955867, 0.29902607549923405], 'w¹', set.tolerance);
    assertClose(net.layers[0].biases, [0.34494488163515036, 0.3445013746940548], 'b¹', set.tolerance);
    assertClose(net.layers[1].weights, [0.3855358589643774, 0.43530082032540435, 0.48507272676529717, 0.5344326409297359], 'w²', set.tolerance);
    assertClose(net.layers[1].biases, [0.5762334068841695, 0.576164838419259], 'b²', set.tolerance);
  });

  test(`${set.label} kernels: the same two examples as two batches of one differ from one batch of two`, () => {
    const together = step(set, [[51, 102], [255, 0]], [1, 0], 2);
    const apart = step(set, [[51, 102], [255, 0]], [1, 0], 1);
    assert.notDeepEqual(Array.from(together.params), Array.from(apart.params));
  });
});

forEachKernels(({ kernels, label }) => {
  test(`${label} kernels: an engine owns its options: setLearningRate leaves the caller's object alone`, () => {
    const options = { batchSize: 1, eta: 0.5, l2PerExample: 0, momentum: 0, nesterov: false };
    const engine = kernels.createEngine(mazurNetwork(), dataset([[51, 102]], [1], 2), options);
    engine.setLearningRate(0.1);
    assert.equal(options.eta, 0.5);
    engine.dispose();
  });
});
