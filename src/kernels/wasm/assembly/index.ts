/**
 * The fast kernels' entry points, compiled by AssemblyScript to WebAssembly
 * with SIMD (see package.json's build:wasm). Everything lives in linear
 * memory, laid out by engine.ts and described by the configuration block
 * (../abi.ts): the training images as bytes, the chunk of the shuffled
 * order, weights, velocities and per-row buffers, all float32. One call
 * trains a whole chunk of mini-batches; one call evaluates a whole dataset.
 *
 * Shapes: B batch, m rows in the current batch, I inputs and O outputs of a
 * layer (Op = O rounded up to a multiple of 4), N examples.
 */
import {
  H_BATCH, H_COST, H_IMAGES, H_LABELS, H_LAYERS, H_LEAKY_SLOPE, H_PIXEL_VALUES,
  L_A, L_ACT, L_B, L_DELTA, L_IN, L_LIST_COUNT, L_LIST_ROW, L_LIST_VALUE, L_OUT, L_OUT_PADDED, L_W, L_Z,
} from "../abi";
import { activateRow } from "./activations";
import { field, header, headerF32, layer, pointer } from "./config";
import { costValue, outputDelta, predict } from "./cost";
import { listActivations, listPixels } from "./lists";
import { affineRow, backpropRow } from "./matmul";
import { update } from "./update";

/** Where the memory after the module's own static data begins. */
export function heapBase(): usize {
  return __heap_base;
}

/** Train the mini-batches order[0 .. B), order[B .. 2B), … up to order[count) (u32 example indices; the last batch may be shorter). */
export function train(cfg: usize, order: usize, count: i32): void {
  const B = header(cfg, H_BATCH);
  const images = <usize>header(cfg, H_IMAGES);
  const labels = <usize>header(cfg, H_LABELS);
  const imageBytes = <usize>field(layer(cfg, 0), L_IN);
  for (let start = 0; start < count; start += B) {
    const m = min(B, count - start);
    // Forward and back for every row with the old weights, then one update.
    for (let r = 0; r < m; r++) {
      const n = <usize>load<u32>(order + (<usize>(start + r) << 2));
      forwardRow(cfg, r, images + n * imageBytes);
      backwardRow(cfg, r, load<u8>(labels + n));
    }
    update(cfg, m);
  }
}

/** Feed count examples forward (images count×I bytes), write each predicted class, return Σ C in float64. */
export function evaluate(cfg: usize, images: usize, labels: usize, predictions: usize, count: i32): f64 {
  const out = layer(cfg, header(cfg, H_LAYERS) - 1);
  const cost = header(cfg, H_COST);
  const act = field(out, L_ACT);
  const O = field(out, L_OUT);
  const z = pointer(out, L_Z);
  const a = pointer(out, L_A);
  const imageBytes = <usize>field(layer(cfg, 0), L_IN);
  let total: f64 = 0;
  for (let n = 0; n < count; n++) {
    forwardRow(cfg, 0, images + <usize>n * imageBytes);
    store<u8>(predictions + <usize>n, predict(act, z, a, O));
    total += costValue(cost, z, a, O, load<u8>(labels + <usize>n));
  }
  return total;
}

/** Row r of every layer: list the nonzero inputs, z = b + xW, a = σ(z). */
function forwardRow(cfg: usize, r: i32, image: usize): void {
  const L = header(cfg, H_LAYERS);
  const slope = headerF32(cfg, H_LEAKY_SLOPE);
  const pixelValues = <usize>header(cfg, H_PIXEL_VALUES);
  let prev: usize = 0; // the previous layer's activations, row r
  for (let l = 0; l < L; l++) {
    const ly = layer(cfg, l);
    const I = field(ly, L_IN);
    const Op = field(ly, L_OUT_PADDED);
    const rowBytes = Op << 2;
    const listAt = (<usize>r * <usize>I) << 2;
    const rows = pointer(ly, L_LIST_ROW) + listAt;
    const values = pointer(ly, L_LIST_VALUE) + listAt;
    const n = l == 0 ? listPixels(image, I, pixelValues, rowBytes, rows, values) : listActivations(prev, I, rowBytes, rows, values);
    store<i32>(pointer(ly, L_LIST_COUNT) + (<usize>r << 2), n);
    const at = <usize>r * <usize>rowBytes;
    const z = pointer(ly, L_Z) + at;
    const a = pointer(ly, L_A) + at;
    affineRow(pointer(ly, L_W), pointer(ly, L_B), Op, rows, values, n, z);
    activateRow(field(ly, L_ACT), z, a, field(ly, L_OUT), Op, slope);
    prev = a;
  }
}

/** Row r's δ in every layer: BP1 at the output, then BP2 down to the first layer. */
function backwardRow(cfg: usize, r: i32, label: i32): void {
  const L = header(cfg, H_LAYERS);
  const slope = headerF32(cfg, H_LEAKY_SLOPE);
  let ly = layer(cfg, L - 1);
  let Op = field(ly, L_OUT_PADDED);
  let at = (<usize>r * <usize>Op) << 2;
  outputDelta(header(cfg, H_COST), field(ly, L_ACT), pointer(ly, L_Z) + at, pointer(ly, L_A) + at, pointer(ly, L_DELTA) + at, field(ly, L_OUT), label, slope);
  for (let l = L - 1; l >= 1; l--) {
    const below = layer(cfg, l - 1);
    const OpBelow = field(below, L_OUT_PADDED);
    const atBelow = (<usize>r * <usize>OpBelow) << 2;
    backpropRow(
      pointer(ly, L_W), field(ly, L_IN), Op, pointer(ly, L_DELTA) + at,
      pointer(below, L_DELTA) + atBelow, pointer(below, L_Z) + atBelow, pointer(below, L_A) + atBelow,
      field(below, L_ACT), slope,
    );
    ly = below;
    Op = OpBelow;
    at = atBelow;
  }
}
