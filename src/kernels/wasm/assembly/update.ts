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
 */
import { H_DECAY, H_ETA, H_LAYERS, H_MOMENTUM, H_NESTEROV, L_B, L_DELTA, L_IN, L_LIST_COUNT, L_LIST_ROW, L_LIST_VALUE, L_OUT_PADDED, L_VB, L_VW, L_W } from "../abi";
import { field, header, headerF32, layer, pointer } from "./config";
import { addOuterRow } from "./matmul";

/** Apply one step for the batch of m rows whose lists and δ are in place. */
export function update(cfg: usize, m: i32): void {
  const L = header(cfg, H_LAYERS);
  for (let l = 0; l < L; l++) updateRows(cfg, l, m, 0, field(layer(cfg, l), L_IN), true);
}

/**
 * The step for layer l's weights from inputs k0 … k1−1 (rows k0 … k1−1 of
 * W, one contiguous run of memory), and for its biases if `biases`. Every
 * weight gets the same operations in the same order whoever computes it, so
 * threads that split a layer's rows (threads.ts) give exactly the
 * one-thread result.
 */
export function updateRows(cfg: usize, l: i32, m: i32, k0: i32, k1: i32, biases: bool): void {
  const eta = headerF32(cfg, H_ETA);
  const decay = headerF32(cfg, H_DECAY);
  const mu = headerF32(cfg, H_MOMENTUM);
  const nesterov = header(cfg, H_NESTEROV) != 0;
  const s = -eta / <f32>m;
  const ly = layer(cfg, l);
  const I = field(ly, L_IN);
  const Op = field(ly, L_OUT_PADDED);
  const rowBytes = <usize>Op << 2;
  const size = (k1 - k0) * Op;
  const skip = <usize>k0 * rowBytes;
  const W = pointer(ly, L_W);
  const b = pointer(ly, L_B);
  // T is what the gradient goes into: the weights, or with momentum the velocities.
  let T = W;
  let Tb = b;
  if (mu > 0) {
    T = pointer(ly, L_VW);
    Tb = pointer(ly, L_VB);
    momentumBefore(W + skip, T + skip, size, mu, -eta * decay, nesterov);
    if (biases) momentumBefore(b, Tb, Op, mu, 0, nesterov);
  } else if (decay > 0) {
    scale(W + skip, size, 1 - eta * decay);
  }
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
  if (biases) addBiasGradient(Tb, d, Op, m, s);
  if (mu > 0) {
    const k: f32 = nesterov ? 1 + mu : 1;
    addScaled(W + skip, T + skip, size, k);
    if (biases) addScaled(b, Tb, Op, k);
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
