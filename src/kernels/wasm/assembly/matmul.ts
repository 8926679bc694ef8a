/**
 * The three products of a layer, one example (row) at a time, f32x4 along
 * the O outputs. W is I×Op input-major, so input k's weights are one
 * contiguous row of Op/4 vectors: a block of 8 vectors (32 outputs) is held
 * in registers while the inputs stream past, then a block of 4, then single
 * vectors for what is left. Padding columns (O ≤ j < Op) have zero weights
 * and zero δ, so they stay exactly 0.
 *
 *   affineRow     z = b + x W                   x: list of n inputs, W: I×Op, z: Op
 *   addOuterRow   T += s · xᵀ δ                  (the fused BP4 + update; T is W or its velocity)
 *   backpropRow   δprev = (W δ) ⊙ σ′(zprev)      BP2, W: I×Op, δ: Op, δprev: I
 */
import { derivative } from "./activations";
import { sum4 } from "./math";

/** z = b + Σₜ xₜ·W[kₜ,:], the list giving kₜ as byte offsets of W's rows (rows) and xₜ (values); shape 1×I · I×Op → 1×Op. */
export function affineRow(W: usize, b: usize, Op: i32, rows: usize, values: usize, n: i32, z: usize): void {
  const end = <usize>Op << 2;
  const listEnd = <usize>n << 2;
  let j: usize = 0;
  for (; j + 128 <= end; j += 128) {
    let s0 = v128.load(b + j, 0), s1 = v128.load(b + j, 16), s2 = v128.load(b + j, 32), s3 = v128.load(b + j, 48);
    let s4 = v128.load(b + j, 64), s5 = v128.load(b + j, 80), s6 = v128.load(b + j, 96), s7 = v128.load(b + j, 112);
    for (let t: usize = 0; t < listEnd; t += 4) {
      const w = W + <usize>load<i32>(rows + t) + j;
      const x = f32x4.splat(load<f32>(values + t));
      s0 = f32x4.add(s0, f32x4.mul(x, v128.load(w, 0)));
      s1 = f32x4.add(s1, f32x4.mul(x, v128.load(w, 16)));
      s2 = f32x4.add(s2, f32x4.mul(x, v128.load(w, 32)));
      s3 = f32x4.add(s3, f32x4.mul(x, v128.load(w, 48)));
      s4 = f32x4.add(s4, f32x4.mul(x, v128.load(w, 64)));
      s5 = f32x4.add(s5, f32x4.mul(x, v128.load(w, 80)));
      s6 = f32x4.add(s6, f32x4.mul(x, v128.load(w, 96)));
      s7 = f32x4.add(s7, f32x4.mul(x, v128.load(w, 112)));
    }
    v128.store(z + j, s0, 0);
    v128.store(z + j, s1, 16);
    v128.store(z + j, s2, 32);
    v128.store(z + j, s3, 48);
    v128.store(z + j, s4, 64);
    v128.store(z + j, s5, 80);
    v128.store(z + j, s6, 96);
    v128.store(z + j, s7, 112);
  }
  for (; j + 64 <= end; j += 64) {
    let s0 = v128.load(b + j, 0), s1 = v128.load(b + j, 16), s2 = v128.load(b + j, 32), s3 = v128.load(b + j, 48);
    for (let t: usize = 0; t < listEnd; t += 4) {
      const w = W + <usize>load<i32>(rows + t) + j;
      const x = f32x4.splat(load<f32>(values + t));
      s0 = f32x4.add(s0, f32x4.mul(x, v128.load(w, 0)));
      s1 = f32x4.add(s1, f32x4.mul(x, v128.load(w, 16)));
      s2 = f32x4.add(s2, f32x4.mul(x, v128.load(w, 32)));
      s3 = f32x4.add(s3, f32x4.mul(x, v128.load(w, 48)));
    }
    v128.store(z + j, s0, 0);
    v128.store(z + j, s1, 16);
    v128.store(z + j, s2, 32);
    v128.store(z + j, s3, 48);
  }
  for (; j < end; j += 16) {
    let s0 = v128.load(b + j);
    for (let t: usize = 0; t < listEnd; t += 4) {
      const w = W + <usize>load<i32>(rows + t) + j;
      s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(values + t)), v128.load(w)));
    }
    v128.store(z + j, s0);
  }
}

/** T[kₜ,:] += (s·xₜ)·δ for every listed input: one example's share of the update; shape I×Op += (I×1)(1×Op). */
export function addOuterRow(T: usize, Op: i32, rows: usize, values: usize, n: i32, d: usize, s: f32): void {
  const end = <usize>Op << 2;
  const listEnd = <usize>n << 2;
  let j: usize = 0;
  for (; j + 128 <= end; j += 128) {
    const d0 = v128.load(d + j, 0), d1 = v128.load(d + j, 16), d2 = v128.load(d + j, 32), d3 = v128.load(d + j, 48);
    const d4 = v128.load(d + j, 64), d5 = v128.load(d + j, 80), d6 = v128.load(d + j, 96), d7 = v128.load(d + j, 112);
    for (let t: usize = 0; t < listEnd; t += 4) {
      const w = T + <usize>load<i32>(rows + t) + j;
      const x = f32x4.splat(s * load<f32>(values + t));
      v128.store(w, f32x4.add(v128.load(w, 0), f32x4.mul(x, d0)), 0);
      v128.store(w, f32x4.add(v128.load(w, 16), f32x4.mul(x, d1)), 16);
      v128.store(w, f32x4.add(v128.load(w, 32), f32x4.mul(x, d2)), 32);
      v128.store(w, f32x4.add(v128.load(w, 48), f32x4.mul(x, d3)), 48);
      v128.store(w, f32x4.add(v128.load(w, 64), f32x4.mul(x, d4)), 64);
      v128.store(w, f32x4.add(v128.load(w, 80), f32x4.mul(x, d5)), 80);
      v128.store(w, f32x4.add(v128.load(w, 96), f32x4.mul(x, d6)), 96);
      v128.store(w, f32x4.add(v128.load(w, 112), f32x4.mul(x, d7)), 112);
    }
  }
  for (; j + 64 <= end; j += 64) {
    const d0 = v128.load(d + j, 0), d1 = v128.load(d + j, 16), d2 = v128.load(d + j, 32), d3 = v128.load(d + j, 48);
    for (let t: usize = 0; t < listEnd; t += 4) {
      const w = T + <usize>load<i32>(rows + t) + j;
      const x = f32x4.splat(s * load<f32>(values + t));
      v128.store(w, f32x4.add(v128.load(w, 0), f32x4.mul(x, d0)), 0);
      v128.store(w, f32x4.add(v128.load(w, 16), f32x4.mul(x, d1)), 16);
      v128.store(w, f32x4.add(v128.load(w, 32), f32x4.mul(x, d2)), 32);
      v128.store(w, f32x4.add(v128.load(w, 48), f32x4.mul(x, d3)), 48);
    }
  }
  for (; j < end; j += 16) {
    const d0 = v128.load(d + j);
    for (let t: usize = 0; t < listEnd; t += 4) {
      const w = T + <usize>load<i32>(rows + t) + j;
      v128.store(w, f32x4.add(v128.load(w), f32x4.mul(f32x4.splat(s * load<f32>(values + t)), d0)));
    }
  }
}

/** BP2 for one row: δprev[k] = σ′(zprev[k]) · Σⱼ W[k,j]·δ[j] for k < I; shape I×Op · Op → I. */
export function backpropRow(W: usize, I: i32, Op: i32, d: usize, dPrev: usize, zPrev: usize, aPrev: usize, act: i32, slope: f32): void {
  const rowBytes = <usize>Op << 2;
  for (let k = 0; k < I; k++) {
    const w = W + <usize>k * rowBytes;
    let acc = f32x4.splat(0);
    for (let j: usize = 0; j < rowBytes; j += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(w + j), v128.load(d + j)));
    const at = <usize>k << 2;
    store<f32>(dPrev + at, sum4(acc) * derivative(act, load<f32>(zPrev + at), load<f32>(aPrev + at), slope));
  }
}
