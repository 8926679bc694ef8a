/**
 * Cost functions, each with its output error δᴸ (BP1) beside its value, as
 * Nielsen's network2 pairs `fn` with `delta`. Labels are class indices; y is
 * their one-hot vector.
 */
import type { Activation } from './activations.js';

export type CostName = 'quadratic' | 'cross-entropy' | 'log-likelihood';

export const COST_NAMES: readonly CostName[] = ['quadratic', 'cross-entropy', 'log-likelihood'];

export interface Cost {
  readonly name: CostName;
  /** C for one example: outputs a[offset .. offset+length), true class `label`. */
  value(a: ArrayLike<number>, label: number, offset: number, length: number): number;
  /** BP1: δᴸ = ∂C/∂zᴸ for one example, written to delta[offset ...]. */
  outputDelta(
    z: ArrayLike<number>,
    a: ArrayLike<number>,
    label: number,
    output: Activation,
    delta: { [i: number]: number },
    offset: number,
    length: number,
  ): void;
}

/** C = ½‖a − y‖²; δᴸ = (a − y) ⊙ σ′(zᴸ). */
export const quadratic: Cost = {
  name: 'quadratic',
  value(a, label, offset, length) {
    let c = 0;
    for (let j = 0; j < length; j++) {
      const d = a[offset + j] - (j === label ? 1 : 0);
      c += d * d;
    }
    return 0.5 * c;
  },
  outputDelta(z, a, label, output, delta, offset, length) {
    for (let j = 0; j < length; j++) {
      const i = offset + j;
      delta[i] = (a[i] - (j === label ? 1 : 0)) * output.fPrime(z[i], a[i]);
    }
  },
};

/** C = −Σ [y ln a + (1 − y) ln(1 − a)] with sigmoid outputs; δᴸ = a − y (σ′ cancels). */
export const crossEntropy: Cost = {
  name: 'cross-entropy',
  value(a, label, offset, length) {
    let c = 0;
    for (let j = 0; j < length; j++) {
      const p = a[offset + j];
      c -= j === label ? safeLog(p) : safeLog(1 - p);
    }
    return c;
  },
  outputDelta: minusOneHot,
};

/** C = −ln a_y with softmax outputs; δᴸ = a − y. */
export const logLikelihood: Cost = {
  name: 'log-likelihood',
  value(a, label, offset) {
    return -safeLog(a[offset + label]);
  },
  outputDelta: minusOneHot,
};

function minusOneHot(
  _z: ArrayLike<number>,
  a: ArrayLike<number>,
  label: number,
  _output: Activation,
  delta: { [i: number]: number },
  offset: number,
  length: number,
): void {
  for (let j = 0; j < length; j++) delta[offset + j] = a[offset + j] - (j === label ? 1 : 0);
}

/** ln p, floored so a saturated output gives a large finite cost rather than Infinity; NaN stays NaN so divergence shows. */
function safeLog(p: number): number {
  return Number.isNaN(p) ? NaN : Math.log(Math.max(p, 1e-300));
}

const BY_NAME: Record<CostName, Cost> = {
  quadratic,
  'cross-entropy': crossEntropy,
  'log-likelihood': logLikelihood,
};

export function cost(name: CostName): Cost {
  return BY_NAME[name];
}

export function isCostName(s: string): s is CostName {
  return (COST_NAMES as readonly string[]).includes(s);
}
