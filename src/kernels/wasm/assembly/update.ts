/**
 * The update after a mini-batch, fused with BP3/BP4: no gradient buffers.
 * Every δ of the batch was computed with the old weights, so the update can
 * go straight into the weights: W += s·Σᵣ xᵣᵀδᵣ with s = −η/m, sparse over
 * the listed (nonzero) inputs. L2 and momentum touch every weight, so they
 * add a dense pass before (and, with momentum, after):
 *   plain + L2:  W ← (1 − η·λ/n) W, then the sparse add
 *   momentum:    V ← μV − η(λ/n)W (Nesterov also W ← W − μV_old), sparse add into V,
 *                then W ← W + V (Nesterov: W + (1 + μ)V)
 * which is the rule of UpdateOptions (types.ts), since −ηg = V_new − μV_old.
 *
 * That is how hidden layers take it (exampleWise): example by example, each
 * listed input's row of W (or V) gets (s·x)·δ added, a load and a store of
 * the row for every example that lists the input. Layer 0 may take it row
 * by row instead (rowWise, when the engine gives it the state at
 * H_ROW_WISE: always with L2 or momentum, with plain SGD on rows wide
 * enough for it to pay, engine.ts): the batch's list entries are first
 * sorted into one bucket per input (bucketRows), then each row that some
 * image of the batch lights is loaded once, block by block in registers,
 * takes its whole step there (momentum's first half, each example's
 * gradient in example order, the second half) and is stored once. The very
 * f32 operations in the very order of the example-wise update (WebAssembly
 * never fuses a multiply and an add), so the bits are the same. With plain
 * SGD that is all: a row no image lights takes no step. With L2 or momentum
 * such a row (about 45% of them for a batch of 20 MNIST images) would take
 * a gradient-free step, the same arithmetic every time, so it may wait:
 * when the row is next needed, it takes all the steps it missed in one go,
 * in registers. Each step's update brings current the rows this batch's
 * images light and those the next batch's images will read; at the last
 * batch of a train call every row, so nothing outside a call (the next
 * call's images, evaluation, reading the weights) sees a stale row.
 * (Hidden layers stay example-wise: the same buckets serve their lists, and
 * the results were the same bits, but on the hidden layers of the presets
 * and benchmarks, 10 to 100 outputs wide, it was 1 to 4% slower per epoch;
 * only an 800-wide one, [784, 800, 800, 10], gained, 6%.)
 */
import {
  H_BATCH, H_DECAY, H_ETA, H_IMAGES, H_LAYERS, H_MOMENTUM, H_NESTEROV, H_ROW_WISE,
  L_B, L_DELTA, L_IN, L_LIST_COUNT, L_LIST_ROW, L_LIST_VALUE, L_OUT_PADDED, L_VB, L_VW, L_W,
} from "../abi";
import { field, header, headerF32, layer, pointer } from "./config";
import { addOuterRow, affineRow } from "./matmul";

/**
 * Apply step `step` (counted from 0 within this train call) for the batch of
 * m rows whose lists and δ are in place; `batch` points at its m example
 * indices in the order, followed by the next batch's `next` (0: this is the
 * call's last batch).
 */
export function update(cfg: usize, m: i32, batch: usize, step: i32, next: i32): void {
  const L = header(cfg, H_LAYERS);
  for (let l = 0; l < L; l++) updateRows(cfg, l, m, 0, field(layer(cfg, l), L_IN), true, batch, step, next);
}

/**
 * The step for layer l's weights from inputs k0 … k1−1 (rows k0 … k1−1 of
 * W, one contiguous run of memory), and for its biases if `biases`. Every
 * weight gets the same operations in the same order whoever computes it, so
 * threads that split a layer's rows (threads.ts) give exactly the
 * one-thread result; in the row-wise update a row's bucket, step and
 * catch-up depend on that row alone.
 */
export function updateRows(cfg: usize, l: i32, m: i32, k0: i32, k1: i32, biases: bool, batch: usize, step: i32, next: i32): void {
  const ly = layer(cfg, l);
  if (l == 0 && header(cfg, H_ROW_WISE) != 0) rowWise(cfg, ly, m, k0, k1, batch, step, next);
  else exampleWise(cfg, ly, m, k0, k1);
  if (biases) updateBiases(cfg, ly, m);
}

/** Rows k0 … k1−1 of the layer at `ly`, example by example, every one of them now. */
function exampleWise(cfg: usize, ly: usize, m: i32, k0: i32, k1: i32): void {
  const eta = headerF32(cfg, H_ETA);
  const decay = headerF32(cfg, H_DECAY);
  const mu = headerF32(cfg, H_MOMENTUM);
  const nesterov = header(cfg, H_NESTEROV) != 0;
  const Op = field(ly, L_OUT_PADDED);
  const size = (k1 - k0) * Op;
  const skip = <usize>k0 * (<usize>Op << 2);
  const W = pointer(ly, L_W);
  // T is what the gradient goes into: the weights, or with momentum the velocities.
  const T = mu > 0 ? pointer(ly, L_VW) : W;
  if (mu > 0) momentumBefore(W + skip, T + skip, size, mu, -eta * decay, nesterov);
  else if (decay > 0) scale(W + skip, size, 1 - eta * decay);
  addGradient(ly, T, m, k0, k1, -eta / <f32>m);
  if (mu > 0) addScaled(W + skip, T + skip, size, nesterov ? 1 + mu : 1);
}

/** The biases' step: momentum as for the weights, no L2. */
function updateBiases(cfg: usize, ly: usize, m: i32): void {
  const eta = headerF32(cfg, H_ETA);
  const mu = headerF32(cfg, H_MOMENTUM);
  const nesterov = header(cfg, H_NESTEROV) != 0;
  const Op = field(ly, L_OUT_PADDED);
  const b = pointer(ly, L_B);
  const Tb = mu > 0 ? pointer(ly, L_VB) : b;
  if (mu > 0) momentumBefore(b, Tb, Op, mu, 0, nesterov);
  addBiasGradient(Tb, pointer(ly, L_DELTA), Op, m, -eta / <f32>m);
  if (mu > 0) addScaled(b, Tb, Op, nesterov ? 1 + mu : 1);
}

/** T += s·xᵣᵀδᵣ for each of the m rows of the batch, over inputs k0 … k1−1. */
function addGradient(ly: usize, T: usize, m: i32, k0: i32, k1: i32, s: f32): void {
  const I = field(ly, L_IN);
  const Op = field(ly, L_OUT_PADDED);
  const rowBytes = <usize>Op << 2;
  const rows = pointer(ly, L_LIST_ROW);
  const values = pointer(ly, L_LIST_VALUE);
  const counts = pointer(ly, L_LIST_COUNT);
  const d = pointer(ly, L_DELTA);
  const listBytes = <usize>I << 2;
  for (let r = 0; r < m; r++) {
    const list = rows + <usize>r * listBytes;
    const n = load<i32>(counts + (<usize>r << 2));
    const first = runStart(list, n, k0, I, <i32>rowBytes);
    const end = runStart(list, n, k1, I, <i32>rowBytes);
    const at = <usize>first << 2;
    addOuterRow(T, Op, list + at, values + <usize>r * listBytes + at, end - first, d + <usize>r * rowBytes, s);
  }
}

/** The rule of a row-wise step: the gradient alone (affineRow), or after L2's scaling, or inside momentum's halves (stepRow). */
const PLAIN: i32 = 0;
const L2: i32 = 1;
const MOMENTUM: i32 = 2;
const NESTEROV: i32 = 3;

/**
 * Layer 0's rows k0 … k1−1, row by row. The state at H_ROW_WISE (abi.ts):
 * `steps[k]` says how many of this call's steps row k has taken; before step
 * s every row that batch s reads has taken s (the previous step saw to it),
 * so its full step needs no catch-up. Rows that neither this batch nor the
 * next reads wait (but not past the call's last step, `next` = 0). Plain
 * SGD puts nothing off: `steps` and `marks` go unused, every count stays 0.
 */
function rowWise(cfg: usize, ly: usize, m: i32, k0: i32, k1: i32, batch: usize, step: i32, next: i32): void {
  const eta = headerF32(cfg, H_ETA);
  const decay = headerF32(cfg, H_DECAY);
  const mu = headerF32(cfg, H_MOMENTUM);
  const rule = mu > 0 ? (header(cfg, H_NESTEROV) != 0 ? NESTEROV : MOMENTUM) : decay > 0 ? L2 : PLAIN;
  const I = field(ly, L_IN);
  const Op = field(ly, L_OUT_PADDED);
  const rowBytes = <usize>Op << 2;
  const steps = <usize>header(cfg, H_ROW_WISE);
  const counts = steps + (<usize>I << 2);
  const marks = counts + (<usize>I << 2);
  const entries = marks + ((<usize>I + 15) & ~15);
  const valuesAt = <usize>header(cfg, H_BATCH) << 2;
  bucketRows(ly, m, k0, k1, -eta / <f32>m, counts, entries, valuesAt);
  if (rule != PLAIN && next > 0) {
    markRows(<usize>header(cfg, H_IMAGES), batch + (<usize>m << 2), next, I, k0, k1, marks);
  }
  const W = pointer(ly, L_W);
  const VW = pointer(ly, L_VW);
  const d = pointer(ly, L_DELTA);
  const c = -eta * decay;
  const f: f32 = 1 - eta * decay;
  const kv: f32 = rule == NESTEROV ? 1 + mu : 1;
  for (let k = k0; k < k1; k++) {
    const n = load<i32>(counts + (<usize>k << 2));
    const at = <usize>k * rowBytes;
    if (n > 0) {
      // Row k's entries, and its count back to 0 for the next batch.
      const rows = entries + <usize>k * (valuesAt << 1);
      const values = rows + valuesAt;
      store<i32>(counts + (<usize>k << 2), 0);
      // Plain SGD: p += Σₜ xₜ·δ[rowsₜ] in entry (example) order is affineRow's z = b + Σₜ xₜ·W[kₜ,:] with
      // δ for W and the row for both b and z: addOuterBlock's add(w, mul(x, δ)) per example, in place.
      if (rule == PLAIN) affineRow(d, W + at, Op, rows, values, n, W + at);
      else stepRow(W + at, VW + at, Op, rows, values, n, d, mu, c, kv, f, rule);
    } else if (rule != PLAIN && (load<u8>(marks + <usize>k) != 0 || next == 0)) {
      const missed = step + 1 - load<i32>(steps + (<usize>k << 2));
      if (rule == L2) replayScale(W + at, Op, f, missed);
      else replayMomentum(W + at, VW + at, Op, mu, c, kv, rule == NESTEROV, missed);
    } else continue;
    // After the call's last step every row is current, and the next call counts from 0.
    if (rule != PLAIN) store<i32>(steps + (<usize>k << 2), next == 0 ? 0 : step + 1);
  }
}

/**
 * The batch's list entries of inputs k0 … k1−1, sorted by input: example by
 * example, in order, each entry (k, x) appends the offset of the example's
 * δ row and s·x to row k's bucket (offsets at `entries` + k·2·valuesAt,
 * values valuesAt bytes after them) and counts it in counts[k] (each 0 before).
 */
function bucketRows(ly: usize, m: i32, k0: i32, k1: i32, s: f32, counts: usize, entries: usize, valuesAt: usize): void {
  const I = field(ly, L_IN);
  const rowBytes = field(ly, L_OUT_PADDED) << 2;
  const rows = pointer(ly, L_LIST_ROW);
  const values = pointer(ly, L_LIST_VALUE);
  const listCounts = pointer(ly, L_LIST_COUNT);
  const listBytes = <usize>I << 2;
  // The list holds k·rowBytes; k comes back by a multiply: k·rowBytes·⌈2³²/rowBytes⌉ = k·2³² + k·e with
  // 0 ≤ e < rowBytes, and k·e < 2³² (since k·rowBytes is a wasm32 address), so the top 32 bits are k.
  const inverse = ((<u64>1 << 32) + <u64>rowBytes - 1) / <u64>rowBytes;
  for (let r = 0; r < m; r++) {
    const list = rows + <usize>r * listBytes;
    const xs = values + <usize>r * listBytes;
    const n = load<i32>(listCounts + (<usize>r << 2));
    const end = <usize>runStart(list, n, k1, I, rowBytes) << 2;
    const offset = r * rowBytes;
    for (let t = <usize>runStart(list, n, k0, I, rowBytes) << 2; t < end; t += 4) {
      const k = <usize>((<u64>load<u32>(list + t) * inverse) >> 32);
      const count = counts + (k << 2);
      const c = load<i32>(count);
      const at = entries + k * (valuesAt << 1) + (<usize>c << 2);
      store<i32>(at, offset);
      store<f32>(at + valuesAt, s * load<f32>(xs + t));
      store<i32>(count, c + 1);
    }
  }
}

/**
 * Where inputs from k on start in a list of n entries (k·rowBytes each, in
 * input order, so a share of the rows is one run of it): 0 for k = 0, n for
 * k = I, else by binary search.
 */
function runStart(list: usize, n: i32, k: i32, I: i32, rowBytes: i32): i32 {
  if (k == 0) return 0;
  if (k == I) return n;
  return lowerBound(list, n, k * rowBytes);
}

/** Row k's whole step under L2, MOMENTUM or NESTEROV, four vectors at a time, then one. */
function stepRow(p: usize, v: usize, Op: i32, rows: usize, values: usize, n: i32, d: usize, mu: f32, c: f32, k: f32, f: f32, rule: i32): void {
  const end = <usize>Op << 2;
  const listEnd = <usize>n << 2;
  let j: usize = 0;
  if (rule == NESTEROV) {
    for (; j + 64 <= end; j += 64) stepBlock(p + j, v + j, rows, values, listEnd, d + j, mu, c, k, f, NESTEROV, 4);
    for (; j < end; j += 16) stepBlock(p + j, v + j, rows, values, listEnd, d + j, mu, c, k, f, NESTEROV, 1);
  } else if (rule == MOMENTUM) {
    for (; j + 64 <= end; j += 64) stepBlock(p + j, v + j, rows, values, listEnd, d + j, mu, c, k, f, MOMENTUM, 4);
    for (; j < end; j += 16) stepBlock(p + j, v + j, rows, values, listEnd, d + j, mu, c, k, f, MOMENTUM, 1);
  } else {
    for (; j + 64 <= end; j += 64) stepBlock(p + j, v + j, rows, values, listEnd, d + j, mu, c, k, f, L2, 4);
    for (; j < end; j += 16) stepBlock(p + j, v + j, rows, values, listEnd, d + j, mu, c, k, f, L2, 1);
  }
}

/**
 * V (1 or 4) vectors of a row's step: as momentumBefore (or scale), the
 * gradient as addOuterBlock adds it, as addScaled; rule and V constant at
 * each call. The gradient goes into v with momentum, else into p.
 */
// @ts-ignore: decorator
@inline function stepBlock(p: usize, v: usize, rows: usize, values: usize, listEnd: usize, d: usize, mu: f32, c: f32, k: f32, f: f32, rule: i32, V: i32): void {
  const mu4 = f32x4.splat(mu);
  const c4 = f32x4.splat(c);
  const zero = f32x4.splat(0);
  let w0 = v128.load(p, 0);
  let w1 = V > 1 ? v128.load(p, 16) : zero;
  let w2 = V > 1 ? v128.load(p, 32) : zero;
  let w3 = V > 1 ? v128.load(p, 48) : zero;
  let t0 = zero, t1 = zero, t2 = zero, t3 = zero;
  if (rule >= MOMENTUM) {
    const o0 = v128.load(v, 0);
    const o1 = V > 1 ? v128.load(v, 16) : zero;
    const o2 = V > 1 ? v128.load(v, 32) : zero;
    const o3 = V > 1 ? v128.load(v, 48) : zero;
    t0 = velocity(mu4, o0, c4, w0);
    if (V > 1) t1 = velocity(mu4, o1, c4, w1);
    if (V > 1) t2 = velocity(mu4, o2, c4, w2);
    if (V > 1) t3 = velocity(mu4, o3, c4, w3);
    if (rule == NESTEROV) {
      w0 = lookAhead(w0, mu4, o0);
      if (V > 1) w1 = lookAhead(w1, mu4, o1);
      if (V > 1) w2 = lookAhead(w2, mu4, o2);
      if (V > 1) w3 = lookAhead(w3, mu4, o3);
    }
  } else {
    const f4 = f32x4.splat(f);
    t0 = f32x4.mul(f4, w0);
    if (V > 1) t1 = f32x4.mul(f4, w1);
    if (V > 1) t2 = f32x4.mul(f4, w2);
    if (V > 1) t3 = f32x4.mul(f4, w3);
  }
  for (let e: usize = 0; e < listEnd; e += 4) {
    const dr = d + <usize>load<i32>(rows + e);
    const x = f32x4.splat(load<f32>(values + e));
    t0 = f32x4.add(t0, f32x4.mul(x, v128.load(dr, 0)));
    if (V > 1) t1 = f32x4.add(t1, f32x4.mul(x, v128.load(dr, 16)));
    if (V > 1) t2 = f32x4.add(t2, f32x4.mul(x, v128.load(dr, 32)));
    if (V > 1) t3 = f32x4.add(t3, f32x4.mul(x, v128.load(dr, 48)));
  }
  if (rule >= MOMENTUM) {
    const k4 = f32x4.splat(k);
    v128.store(v, t0, 0);
    if (V > 1) v128.store(v, t1, 16);
    if (V > 1) v128.store(v, t2, 32);
    if (V > 1) v128.store(v, t3, 48);
    t0 = plusScaled(w0, k4, t0);
    if (V > 1) t1 = plusScaled(w1, k4, t1);
    if (V > 1) t2 = plusScaled(w2, k4, t2);
    if (V > 1) t3 = plusScaled(w3, k4, t3);
  }
  v128.store(p, t0, 0);
  if (V > 1) v128.store(p, t1, 16);
  if (V > 1) v128.store(p, t2, 32);
  if (V > 1) v128.store(p, t3, 48);
}

/**
 * marks[k] = 1 for each pixel k0 ≤ k < k1 nonzero in any of the `count`
 * images whose indices are at `order`, else 0: the rows of W those images'
 * forward passes read (listPixels lists exactly the nonzero bytes).
 */
function markRows(images: usize, order: usize, count: i32, I: i32, k0: i32, k1: i32, marks: usize): void {
  const zero = i8x16.splat(0);
  const one = i8x16.splat(1);
  let k = k0;
  for (; k + 16 <= k1; k += 16) {
    let lit = zero;
    for (let r = 0; r < count; r++) lit = v128.or(lit, v128.load(imageAt(images, order, r, I) + <usize>k));
    v128.store(marks + <usize>k, v128.and(i8x16.ne(lit, zero), one));
  }
  for (; k < k1; k++) {
    let lit: i32 = 0;
    for (let r = 0; r < count; r++) lit |= <i32>load<u8>(imageAt(images, order, r, I) + <usize>k);
    store<u8>(marks + <usize>k, lit != 0 ? 1 : 0);
  }
}

/** The first byte of example order[r]'s image. */
// @ts-ignore: decorator
@inline function imageAt(images: usize, order: usize, r: i32, I: i32): usize {
  return images + <usize>load<u32>(order + (<usize>r << 2)) * <usize>I;
}

/**
 * `times` gradient-free momentum steps on `count` floats (a multiple of 4):
 * momentumBefore then addScaled, each time, with their very operations,
 * four vectors at a time (four independent chains keep the adder busy).
 */
function replayMomentum(p: usize, v: usize, count: i32, mu: f32, c: f32, k: f32, nesterov: bool, times: i32): void {
  const end = <usize>count << 2;
  let i: usize = 0;
  for (; i + 64 <= end; i += 64) {
    if (nesterov) replayBlock(p + i, v + i, mu, c, k, true, times, 4);
    else replayBlock(p + i, v + i, mu, c, k, false, times, 4);
  }
  for (; i < end; i += 16) {
    if (nesterov) replayBlock(p + i, v + i, mu, c, k, true, times, 1);
    else replayBlock(p + i, v + i, mu, c, k, false, times, 1);
  }
}

/** V (1 or 4) vectors of replayMomentum, held in registers through every step (V and nesterov constant at each call). */
// @ts-ignore: decorator
@inline function replayBlock(p: usize, v: usize, mu: f32, c: f32, k: f32, nesterov: bool, times: i32, V: i32): void {
  const mu4 = f32x4.splat(mu);
  const c4 = f32x4.splat(c);
  const k4 = f32x4.splat(k);
  const zero = f32x4.splat(0);
  let w0 = v128.load(p, 0);
  let w1 = V > 1 ? v128.load(p, 16) : zero;
  let w2 = V > 1 ? v128.load(p, 32) : zero;
  let w3 = V > 1 ? v128.load(p, 48) : zero;
  let v0 = v128.load(v, 0);
  let v1 = V > 1 ? v128.load(v, 16) : zero;
  let v2 = V > 1 ? v128.load(v, 32) : zero;
  let v3 = V > 1 ? v128.load(v, 48) : zero;
  for (let t = 0; t < times; t++) {
    // momentumBefore: v ← μv + c·w (Nesterov: w ← w − μv_old); then addScaled: w ← w + k·v.
    const o0 = v0, o1 = v1, o2 = v2, o3 = v3;
    v0 = velocity(mu4, o0, c4, w0);
    if (V > 1) v1 = velocity(mu4, o1, c4, w1);
    if (V > 1) v2 = velocity(mu4, o2, c4, w2);
    if (V > 1) v3 = velocity(mu4, o3, c4, w3);
    if (nesterov) {
      w0 = lookAhead(w0, mu4, o0);
      if (V > 1) w1 = lookAhead(w1, mu4, o1);
      if (V > 1) w2 = lookAhead(w2, mu4, o2);
      if (V > 1) w3 = lookAhead(w3, mu4, o3);
    }
    w0 = plusScaled(w0, k4, v0);
    if (V > 1) w1 = plusScaled(w1, k4, v1);
    if (V > 1) w2 = plusScaled(w2, k4, v2);
    if (V > 1) w3 = plusScaled(w3, k4, v3);
  }
  v128.store(p, w0, 0);
  if (V > 1) v128.store(p, w1, 16);
  if (V > 1) v128.store(p, w2, 32);
  if (V > 1) v128.store(p, w3, 48);
  v128.store(v, v0, 0);
  if (V > 1) v128.store(v, v1, 16);
  if (V > 1) v128.store(v, v2, 32);
  if (V > 1) v128.store(v, v3, 48);
}

/** `times` gradient-free L2 steps, p ← f·p each time (scale's operation), on `count` floats. */
function replayScale(p: usize, count: i32, f: f32, times: i32): void {
  const end = <usize>count << 2;
  const f4 = f32x4.splat(f);
  for (let i: usize = 0; i < end; i += 16) {
    let w = v128.load(p + i);
    for (let t = 0; t < times; t++) w = f32x4.mul(f4, w);
    v128.store(p + i, w);
  }
}

/** The first of the n ascending i32 at `list` that is ≥ x (n if none). */
function lowerBound(list: usize, n: i32, x: i32): i32 {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<i32>(list + (<usize>mid << 2)) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** tb += s·Σᵣ δᵣ over the m rows of δ (m×Op → Op). */
function addBiasGradient(tb: usize, d: usize, Op: i32, m: i32, s: f32): void {
  const rowBytes = <usize>Op << 2;
  const end = <usize>m * rowBytes;
  for (let j: usize = 0; j < rowBytes; j += 16) {
    let acc = f32x4.splat(0);
    for (let r: usize = 0; r < end; r += rowBytes) acc = f32x4.add(acc, v128.load(d + r + j));
    v128.store(tb + j, f32x4.add(v128.load(tb + j), f32x4.mul(f32x4.splat(s), acc)));
  }
}

/** v ← μv + c·p, and with Nesterov p ← p − μv_old, over `count` floats (a multiple of 4). */
function momentumBefore(p: usize, v: usize, count: i32, mu: f32, c: f32, nesterov: bool): void {
  const end = <usize>count << 2;
  const mu4 = f32x4.splat(mu);
  const c4 = f32x4.splat(c);
  for (let i: usize = 0; i < end; i += 16) {
    const w = v128.load(p + i);
    const old = v128.load(v + i);
    v128.store(v + i, velocity(mu4, old, c4, w));
    if (nesterov) v128.store(p + i, lookAhead(w, mu4, old));
  }
}

/** p ← p + k·v over `count` floats. */
function addScaled(p: usize, v: usize, count: i32, k: f32): void {
  const end = <usize>count << 2;
  const k4 = f32x4.splat(k);
  for (let i: usize = 0; i < end; i += 16) v128.store(p + i, plusScaled(v128.load(p + i), k4, v128.load(v + i)));
}

/** p ← f·p over `count` floats. */
function scale(p: usize, count: i32, f: f32): void {
  const end = <usize>count << 2;
  const f4 = f32x4.splat(f);
  for (let i: usize = 0; i < end; i += 16) v128.store(p + i, f32x4.mul(f4, v128.load(p + i)));
}

// The momentum rule's three operations on one vector, written once: the
// example-wise passes (momentumBefore, addScaled), the row-wise step
// (stepBlock) and the replay of missed steps (replayBlock) must give the
// same bits, so they share these.

/** momentumBefore's new velocity: μ·v_old + c·w (c = −η·λ/n). */
// @ts-ignore: decorator
@inline function velocity(mu4: v128, old: v128, c4: v128, w: v128): v128 {
  return f32x4.add(f32x4.mul(mu4, old), f32x4.mul(c4, w));
}

/** Nesterov's weight before the step: w − μ·v_old. */
// @ts-ignore: decorator
@inline function lookAhead(w: v128, mu4: v128, old: v128): v128 {
  return f32x4.sub(w, f32x4.mul(mu4, old));
}

/** addScaled's w + k·v (k = 1, or 1 + μ with Nesterov). */
// @ts-ignore: decorator
@inline function plusScaled(w: v128, k4: v128, v: v128): v128 {
  return f32x4.add(w, f32x4.mul(k4, v));
}
