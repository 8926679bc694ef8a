/**
 * Activation functions, each with its derivative beside it (BP1 and BP2 need
 * σ′(z)). `fPrime` receives both z and a = σ(z) because sigmoid and tanh are
 * cheapest written in terms of a. Softmax is not elementwise: it is only
 * allowed on the output layer with the log-likelihood cost, where the output
 * error is simply a − y and σ′ is never needed.
 */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'leaky-relu' | 'softmax';

export const ACTIVATION_NAMES: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'softmax'];

export interface Activation {
  readonly name: ActivationName;
  /** Apply to z[offset .. offset+length) writing a[...]; a whole layer at once (softmax needs the row). */
  apply(z: ArrayLike<number>, a: { [i: number]: number }, offset: number, length: number): void;
  /** σ′(z) for elementwise activations. */
  fPrime(z: number, a: number): number;
}

/** Leaky ReLU's slope for z < 0. */
export const LEAKY_SLOPE = 0.01;

function elementwise(name: ActivationName, f: (z: number) => number, fPrime: (z: number, a: number) => number): Activation {
  return {
    name,
    apply(z, a, offset, length) {
      for (let i = offset; i < offset + length; i++) a[i] = f(z[i]);
    },
    fPrime,
  };
}

export const sigmoid = elementwise(
  'sigmoid',
  (z) => 1 / (1 + Math.exp(-z)),
  (_z, a) => a * (1 - a),
);

export const tanh = elementwise('tanh', Math.tanh, (_z, a) => 1 - a * a);

export const relu = elementwise(
  'relu',
  (z) => (z > 0 ? z : 0),
  (z) => (z > 0 ? 1 : 0),
);

export const leakyRelu = elementwise(
  'leaky-relu',
  (z) => (z > 0 ? z : LEAKY_SLOPE * z),
  (z) => (z > 0 ? 1 : LEAKY_SLOPE),
);

export const softmax: Activation = {
  name: 'softmax',
  apply(z, a, offset, length) {
    // Subtract the max so exp never overflows; the result is unchanged.
    let max = -Infinity;
    for (let i = offset; i < offset + length; i++) if (z[i] > max) max = z[i];
    let sum = 0;
    for (let i = offset; i < offset + length; i++) {
      const e = Math.exp(z[i] - max);
      a[i] = e;
      sum += e;
    }
    for (let i = offset; i < offset + length; i++) a[i] /= sum;
  },
  fPrime() {
    throw new Error('softmax has no elementwise derivative; it is only used with the log-likelihood cost');
  },
};

const BY_NAME: Record<ActivationName, Activation> = {
  sigmoid,
  tanh,
  relu,
  'leaky-relu': leakyRelu,
  softmax,
};

export function activation(name: ActivationName): Activation {
  return BY_NAME[name];
}

export function isActivationName(s: string): s is ActivationName {
  return (ACTIVATION_NAMES as readonly string[]).includes(s);
}
