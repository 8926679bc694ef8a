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
 * Layer 0 can take that dense pass lazily (H_LAZY). Its inputs are pixels,
 * and the forward pass reads row k of W only for an image whose pixel k is
 * nonzero: about 45% of the rows are read by no image of a batch of 20. Such
 * a row's step is the same gradient-free f32 arithmetic every time, so it
 * may wait: when the row is next needed, it takes all the steps it missed
 * in one go, in registers, the very operations in the very order of the
 * eager update (WebAssembly never fuses a multiply and an add), so the bits
 * are the same. Each step's update brings current the rows this batch's
 * images light and those the next batch's images will read; at the last
 * batch of a train call every row, so nothing outside a call (the next
 * call's images, evaluation, reading the weights) sees a stale row. A lit
 * row takes its whole step in one visit, block by block in registers (the
 * momentum's first half, each example's gradient in example order, the
 * second half) rather than in three passes over W and V: again the same
 * operations per weight.
 */
import {
  H_BATCH, H_DECAY, H_ETA, H_IMAGES, H_LAYERS, H_LAZY, H_MOMENTUM, H_NESTEROV, H_PIXEL_VALUES,
  L_B, L_DELTA, L_IN, L_LIST_COUNT, L_LIST_ROW, L_LIST_VALUE, L_OUT_PADDED, L_VB, L_VW, L_W,
} from "../abi";
import { field, header, headerF32, layer, pointer } from "./config";
import { addOuterRow } from "./matmul";

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
 * one-thread result; a row's lazy catch-up is its own business too.
 */
export function updateRows(cfg: usize, l: i32, m: i32, k0: i32, k1: i32, biases: bool, batch: usize, step: i32, next: i32): void {
  const ly = layer(cfg, l);
  if (l == 0 && header(cfg, H_LAZY) != 0) lazyRows(cfg, ly, m, k0, k1, batch, step, next);
  else eagerRows(cfg, ly, m, k0, k1);
  if (biases) updateBiases(cfg, ly, m);
}

/** Rows k0 … k1−1 of the layer at `ly`, every one of them now. */
function eagerRows(cfg: usize, ly: usize, m: i32, k0: i32, k1: i32): void {
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
  const whole = k0 == 0 && k1 == I;
  for (let r = 0; r < m; r++) {
    const list = rows + <usize>r * listBytes;
    const n = load<i32>(counts + (<usize>r << 2));
    // A list is in input order, so a share of the rows is one run of it.
    const first = whole ? 0 : lowerBound(list, n, k0 * Op * 4);
    const end = whole ? n : lowerBound(list, n, k1 * Op * 4);
    const at = <usize>first << 2;
    addOuterRow(T, Op, list + at, values + <usize>r * listBytes + at, end - first, d + <usize>r * rowBytes, s);
  }
}

/** Marks: this batch lights the row's pixel (then it takes the full step now); the next batch does (then it must be current). */
const NOW: i32 = 1;
const NEXT: i32 = 2;

/**
 * Layer 0's rows k0 … k1−1, lazily. `steps[k]` says how many of this call's
 * steps row k has taken; before step s every row that batch s reads has
 * taken s (the previous step saw to it), so its full step needs no catch-up.
 * Rows that neither this batch nor the next reads wait (but not past the
 * call's last step, `next` = 0).
 */
function lazyRows(cfg: usize, ly: usize, m: i32, k0: i32, k1: i32, batch: usize, step: i32, next: i32): void {
  const eta = headerF32(cfg, H_ETA);
  const decay = headerF32(cfg, H_DECAY);
  const mu = headerF32(cfg, H_MOMENTUM);
  const nesterov = header(cfg, H_NESTEROV) != 0;
  const I = field(ly, L_IN);
  const Op = field(ly, L_OUT_PADDED);
  const rowBytes = <usize>Op << 2;
  const steps = <usize>header(cfg, H_LAZY);
  const marks = steps + (<usize>I << 2);
  const entries = marks + ((<usize>I + 15) & ~15);
  const entryBytes = <usize>header(cfg, H_BATCH) << 3;
  const images = <usize>header(cfg, H_IMAGES);
  const pixelValues = <usize>header(cfg, H_PIXEL_VALUES);
  markRows(images, batch, m, I, k0, k1, marks, NOW, true);
  if (next > 0) markRows(images, batch + (<usize>m << 2), next, I, k0, k1, marks, NEXT, false);
  const W = pointer(ly, L_W);
  const VW = pointer(ly, L_VW);
  const d = pointer(ly, L_DELTA);
  const s = -eta / <f32>m;
  const c = -eta * decay;
  const f: f32 = 1 - eta * decay;
  const kv: f32 = nesterov ? 1 + mu : 1;
  for (let k = k0; k < k1; k++) {
    const mark = <i32>load<u8>(marks + <usize>k);
    const at = <usize>k * rowBytes;
    if (mark & NOW) {
      const list = entries + <usize>k * entryBytes;
      const n = gatherRow(images, batch, m, I, k, pixelValues, s, <i32>rowBytes, list);
      if (mu > 0 && nesterov) stepRow(W + at, VW + at, Op, list, n, d, mu, c, kv, f, 2);
      else if (mu > 0) stepRow(W + at, VW + at, Op, list, n, d, mu, c, kv, f, 1);
      else stepRow(W + at, VW + at, Op, list, n, d, mu, c, kv, f, 0);
    } else if ((mark & NEXT) != 0 || next == 0) {
      const missed = step + 1 - load<i32>(steps + (<usize>k << 2));
      if (mu > 0) replayMomentum(W + at, VW + at, Op, mu, c, kv, nesterov, missed);
      else replayScale(W + at, Op, f, missed);
    } else continue;
    // After the call's last step every row is current, and the next call counts from 0.
    store<i32>(steps + (<usize>k << 2), next == 0 ? 0 : step + 1);
  }
}

/**
 * The examples of the batch whose pixel k is nonzero, in example order, as
 * (offset of their δ row, s·x) pairs at `list`: the entries of k in their
 * input lists (listPixels), gathered. Returns how many.
 */
function gatherRow(images: usize, batch: usize, m: i32, I: i32, k: i32, pixelValues: usize, s: f32, rowBytes: i32, list: usize): i32 {
  let n: usize = 0;
  for (let r = 0; r < m; r++) {
    // Written whatever the byte, kept only if it is nonzero: no branch to mispredict.
    const byte = <usize>load<u8>(imageAt(images, batch, r, I) + <usize>k);
    store<i32>(list + n, r * rowBytes);
    store<f32>(list + n, s * load<f32>(pixelValues + (byte << 2)), 4);
    n += select<usize>(8, 0, byte != 0);
  }
  return <i32>(n >> 3);
}

/** Row k's whole step (rule 0: L2 alone, 1: momentum, 2: Nesterov), four vectors at a time, then one. */
function stepRow(p: usize, v: usize, Op: i32, list: usize, n: i32, d: usize, mu: f32, c: f32, k: f32, f: f32, rule: i32): void {
  const end = <usize>Op << 2;
  const listEnd = <usize>n << 3;
  let j: usize = 0;
  if (rule == 2) {
    for (; j + 64 <= end; j += 64) stepBlock(p + j, v + j, list, listEnd, d + j, mu, c, k, f, 2, 4);
    for (; j < end; j += 16) stepBlock(p + j, v + j, list, listEnd, d + j, mu, c, k, f, 2, 1);
  } else if (rule == 1) {
    for (; j + 64 <= end; j += 64) stepBlock(p + j, v + j, list, listEnd, d + j, mu, c, k, f, 1, 4);
    for (; j < end; j += 16) stepBlock(p + j, v + j, list, listEnd, d + j, mu, c, k, f, 1, 1);
  } else {
    for (; j + 64 <= end; j += 64) stepBlock(p + j, v + j, list, listEnd, d + j, mu, c, k, f, 0, 4);
    for (; j < end; j += 16) stepBlock(p + j, v + j, list, listEnd, d + j, mu, c, k, f, 0, 1);
  }
}

/**
 * V (1 or 4) vectors of a row's step: as momentumBefore (or scale), the
 * gradient as addOuterBlock adds it, as addScaled; rule and V constant at
 * each call. The gradient goes into v with momentum, else into p.
 */
// @ts-ignore: decorator
@inline function stepBlock(p: usize, v: usize, list: usize, listEnd: usize, d: usize, mu: f32, c: f32, k: f32, f: f32, rule: i32, V: i32): void {
  const mu4 = f32x4.splat(mu);
  const c4 = f32x4.splat(c);
  const zero = f32x4.splat(0);
  let w0 = v128.load(p, 0);
  let w1 = V > 1 ? v128.load(p, 16) : zero;
  let w2 = V > 1 ? v128.load(p, 32) : zero;
  let w3 = V > 1 ? v128.load(p, 48) : zero;
  let t0 = zero, t1 = zero, t2 = zero, t3 = zero;
  if (rule > 0) {
    const o0 = v128.load(v, 0);
    const o1 = V > 1 ? v128.load(v, 16) : zero;
    const o2 = V > 1 ? v128.load(v, 32) : zero;
    const o3 = V > 1 ? v128.load(v, 48) : zero;
    t0 = f32x4.add(f32x4.mul(mu4, o0), f32x4.mul(c4, w0));
    if (V > 1) t1 = f32x4.add(f32x4.mul(mu4, o1), f32x4.mul(c4, w1));
    if (V > 1) t2 = f32x4.add(f32x4.mul(mu4, o2), f32x4.mul(c4, w2));
    if (V > 1) t3 = f32x4.add(f32x4.mul(mu4, o3), f32x4.mul(c4, w3));
    if (rule == 2) {
      w0 = f32x4.sub(w0, f32x4.mul(mu4, o0));
      if (V > 1) w1 = f32x4.sub(w1, f32x4.mul(mu4, o1));
      if (V > 1) w2 = f32x4.sub(w2, f32x4.mul(mu4, o2));
      if (V > 1) w3 = f32x4.sub(w3, f32x4.mul(mu4, o3));
    }
  } else {
    const f4 = f32x4.splat(f);
    t0 = f32x4.mul(f4, w0);
    if (V > 1) t1 = f32x4.mul(f4, w1);
    if (V > 1) t2 = f32x4.mul(f4, w2);
    if (V > 1) t3 = f32x4.mul(f4, w3);
  }
  for (let e: usize = 0; e < listEnd; e += 8) {
    const dr = d + <usize>load<i32>(list + e);
    const x = f32x4.splat(load<f32>(list + e, 4));
    t0 = f32x4.add(t0, f32x4.mul(x, v128.load(dr, 0)));
    if (V > 1) t1 = f32x4.add(t1, f32x4.mul(x, v128.load(dr, 16)));
    if (V > 1) t2 = f32x4.add(t2, f32x4.mul(x, v128.load(dr, 32)));
    if (V > 1) t3 = f32x4.add(t3, f32x4.mul(x, v128.load(dr, 48)));
  }
  if (rule > 0) {
    const k4 = f32x4.splat(k);
    v128.store(v, t0, 0);
    if (V > 1) v128.store(v, t1, 16);
    if (V > 1) v128.store(v, t2, 32);
    if (V > 1) v128.store(v, t3, 48);
    t0 = f32x4.add(w0, f32x4.mul(k4, t0));
    if (V > 1) t1 = f32x4.add(w1, f32x4.mul(k4, t1));
    if (V > 1) t2 = f32x4.add(w2, f32x4.mul(k4, t2));
    if (V > 1) t3 = f32x4.add(w3, f32x4.mul(k4, t3));
  }
  v128.store(p, t0, 0);
  if (V > 1) v128.store(p, t1, 16);
  if (V > 1) v128.store(p, t2, 32);
  if (V > 1) v128.store(p, t3, 48);
}

/**
 * Set (or with `first`, store) `bit` in marks[k], k0 ≤ k < k1, for each
 * pixel k nonzero in any of the `count` images whose indices are at `order`:
 * the rows of W those images' forward passes read (listPixels lists exactly
 * the nonzero bytes).
 */
function markRows(images: usize, order: usize, count: i32, I: i32, k0: i32, k1: i32, marks: usize, bit: i32, first: bool): void {
  const zero = i8x16.splat(0);
  const bits = i8x16.splat(<i8>bit);
  let k = k0;
  for (; k + 16 <= k1; k += 16) {
    let lit = zero;
    for (let r = 0; r < count; r++) lit = v128.or(lit, v128.load(imageAt(images, order, r, I) + <usize>k));
    let mark = v128.and(i8x16.ne(lit, zero), bits);
    if (!first) mark = v128.or(mark, v128.load(marks + <usize>k));
    v128.store(marks + <usize>k, mark);
  }
  for (; k < k1; k++) {
    let lit: i32 = 0;
    for (let r = 0; r < count; r++) lit |= <i32>load<u8>(imageAt(images, order, r, I) + <usize>k);
    const mark = lit != 0 ? bit : 0;
    store<u8>(marks + <usize>k, first ? mark : mark | <i32>load<u8>(marks + <usize>k));
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
    v0 = f32x4.add(f32x4.mul(mu4, o0), f32x4.mul(c4, w0));
    if (V > 1) v1 = f32x4.add(f32x4.mul(mu4, o1), f32x4.mul(c4, w1));
    if (V > 1) v2 = f32x4.add(f32x4.mul(mu4, o2), f32x4.mul(c4, w2));
    if (V > 1) v3 = f32x4.add(f32x4.mul(mu4, o3), f32x4.mul(c4, w3));
    if (nesterov) {
      w0 = f32x4.sub(w0, f32x4.mul(mu4, o0));
      if (V > 1) w1 = f32x4.sub(w1, f32x4.mul(mu4, o1));
      if (V > 1) w2 = f32x4.sub(w2, f32x4.mul(mu4, o2));
      if (V > 1) w3 = f32x4.sub(w3, f32x4.mul(mu4, o3));
    }
    w0 = f32x4.add(w0, f32x4.mul(k4, v0));
    if (V > 1) w1 = f32x4.add(w1, f32x4.mul(k4, v1));
    if (V > 1) w2 = f32x4.add(w2, f32x4.mul(k4, v2));
    if (V > 1) w3 = f32x4.add(w3, f32x4.mul(k4, v3));
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
    v128.store(v + i, f32x4.add(f32x4.mul(mu4, old), f32x4.mul(c4, w)));
    if (nesterov) v128.store(p + i, f32x4.sub(w, f32x4.mul(mu4, old)));
  }
}

/** p ← p + k·v over `count` floats. */
function addScaled(p: usize, v: usize, count: i32, k: f32): void {
  const end = <usize>count << 2;
  const k4 = f32x4.splat(k);
  for (let i: usize = 0; i < end; i += 16) v128.store(p + i, f32x4.add(v128.load(p + i), f32x4.mul(k4, v128.load(v + i))));
}

/** p ← f·p over `count` floats. */
function scale(p: usize, count: i32, f: f32): void {
  const end = <usize>count << 2;
  const f4 = f32x4.splat(f);
  for (let i: usize = 0; i < end; i += 16) v128.store(p + i, f32x4.mul(f4, v128.load(p + i)));
}
