/**
 * The reference kernels: plain loops in float64 that mirror the four
 * backpropagation equations, one mini-batch at a time as a matrix (rows are
 * examples). This file is the specification; faster kernels are tested
 * against it. Readable first, then not slow: buffers are allocated once and
 * the inner loops run along contiguous rows.
 *
 * For a mini-batch of m examples, with a⁰ the inputs (m×I) and layers l = 1..L:
 *   forward   zˡ = aˡ⁻¹ wˡᵀ + bˡ,  aˡ = σ(zˡ)                       (m×O each)
 *   BP1       δᴸ = ∇ₐC ⊙ σ′(zᴸ)                 (cost.outputDelta)
 *   BP2       δˡ = (δˡ⁺¹ wˡ⁺¹) ⊙ σ′(zˡ)         (with the weights before the update)
 *   BP3       ∂C/∂bˡ = Σ over the batch of δˡ
 *   BP4       ∂C/∂wˡ = δˡᵀ aˡ⁻¹                                       (O×I)
 *   update    see UpdateOptions in types.ts
 */
import type { Dataset } from '../data/dataset.js';
import { argmax, type Network } from '../nn/network.js';
import type { Kernels, TrainingEngine, UpdateOptions } from './types.js';

/** Rows per forward pass when evaluating. */
const EVAL_BATCH = 250;

export const referenceKernels: Kernels = {
  name: 'reference',
  createEngine(net, train, options) {
    return new ReferenceEngine(net.clone(), train, options);
  },
};

/**
 * Σ over every example of `ds` of ∂C/∂p for every parameter p, in the
 * Network.params layout: exactly what BP1–BP4 compute, for gradient checks.
 */
export function gradient(net: Network, ds: Dataset): Float64Array {
  const engine = new ReferenceEngine(net.clone(), ds, { batchSize: ds.count, eta: 0, l2PerExample: 0, momentum: 0, nesterov: false });
  return engine.summedGradient();
}

class ReferenceEngine implements TrainingEngine {
  readonly kernels = 'reference' as const;
  /** activations[0] is the input batch; activations[l] and zs[l] belong to layer l (1-based as in the maths). */
  private readonly activations: Float64Array[];
  private readonly zs: Float64Array[];
  private readonly deltas: Float64Array[];
  private readonly nablaW: Float64Array[];
  private readonly nablaB: Float64Array[];
  private readonly velocity: Float64Array;
  private readonly labels: Uint8Array;
  private readonly rows: number;

  /** The engine's own copy: setLearningRate changes it, never the caller's object. */
  private readonly options: UpdateOptions;

  constructor(
    private readonly net: Network,
    private train: Dataset,
    options: Readonly<UpdateOptions>,
  ) {
    this.options = { ...options };
    this.rows = Math.max(options.batchSize, EVAL_BATCH);
    const sizes = net.sizes;
    this.activations = sizes.map((n) => new Float64Array(this.rows * n));
    this.zs = sizes.map((n, l) => new Float64Array(l === 0 ? 0 : this.rows * n));
    this.deltas = sizes.map((n, l) => new Float64Array(l === 0 ? 0 : this.rows * n));
    this.nablaW = [new Float64Array(0), ...net.layers.map((layer) => new Float64Array(layer.weights.length))];
    this.nablaB = [new Float64Array(0), ...net.layers.map((layer) => new Float64Array(layer.biases.length))];
    this.velocity = new Float64Array(options.momentum > 0 ? net.params.length : 0);
    this.labels = new Uint8Array(this.rows);
  }

  setTrainImages(images: Uint8Array): void {
    const size = this.train.count * this.train.inputSize;
    if (images.length !== size) throw new RangeError(`expected ${size} training pixels, got ${images.length}`);
    this.train = { ...this.train, images };
  }

  trainBatches(order: Uint32Array, from: number, to: number): void {
    const B = this.options.batchSize;
    for (let start = from; start < to; start += B) {
      const m = Math.min(B, to - start);
      this.loadInputs(this.train, order, start, m);
      this.forward(m);
      this.backprop(m);
      this.update(m);
    }
  }

  evaluate(ds: Dataset, predictions: Uint8Array): number {
    const L = this.net.sizes.length - 1;
    const O = this.net.outputSize;
    const cost = this.net.cost;
    let total = 0;
    for (let start = 0; start < ds.count; start += EVAL_BATCH) {
      const m = Math.min(EVAL_BATCH, ds.count - start);
      this.loadInputs(ds, null, start, m);
      this.forward(m);
      const a = this.activations[L];
      for (let r = 0; r < m; r++) {
        predictions[start + r] = argmax(a, r * O, O);
        total += cost.value(a, this.labels[r], r * O, O);
      }
    }
    return total;
  }

  readParams(out: Float64Array): void {
    out.set(this.net.params);
  }

  writeParams(params: Float64Array): void {
    this.net.params.set(params);
  }

  readVelocity(out: Float64Array): void {
    if (this.velocity.length) out.set(this.velocity);
    else out.fill(0);
  }

  writeVelocity(v: Float64Array): void {
    if (this.velocity.length) this.velocity.set(v);
  }

  setLearningRate(eta: number): void {
    this.options.eta = eta;
  }

  dispose(): void {}

  /** BP1–BP4 over the whole training set as one batch, flattened like params. */
  summedGradient(): Float64Array {
    const m = this.train.count;
    this.loadInputs(this.train, null, 0, m);
    this.forward(m);
    this.backprop(m);
    const out = new Float64Array(this.net.params.length);
    let offset = 0;
    for (let l = 1; l <= this.net.layers.length; l++) {
      out.set(this.nablaW[l], offset);
      offset += this.nablaW[l].length;
      out.set(this.nablaB[l], offset);
      offset += this.nablaB[l].length;
    }
    return out;
  }

  /** a⁰ ← the m examples ds[order[start + r]] (or ds[start + r]), scaled to [0, 1]; their labels too. */
  private loadInputs(ds: Dataset, order: Uint32Array | null, start: number, m: number): void {
    const I = ds.inputSize;
    const a0 = this.activations[0];
    for (let r = 0; r < m; r++) {
      const n = order ? order[start + r] : start + r;
      const src = n * I;
      const dst = r * I;
      for (let k = 0; k < I; k++) a0[dst + k] = ds.images[src + k] / 255;
      this.labels[r] = ds.labels[n];
    }
  }

  /** zˡ = aˡ⁻¹ wᵀ + b and aˡ = σ(zˡ), for the first m rows. */
  private forward(m: number): void {
    this.net.layers.forEach(({ inputs: I, outputs: O, weights: w, biases: b, activation }, index) => {
      const l = index + 1;
      const aPrev = this.activations[l - 1];
      const z = this.zs[l];
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < O; j++) {
          z[r * O + j] = b[j] + dot(w, j * I, aPrev, r * I, I);
        }
        activation.apply(z, this.activations[l], r * O, O);
      }
    });
  }

  /** BP1–BP4: fill nablaW and nablaB with the batch's summed gradients. */
  private backprop(m: number): void {
    const layers = this.net.layers;
    const L = layers.length;
    const out = layers[L - 1];

    // BP1: output error, row by row.
    for (let r = 0; r < m; r++) {
      const off = r * out.outputs;
      this.net.cost.outputDelta(this.zs[L], this.activations[L], this.labels[r], out.activation, this.deltas[L], off, out.outputs);
    }

    // BP2: carry the error back through the weights (before any is updated).
    for (let l = L - 1; l >= 1; l--) {
      const next = layers[l]; // the layer l+1 in 1-based terms: maps size[l] → size[l+1]
      const I = next.inputs;
      const O = next.outputs;
      const w = next.weights;
      const dNext = this.deltas[l + 1];
      const d = this.deltas[l];
      const z = this.zs[l];
      const a = this.activations[l];
      const act = layers[l - 1].activation;
      d.fill(0, 0, m * I);
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < O; j++) axpy(dNext[r * O + j], w, j * I, d, r * I, I);
        for (let k = r * I; k < (r + 1) * I; k++) d[k] *= act.fPrime(z[k], a[k]);
      }
    }

    // BP3 and BP4: gradients summed over the batch.
    for (let l = 1; l <= L; l++) {
      const { inputs: I, outputs: O } = layers[l - 1];
      const d = this.deltas[l];
      const aPrev = this.activations[l - 1];
      const gw = this.nablaW[l];
      const gb = this.nablaB[l];
      gw.fill(0);
      gb.fill(0);
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < O; j++) {
          const dj = d[r * O + j];
          gb[j] += dj;
          if (dj === 0) continue;
          axpy(dj, aPrev, r * I, gw, j * I, I);
        }
      }
    }
  }

  /** The update rule of UpdateOptions, with the gradients averaged over m. */
  private update(m: number): void {
    let offset = 0; // where this layer's parameters start in the params layout (for the velocity)
    this.net.layers.forEach((layer, index) => {
      this.step(layer.weights, this.nablaW[index + 1], offset, this.options.l2PerExample, m);
      offset += layer.weights.length;
      this.step(layer.biases, this.nablaB[index + 1], offset, 0, m);
      offset += layer.biases.length;
    });
  }

  /** p ← p − η g (or the momentum forms) with g = grad/m + decay·p; v is read at v[offset + i]. */
  private step(p: Float64Array, grad: Float64Array, offset: number, decay: number, m: number): void {
    const { eta, momentum, nesterov } = this.options;
    const v = this.velocity;
    for (let i = 0; i < p.length; i++) {
      const g = grad[i] / m + decay * p[i];
      if (momentum === 0) {
        p[i] -= eta * g;
      } else {
        const vi = momentum * v[offset + i] - eta * g;
        v[offset + i] = vi;
        p[i] += nesterov ? momentum * vi - eta * g : vi;
      }
    }
  }
}

/** Σₖ x[xOff + k]·y[yOff + k] for k < n. Four partial sums: V8 keeps them in registers, about 1.5× faster. */
function dot(x: Float64Array, xOff: number, y: Float64Array, yOff: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += x[xOff + k] * y[yOff + k];
    s1 += x[xOff + k + 1] * y[yOff + k + 1];
    s2 += x[xOff + k + 2] * y[yOff + k + 2];
    s3 += x[xOff + k + 3] * y[yOff + k + 3];
  }
  for (; k < n; k++) s0 += x[xOff + k] * y[yOff + k];
  return s0 + s1 + s2 + s3;
}

/** y[yOff + k] += alpha·x[xOff + k] for k < n. */
function axpy(alpha: number, x: Float64Array, xOff: number, y: Float64Array, yOff: number, n: number): void {
  let k = 0;
  for (; k + 3 < n; k += 4) {
    y[yOff + k] += alpha * x[xOff + k];
    y[yOff + k + 1] += alpha * x[xOff + k + 1];
    y[yOff + k + 2] += alpha * x[xOff + k + 2];
    y[yOff + k + 3] += alpha * x[xOff + k + 3];
  }
  for (; k < n; k++) y[yOff + k] += alpha * x[xOff + k];
}
