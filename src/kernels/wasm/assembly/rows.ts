/**
 * One example (row r of the batch buffers) through every layer: forward,
 * then its δ back down. Rows never touch each other's buffers, so threads
 * may take different rows of a batch at once (threads.ts).
 */
import {
  H_COST, H_LAYERS, H_LEAKY_SLOPE, H_PIXEL_VALUES,
  L_A, L_ACT, L_B, L_DELTA, L_IN, L_LIST_COUNT, L_LIST_ROW, L_LIST_VALUE, L_OUT, L_OUT_PADDED, L_W, L_Z,
} from "../abi";
import { activateRow } from "./activations";
import { field, header, headerF32, layer, pointer } from "./config";
import { outputDelta } from "./cost";
import { listActivations, listPixels } from "./lists";
import { affineRow, backpropRow } from "./matmul";

/** Row r of every layer: list the nonzero inputs, z = b + xW, a = σ(z). */
export function forwardRow(cfg: usize, r: i32, image: usize): void {
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
export function backwardRow(cfg: usize, r: i32, label: i32): void {
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
