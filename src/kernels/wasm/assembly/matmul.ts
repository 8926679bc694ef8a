/**
 * The three products of a layer, one example (row) at a time, f32x4 along
 * the O outputs. W is I×Op input-major, so input k's weights are one
 * contiguous row of Op/4 vectors. The outputs are taken in blocks of
 * vectors held in registers while the list of inputs streams past: full
 * blocks, then one block of whatever is left. The forward pass takes blocks
 * of 6 (24 outputs), the update blocks of 8: with 8 accumulators, 8 weight
 * vectors and x, the forward pass spills registers on x86 (16 of them), and
 * blocks of 4 to 7 all ran 7–10% faster on [784, 30, 25, 10] and
 * [784, 800, 10] (identical numbers: each output's sum runs over the list
 * in the same order whatever the block). Padding columns
 * (O ≤ j < Op) have zero weights and zero δ, so they stay exactly 0.
 *
 *   affineRow     z = b + x W                   x: list of n inputs, W: I×Op, z: Op
 *   addOuterRow   T += s · xᵀ δ                  (the fused BP4 + update; T is W or its velocity)
 *   backpropRow   δprev = (W δ) ⊙ σ′(zprev)      BP2, W: I×Op, δ: Op, δprev: I
 */
import { derivative, derivative4 } from "./activations";
import { sum4 } from "./math";

/**
 * z = b + Σₜ xₜ·W[kₜ,:], the list giving kₜ as byte offsets of W's rows
 * (rows) and xₜ (values); shape 1×I · I×Op → 1×Op. update.ts steps a row of
 * W with it too (plain SGD, row-wise): δ for W, the row for b and z.
 */
export function affineRow(W: usize, b: usize, Op: i32, rows: usize, values: usize, n: i32, z: usize): void {
  const end = <usize>Op << 2;
  const listEnd = <usize>n << 2;
  let j: usize = 0;
  for (; j + 96 <= end; j += 96) affineBlock(W + j, b + j, rows, values, listEnd, z + j, 6);
  const Wj = W + j, bj = b + j, zj = z + j;
  switch (<i32>((end - j) >> 4)) {
    case 1: affineBlock(Wj, bj, rows, values, listEnd, zj, 1); break;
    case 2: affineBlock(Wj, bj, rows, values, listEnd, zj, 2); break;
    case 3: affineBlock(Wj, bj, rows, values, listEnd, zj, 3); break;
    case 4: affineBlock(Wj, bj, rows, values, listEnd, zj, 4); break;
    case 5: affineBlock(Wj, bj, rows, values, listEnd, zj, 5); break;
  }
}

/** One block of V vectors (V a constant at each call: after inlining, the unused accumulators and their branches are compiled away). */
// @ts-ignore: decorator
@inline function affineBlock(W: usize, b: usize, rows: usize, values: usize, listEnd: usize, z: usize, V: i32): void {
  const zero = f32x4.splat(0);
  let s0 = v128.load(b, 0);
  let s1 = V > 1 ? v128.load(b, 16) : zero;
  let s2 = V > 2 ? v128.load(b, 32) : zero;
  let s3 = V > 3 ? v128.load(b, 48) : zero;
  let s4 = V > 4 ? v128.load(b, 64) : zero;
  let s5 = V > 5 ? v128.load(b, 80) : zero;
  let s6 = V > 6 ? v128.load(b, 96) : zero;
  let s7 = V > 7 ? v128.load(b, 112) : zero;
  for (let t: usize = 0; t < listEnd; t += 4) {
    const w = W + <usize>load<i32>(rows + t);
    const x = f32x4.splat(load<f32>(values + t));
    s0 = f32x4.add(s0, f32x4.mul(x, v128.load(w, 0)));
    if (V > 1) s1 = f32x4.add(s1, f32x4.mul(x, v128.load(w, 16)));
    if (V > 2) s2 = f32x4.add(s2, f32x4.mul(x, v128.load(w, 32)));
    if (V > 3) s3 = f32x4.add(s3, f32x4.mul(x, v128.load(w, 48)));
    if (V > 4) s4 = f32x4.add(s4, f32x4.mul(x, v128.load(w, 64)));
    if (V > 5) s5 = f32x4.add(s5, f32x4.mul(x, v128.load(w, 80)));
    if (V > 6) s6 = f32x4.add(s6, f32x4.mul(x, v128.load(w, 96)));
    if (V > 7) s7 = f32x4.add(s7, f32x4.mul(x, v128.load(w, 112)));
  }
  v128.store(z, s0, 0);
  if (V > 1) v128.store(z, s1, 16);
  if (V > 2) v128.store(z, s2, 32);
  if (V > 3) v128.store(z, s3, 48);
  if (V > 4) v128.store(z, s4, 64);
  if (V > 5) v128.store(z, s5, 80);
  if (V > 6) v128.store(z, s6, 96);
  if (V > 7) v128.store(z, s7, 112);
}

/** T[kₜ,:] += (s·xₜ)·δ for every listed input: one example's share of the update; shape I×Op += (I×1)(1×Op). */
export function addOuterRow(T: usize, Op: i32, rows: usize, values: usize, n: i32, d: usize, s: f32): void {
  const end = <usize>Op << 2;
  const listEnd = <usize>n << 2;
  let j: usize = 0;
  for (; j + 128 <= end; j += 128) addOuterBlock(T + j, rows, values, listEnd, d + j, s, 8);
  const Tj = T + j, dj = d + j;
  switch (<i32>((end - j) >> 4)) {
    case 1: addOuterBlock(Tj, rows, values, listEnd, dj, s, 1); break;
    case 2: addOuterBlock(Tj, rows, values, listEnd, dj, s, 2); break;
    case 3: addOuterBlock(Tj, rows, values, listEnd, dj, s, 3); break;
    case 4: addOuterBlock(Tj, rows, values, listEnd, dj, s, 4); break;
    case 5: addOuterBlock(Tj, rows, values, listEnd, dj, s, 5); break;
    case 6: addOuterBlock(Tj, rows, values, listEnd, dj, s, 6); break;
    case 7: addOuterBlock(Tj, rows, values, listEnd, dj, s, 7); break;
  }
}

/** One block of V vectors of addOuterRow, δ held in registers (V constant at each call, as in affineBlock). */
// @ts-ignore: decorator
@inline function addOuterBlock(T: usize, rows: usize, values: usize, listEnd: usize, d: usize, s: f32, V: i32): void {
  const zero = f32x4.splat(0);
  const d0 = v128.load(d, 0);
  const d1 = V > 1 ? v128.load(d, 16) : zero;
  const d2 = V > 2 ? v128.load(d, 32) : zero;
  const d3 = V > 3 ? v128.load(d, 48) : zero;
  const d4 = V > 4 ? v128.load(d, 64) : zero;
  const d5 = V > 5 ? v128.load(d, 80) : zero;
  const d6 = V > 6 ? v128.load(d, 96) : zero;
  const d7 = V > 7 ? v128.load(d, 112) : zero;
  for (let t: usize = 0; t < listEnd; t += 4) {
    const w = T + <usize>load<i32>(rows + t);
    const x = f32x4.splat(s * load<f32>(values + t));
    v128.store(w, f32x4.add(v128.load(w, 0), f32x4.mul(x, d0)), 0);
    if (V > 1) v128.store(w, f32x4.add(v128.load(w, 16), f32x4.mul(x, d1)), 16);
    if (V > 2) v128.store(w, f32x4.add(v128.load(w, 32), f32x4.mul(x, d2)), 32);
    if (V > 3) v128.store(w, f32x4.add(v128.load(w, 48), f32x4.mul(x, d3)), 48);
    if (V > 4) v128.store(w, f32x4.add(v128.load(w, 64), f32x4.mul(x, d4)), 64);
    if (V > 5) v128.store(w, f32x4.add(v128.load(w, 80), f32x4.mul(x, d5)), 80);
    if (V > 6) v128.store(w, f32x4.add(v128.load(w, 96), f32x4.mul(x, d6)), 96);
    if (V > 7) v128.store(w, f32x4.add(v128.load(w, 112), f32x4.mul(x, d7)), 112);
  }
}

/**
 * BP2 for one row: δprev[k] = σ′(zprev[k]) · Σⱼ W[k,j]·δ[j] for k < I; shape I×Op · Op → I.
 * Four rows of W at a time: their four partial-sum vectors are added across
 * by two rounds of shuffles into one vector of four sums, (l0 + l1) + (l2 + l3)
 * in each lane as sum4 adds them, so the numbers are sum4's, with σ′ taken on
 * four lanes too; a row at a time took 4 lane extractions and 3 adds per row.
 */
export function backpropRow(W: usize, I: i32, Op: i32, d: usize, dPrev: usize, zPrev: usize, aPrev: usize, act: i32, slope: f32): void {
  const rowBytes = <usize>Op << 2;
  let k = 0;
  for (; k + 4 <= I; k += 4) {
    const w = W + <usize>k * rowBytes;
    let acc0 = f32x4.splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (let j: usize = 0; j < rowBytes; j += 16) {
      const dj = v128.load(d + j);
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(w + j), dj));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(w + rowBytes + j), dj));
      acc2 = f32x4.add(acc2, f32x4.mul(v128.load(w + 2 * rowBytes + j), dj));
      acc3 = f32x4.add(acc3, f32x4.mul(v128.load(w + 3 * rowBytes + j), dj));
    }
    // Pairs of lanes: [acc0 l0+l1, acc0 l2+l3, acc1 l0+l1, acc1 l2+l3], and the same for acc2, acc3.
    const pairs01 = f32x4.add(v128.shuffle<f32>(acc0, acc1, 0, 2, 4, 6), v128.shuffle<f32>(acc0, acc1, 1, 3, 5, 7));
    const pairs23 = f32x4.add(v128.shuffle<f32>(acc2, acc3, 0, 2, 4, 6), v128.shuffle<f32>(acc2, acc3, 1, 3, 5, 7));
    const sums = f32x4.add(v128.shuffle<f32>(pairs01, pairs23, 0, 2, 4, 6), v128.shuffle<f32>(pairs01, pairs23, 1, 3, 5, 7));
    const at = <usize>k << 2;
    v128.store(dPrev + at, f32x4.mul(sums, derivative4(act, v128.load(zPrev + at), v128.load(aPrev + at), slope)));
  }
  for (; k < I; k++) {
    const w = W + <usize>k * rowBytes;
    let acc = f32x4.splat(0);
    for (let j: usize = 0; j < rowBytes; j += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(w + j), v128.load(d + j)));
    const at = <usize>k << 2;
    store<f32>(dPrev + at, sum4(acc) * derivative(act, load<f32>(zPrev + at), load<f32>(aPrev + at), slope));
  }
}
