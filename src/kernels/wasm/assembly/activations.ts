/**
 * Activations for one row of a layer (the WebAssembly twin of
 * src/nn/activations.ts): σ over whole f32x4 vectors, and σ′ beside it for
 * BP1 and BP2. Softmax needs the whole row; it is only ever the output layer.
 * Padding lanes (O ≤ j < Op) get σ(0): nothing reads them.
 */
import { ACT_LEAKY_RELU, ACT_RELU, ACT_SIGMOID, ACT_SOFTMAX, ACT_TANH } from "../abi";
import { exp4, sigmoid4, tanh4 } from "./math";

/** a = σ(z) for one row: z, a are Op float32 (Op a multiple of 4), O of them real. */
export function activateRow(act: i32, z: usize, a: usize, O: i32, Op: i32, slope: f32): void {
  const end = <usize>Op << 2;
  if (act == ACT_SIGMOID) {
    for (let j: usize = 0; j < end; j += 16) v128.store(a + j, sigmoid4(v128.load(z + j)));
  } else if (act == ACT_TANH) {
    for (let j: usize = 0; j < end; j += 16) v128.store(a + j, tanh4(v128.load(z + j)));
  } else if (act == ACT_RELU) {
    const zero = f32x4.splat(0);
    for (let j: usize = 0; j < end; j += 16) v128.store(a + j, f32x4.max(v128.load(z + j), zero));
  } else if (act == ACT_LEAKY_RELU) {
    const zero = f32x4.splat(0);
    const s = f32x4.splat(slope);
    for (let j: usize = 0; j < end; j += 16) {
      const v = v128.load(z + j);
      v128.store(a + j, v128.bitselect(v, f32x4.mul(v, s), f32x4.gt(v, zero)));
    }
  } else if (act == ACT_SOFTMAX) {
    softmaxRow(z, a, O, Op);
  } else {
    unreachable();
  }
}

/** aⱼ = e^(zⱼ − max z) / Σₖ e^(zₖ − max z) over the O real outputs (subtracting the max keeps e finite). */
function softmaxRow(z: usize, a: usize, O: i32, Op: i32): void {
  let max = load<f32>(z);
  for (let j = 1; j < O; j++) max = Mathf.max(max, load<f32>(z + (<usize>j << 2)));
  const end = <usize>Op << 2;
  const shift = f32x4.splat(max);
  for (let j: usize = 0; j < end; j += 16) v128.store(a + j, exp4(f32x4.sub(v128.load(z + j), shift)));
  let sum: f32 = 0;
  for (let j = 0; j < O; j++) sum += load<f32>(a + (<usize>j << 2));
  const s = f32x4.splat(sum);
  for (let j: usize = 0; j < end; j += 16) v128.store(a + j, f32x4.div(v128.load(a + j), s));
}

/** σ′(z) of an elementwise activation, given z and a = σ(z). */
// @ts-ignore: decorator
@inline export function derivative(act: i32, z: f32, a: f32, slope: f32): f32 {
  if (act == ACT_SIGMOID) return a * (1 - a);
  if (act == ACT_TANH) return 1 - a * a;
  if (act == ACT_RELU) return z > 0 ? <f32>1 : <f32>0;
  return z > 0 ? <f32>1 : slope; // leaky ReLU (softmax never gets here: its cost's δ is a − y)
}

/** `derivative` on four lanes at once: each lane gets the same float32 operations as the scalar one. */
// @ts-ignore: decorator
@inline export function derivative4(act: i32, z: v128, a: v128, slope: f32): v128 {
  const one = f32x4.splat(1);
  if (act == ACT_SIGMOID) return f32x4.mul(a, f32x4.sub(one, a));
  if (act == ACT_TANH) return f32x4.sub(one, f32x4.mul(a, a));
  const positive = f32x4.gt(z, f32x4.splat(0));
  if (act == ACT_RELU) return v128.and(one, positive); // 1 where z > 0, else +0
  return v128.bitselect(one, f32x4.splat(slope), positive);
}
