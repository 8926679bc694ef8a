/**
 * What the output layer needs (the WebAssembly twin of src/nn/costs.ts):
 * BP1's output error, the cost of one example for evaluation, and the
 * predicted class. One row of O real outputs (row stride Op) at a time.
 */
import { ACT_RELU, COST_CROSS_ENTROPY, COST_QUADRATIC } from "../abi";
import { derivative } from "./activations";

/** BP1 for one row: δ = (a − y) ⊙ σ′(z) for the quadratic cost, a − y for cross-entropy and log-likelihood. */
export function outputDelta(cost: i32, act: i32, z: usize, a: usize, d: usize, O: i32, label: i32, slope: f32): void {
  for (let j = 0; j < O; j++) {
    const at = <usize>j << 2;
    const aj = load<f32>(a + at);
    let dj = aj - (j == label ? <f32>1 : <f32>0);
    if (cost == COST_QUADRATIC) dj *= derivative(act, load<f32>(z + at), aj, slope);
    store<f32>(d + at, dj);
  }
}

/**
 * C for one row, summed in float64. Cross-entropy and log-likelihood are
 * computed from z rather than from a float32 a that may have rounded to 0 or
 * 1: ln σ(z) = −softplus(−z), and ln softmax(z)ᵧ = zᵧ − ln Σ e^zⱼ.
 */
export function costValue(cost: i32, z: usize, a: usize, O: i32, label: i32): f64 {
  if (cost == COST_QUADRATIC) {
    let c: f64 = 0;
    for (let j = 0; j < O; j++) {
      const e = <f64>load<f32>(a + (<usize>j << 2)) - (j == label ? 1.0 : 0.0);
      c += e * e;
    }
    return 0.5 * c;
  }
  if (cost == COST_CROSS_ENTROPY) {
    let c: f64 = 0;
    for (let j = 0; j < O; j++) {
      const zj = <f64>load<f32>(z + (<usize>j << 2));
      c += j == label ? softplus(-zj) : softplus(zj);
    }
    return c;
  }
  // Log-likelihood with a softmax output.
  let max = <f64>load<f32>(z);
  for (let j = 1; j < O; j++) max = Math.max(max, <f64>load<f32>(z + (<usize>j << 2)));
  let sum: f64 = 0;
  for (let j = 0; j < O; j++) sum += Math.exp(<f64>load<f32>(z + (<usize>j << 2)) - max);
  return Math.log(sum) - (<f64>load<f32>(z + (<usize>label << 2)) - max);
}

/** ln(1 + eˣ) without overflow. */
function softplus(x: f64): f64 {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * The index of the largest output, first on ties. Every output activation
 * but ReLU is strictly increasing, so z is compared (float32 a may saturate
 * into ties that float64 would not have); for ReLU, a.
 */
export function predict(act: i32, z: usize, a: usize, O: i32): i32 {
  const v = act == ACT_RELU ? a : z;
  let best = 0;
  let top = load<f32>(v);
  for (let j = 1; j < O; j++) {
    const x = load<f32>(v + (<usize>j << 2));
    if (x > top) {
      top = x;
      best = j;
    }
  }
  return best;
}
