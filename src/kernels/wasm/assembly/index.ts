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
import { H_BATCH, H_COST, H_IMAGES, H_LABELS, H_LAYERS, L_A, L_ACT, L_IN, L_OUT, L_Z } from "../abi";
import { field, header, layer, pointer } from "./config";
import { costValue, predict } from "./cost";
import { backwardRow, forwardRow } from "./rows";
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
  for (let start = 0, step = 0; start < count; start += B, step++) {
    const m = min(B, count - start);
    // Forward and back for every row with the old weights, then one update.
    for (let r = 0; r < m; r++) {
      const n = <usize>load<u32>(order + (<usize>(start + r) << 2));
      forwardRow(cfg, r, images + n * imageBytes);
      backwardRow(cfg, r, load<u8>(labels + n));
    }
    // The update looks ahead at the next batch's images (update.ts: rows whose steps are put off).
    update(cfg, m, order + (<usize>start << 2), step, min(B, count - start - m));
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
