/**
 * A fully connected network: layer sizes, an activation per layer, a cost,
 * and the weights and biases. All parameters live in one Float64Array so
 * they can be copied, compared, saved and handed to kernels in one piece;
 * each layer's weights and biases are views into it.
 *
 * Notation (Nielsen): layer l maps I inputs to O outputs; its weights form an
 * O×I row-major matrix w (w[j·I + k] joins input k to output j), its biases
 * a vector b of length O, and a = σ(w·a_prev + b).
 *
 * No training loop and no I/O here: see train/ and io/.
 */
import { shown, UsageError } from '../errors.js';
import type { Random } from '../random.js';
import { type Activation, type ActivationName, activation, isActivationName } from './activations.js';
import { type Cost, type CostName, cost, isCostName } from './costs.js';

export interface NetworkSpec {
  /** Neurons per layer, input first: [784, 30, 25, 10]. */
  sizes: number[];
  /** One activation per layer after the input (sizes.length − 1 of them). */
  activations: ActivationName[];
  cost: CostName;
}

/** How initial weights are drawn. */
export type InitName = 'large' | 'scaled' | 'he';
export const INIT_NAMES: readonly InitName[] = ['large', 'scaled', 'he'];

export interface Layer {
  /** I, the size of the previous layer. */
  readonly inputs: number;
  /** O, the size of this layer. */
  readonly outputs: number;
  /** O×I, row-major: weights[j·I + k]. */
  readonly weights: Float64Array;
  /** O. */
  readonly biases: Float64Array;
  readonly activation: Activation;
}

/**
 * The largest network DigitNet builds, one set of limits for flags, model
 * files and checkpoints alike. 10 million parameters is 15 times the largest
 * preset's and keeps any model file or checkpoint under io/read-text.ts's
 * MAX_FILE_BYTES; past it a typo (784,100000,100000,10) would ask for 80 GB.
 */
export const MAX_LAYER_SIZE = 100_000;
export const MAX_LAYERS = 1_000;
export const MAX_PARAMETERS = 10_000_000;

/** Weights and biases of a network with these sizes. */
export function parameterCount(sizes: readonly number[]): number {
  let total = 0;
  for (let l = 1; l < sizes.length; l++) total += sizes[l] * (sizes[l - 1] + 1);
  return total;
}

/** Why these layer sizes are not a network DigitNet builds, or null when they are. */
export function sizesProblem(sizes: readonly unknown[]): string | null {
  if (sizes.length < 2) return `a network needs at least 2 layers (input and output), got ${sizes.length}`;
  if (sizes.length > MAX_LAYERS) return `a network has at most ${MAX_LAYERS} layers, got ${sizes.length}`;
  for (const s of sizes) {
    if (!Number.isInteger(s) || (s as number) < 1 || (s as number) > MAX_LAYER_SIZE) {
      return `layer sizes must be integers from 1 to ${MAX_LAYER_SIZE.toLocaleString('en')}, got ${shown(s)}`;
    }
  }
  const count = parameterCount(sizes as number[]);
  if (count > MAX_PARAMETERS) {
    return `${shown(sizes)} has ${count.toLocaleString('en')} weights and biases; DigitNet builds networks of at most ${MAX_PARAMETERS.toLocaleString('en')}`;
  }
  return null;
}

/** Reject a spec that cannot be trained, with a message naming what is wrong. */
export function checkSpec(spec: NetworkSpec): void {
  const { sizes, activations } = spec;
  const problem = sizesProblem(sizes);
  if (problem) throw new UsageError(problem);
  if (activations.length !== sizes.length - 1) {
    throw new UsageError(`${sizes.length - 1} activations needed (one per layer after the input), got ${activations.length}`);
  }
  activations.forEach((a, i) => {
    if (!isActivationName(a)) throw new UsageError(`unknown activation '${a}'`);
    if (a === 'softmax' && i !== activations.length - 1) {
      throw new UsageError('softmax is only allowed on the output layer');
    }
  });
  if (!isCostName(spec.cost)) throw new UsageError(`unknown cost '${spec.cost}'`);
  const out = activations[activations.length - 1];
  if (spec.cost === 'log-likelihood' && out !== 'softmax') {
    throw new UsageError(`the log-likelihood cost needs a softmax output layer, not ${out}`);
  }
  if (out === 'softmax' && spec.cost !== 'log-likelihood') {
    throw new UsageError(`a softmax output layer needs the log-likelihood cost, not ${spec.cost}`);
  }
  if (spec.cost === 'cross-entropy' && out !== 'sigmoid') {
    throw new UsageError(`the cross-entropy cost needs a sigmoid output layer, not ${out}`);
  }
}

export class Network {
  readonly sizes: readonly number[];
  readonly cost: Cost;
  readonly layers: readonly Layer[];
  /** Every weight and bias, layer by layer (weights then biases). */
  readonly params: Float64Array;

  /** A network with all parameters zero; see `Network.create` for a random start. */
  constructor(spec: NetworkSpec) {
    checkSpec(spec);
    this.sizes = [...spec.sizes];
    this.cost = cost(spec.cost);
    this.params = new Float64Array(parameterCount(spec.sizes));
    const layers: Layer[] = [];
    let offset = 0;
    for (let l = 1; l < spec.sizes.length; l++) {
      const I = spec.sizes[l - 1];
      const O = spec.sizes[l];
      const weights = this.params.subarray(offset, offset + O * I);
      offset += O * I;
      const biases = this.params.subarray(offset, offset + O);
      offset += O;
      layers.push({ inputs: I, outputs: O, weights, biases, activation: activation(spec.activations[l - 1]) });
    }
    this.layers = layers;
  }

  /** A network with weights drawn by `init` from `rng`. */
  static create(spec: NetworkSpec, rng: Random, init: InitName = 'large'): Network {
    const net = new Network(spec);
    for (const layer of net.layers) {
      // large: N(0,1) as the reference; scaled: N(0, 1/I) keeps z small so sigmoids do not saturate; he: N(0, 2/I) for ReLU.
      const std = init === 'large' ? 1 : init === 'scaled' ? 1 / Math.sqrt(layer.inputs) : Math.sqrt(2 / layer.inputs);
      for (let i = 0; i < layer.weights.length; i++) layer.weights[i] = std * rng.gaussian();
      for (let j = 0; j < layer.biases.length; j++) layer.biases[j] = init === 'he' ? 0 : rng.gaussian();
    }
    return net;
  }

  get spec(): NetworkSpec {
    return {
      sizes: [...this.sizes],
      activations: this.layers.map((l) => l.activation.name),
      cost: this.cost.name,
    };
  }

  get inputSize(): number {
    return this.sizes[0];
  }

  get outputSize(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** The output activations for one input vector (length I of the first layer). */
  feedforward(input: ArrayLike<number>): Float64Array {
    const { as } = this.forwardPass(input);
    return as[as.length - 1];
  }

  /**
   * Every layer's zˡ = wˡaˡ⁻¹ + bˡ and aˡ = σ(zˡ) for one input, `as[0]`
   * being the input itself: what a gradient with respect to the input needs.
   */
  forwardPass(input: ArrayLike<number>): { zs: Float64Array[]; as: Float64Array[] } {
    if (input.length !== this.inputSize) {
      throw new UsageError(`the network takes ${this.inputSize} inputs, got ${input.length}`);
    }
    const zs: Float64Array[] = [];
    const as: Float64Array[] = [Float64Array.from(input)];
    for (const { inputs: I, outputs: O, weights: w, biases: b, activation: act } of this.layers) {
      const a = as[as.length - 1];
      const z = new Float64Array(O);
      for (let j = 0; j < O; j++) {
        let s = b[j];
        const row = j * I;
        for (let k = 0; k < I; k++) s += w[row + k] * a[k];
        z[j] = s;
      }
      const next = new Float64Array(O);
      act.apply(z, next, 0, O);
      zs.push(z);
      as.push(next);
    }
    return { zs, as };
  }

  /** The index of the largest output: the predicted class. */
  predict(input: ArrayLike<number>): number {
    return argmax(this.feedforward(input), 0, this.outputSize);
  }

  /** A deep copy. */
  clone(): Network {
    const copy = new Network(this.spec);
    copy.params.set(this.params);
    return copy;
  }
}

/** Index of the largest of v[offset .. offset+length), first on ties. */
/** "[784, 100, 10] relu → softmax": the sizes, and the activations (one name when all layers share it). */
export function describeShape(network: Network): string {
  const names = network.layers.map((l) => l.activation.name);
  const hidden = names.slice(0, -1);
  const output = names[names.length - 1];
  const activations = hidden.every((a) => a === output) ? output : `${[...new Set(hidden)].join('/')} → ${output}`;
  return `[${network.sizes.join(', ')}] ${activations}`;
}

export function argmax(v: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (v[offset + j] > v[offset + best]) best = j;
  return best;
}
