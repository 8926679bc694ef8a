/**
 * TensorFlow.js training the bench network, as lean as TF.js allows: raw
 * variables and ops (no tf.layers model, no per-batch callbacks or
 * syncs), optimizer.minimize per mini-batch, plain SGD on the mean
 * cross-entropy — the same update as DigitNet's η·(mean gradient). It
 * starts from DigitNet's own initial weights (He, same seed), transposed
 * into TF.js's input-major kernels, so both runs do the same arithmetic.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.js';
import { Network } from '../../src/nn/network.js';
import { Random } from '../../src/random.js';
import { benchSpec } from './mnist.js';
import type { BenchJob, BenchResult } from './protocol.js';

/** Weights as [inputs, outputs] kernels and bias vectors, layer by layer. */
function variablesOf(net: Network): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const layer of net.layers) {
    const { inputs: I, outputs: O } = layer;
    const kernel = new Float32Array(I * O);
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) kernel[i * O + o] = layer.weights[o * I + i];
    const initial = [tf.tensor2d(kernel, [I, O]), tf.tensor1d(Float32Array.from(layer.biases))];
    vars.push(...initial.map((t) => tf.variable(t))); // a variable copies its initial value
    tf.dispose(initial);
  }
  return vars;
}

/** The logits (softmax is folded into the loss, as TF.js expects). */
function logitsOf(vars: tf.Variable[], x: tf.Tensor2D): tf.Tensor2D {
  let a = x;
  for (let l = 0; l < vars.length; l += 2) {
    const z = a.matMul(vars[l] as tf.Tensor2D).add(vars[l + 1]) as tf.Tensor2D;
    a = l + 2 < vars.length ? tf.relu(z) : z;
  }
  return a;
}

/** 0..n-1, shuffled by `rng` (Fisher–Yates), or in order without one. */
function orderOf(n: number, rng?: Random): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; rng && i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The examples `order` names, as pixels in [0, 1] and one-hot labels, cut into tensors of `batch` rows each. */
function tensorsOf(ds: Dataset, order: readonly number[], batch: number): { xs: tf.Tensor2D[]; ys: tf.Tensor2D[] } {
  const I = ds.inputSize;
  const C = ds.classes;
  const pixels = new Float32Array(order.length * I);
  const onehot = new Float32Array(order.length * C);
  order.forEach((e, row) => {
    for (let k = 0; k < I; k++) pixels[row * I + k] = ds.images[e * I + k] / 255;
    onehot[row * C + ds.labels[e]] = 1;
  });
  // One tensor per batch: slicing a big tensor costs TF.js's wasm backend a copy of the whole tensor per slice.
  const xs: tf.Tensor2D[] = [];
  const ys: tf.Tensor2D[] = [];
  for (let k = 0; k < order.length; k += batch) {
    const rows = Math.min(batch, order.length - k);
    xs.push(tf.tensor2d(pixels.subarray(k * I, (k + rows) * I), [rows, I]));
    ys.push(tf.tensor2d(onehot.subarray(k * C, (k + rows) * C), [rows, C]));
  }
  return { xs, ys };
}

/** Right answers on `ds`. */
function correctOn(vars: tf.Variable[], ds: Dataset): number {
  const { xs, ys } = tensorsOf(ds, orderOf(ds.count), ds.count);
  const guesses = tf.tidy(() => logitsOf(vars, xs[0]).argMax(1).dataSync());
  tf.dispose([...xs, ...ys]);
  let correct = 0;
  for (let e = 0; e < ds.count; e++) if (guesses[e] === ds.labels[e]) correct++;
  return correct;
}

/** One timed run on the current backend (the caller has set it). */
export async function trainTf(job: BenchJob, data: { train: Dataset; validation: Dataset }): Promise<BenchResult> {
  const tensorsBefore = tf.memory().numTensors;
  const net = Network.create(benchSpec(job.layers), new Random(job.seed), 'he');
  const vars = variablesOf(net);
  // Shuffled once, outside the timing (DigitNet shuffles inside its epoch: a few milliseconds).
  const { xs, ys } = tensorsOf(data.train, orderOf(job.examples, new Random(job.seed + 1)), job.batchSize);
  const optimizer = tf.train.sgd(job.eta);
  const t0 = performance.now();
  for (let b = 0; b < xs.length; b++) {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys[b], logitsOf(vars, xs[b])) as tf.Scalar, false, vars);
  }
  await vars[0].data(); // an asynchronous backend (WebGL) has finished only when the weights can be read
  const seconds = (performance.now() - t0) / 1000;
  const correct = correctOn(vars, data.validation);
  tf.dispose([...xs, ...ys, ...vars]);
  optimizer.dispose();
  // A leak would slow later runs down and make the comparison unfair to TF.js.
  if (tf.memory().numTensors !== tensorsBefore) throw new Error(`TF.js run left ${tf.memory().numTensors - tensorsBefore} tensors behind`);
  return { seconds, examples: job.examples, correct, total: data.validation.count };
}
