/**
 * Where everything lives in the kernels' linear memory. Planned once per
 * engine from the layer sizes, the batch size and the training set; every
 * buffer is 16-byte aligned so f32x4 loads never straddle. The evaluation
 * data goes after `end`, in memory grown when a dataset needs it.
 *
 * Shapes: B batch rows, N training examples, per layer I inputs, O outputs,
 * Op = O rounded up to a multiple of 4 (the padding stays 0).
 */
import { HEADER_WORDS, LAYER_WORDS } from './abi.js';

export interface LayerPlan {
  I: number;
  O: number;
  Op: number;
  /** Byte offsets: W (I×Op), b (Op), their velocities (0 when there is no momentum). */
  w: number;
  b: number;
  vw: number;
  vb: number;
  /** z, a, δ: B×Op each. */
  z: number;
  a: number;
  delta: number;
  /** Input lists: B×I row offsets (i32), B×I values (f32), B counts (i32). */
  listRow: number;
  listValue: number;
  listCount: number;
}

export interface MemoryPlan {
  /** The configuration block (abi.ts). */
  config: number;
  /** 256 float32: byte/255 for each pixel byte. */
  pixelValues: number;
  layers: LayerPlan[];
  /** A chunk of the shuffled order: orderCapacity u32. */
  order: number;
  orderCapacity: number;
  /** The training set: N labels, N×I image bytes. */
  labels: number;
  images: number;
  /** The threads' control block (abi.ts, C_*), or 0 when there is none. */
  control: number;
  /** Layer 0's row-wise update state (abi.ts, H_ROW_WISE): I int32 step counts, I int32 entry counts, I bytes of marks, I×B entries; 0 when the update is example-wise. */
  rowWise: number;
  /** Its size in bytes. */
  rowWiseBytes: number;
  /** The first byte after all of it. */
  end: number;
}

/** Rounds up to a multiple of 4 (f32 lanes) or 16 (bytes). */
export const padTo4 = (n: number): number => Math.ceil(n / 4) * 4;
/** `n` rounded up to a multiple of 16 bytes (v128 loads and stores). */
export const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** `controlBytes`: room for the threads' control block (threaded.ts), if any; `rowWise`: room for layer 0's row-wise update. */
export function planMemory(
  base: number,
  sizes: readonly number[],
  rows: number,
  momentum: boolean,
  trainCount: number,
  orderCapacity: number,
  controlBytes = 0,
  rowWise = false,
): MemoryPlan {
  let next = align16(base);
  const take = (bytes: number, alignment = 16): number => {
    const at = Math.ceil(next / alignment) * alignment;
    next = align16(at + bytes);
    return at;
  };
  // Weights start on a cache line (64 bytes): threads updating different rows share fewer lines.
  const line = 64;
  const config = take((HEADER_WORDS + (sizes.length - 1) * LAYER_WORDS) * 4);
  const pixelValues = take(256 * 4);
  const layers: LayerPlan[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const I = sizes[l - 1];
    const O = sizes[l];
    const Op = padTo4(O);
    layers.push({
      I,
      O,
      Op,
      w: take(I * Op * 4, line),
      b: take(Op * 4),
      vw: momentum ? take(I * Op * 4, line) : 0,
      vb: momentum ? take(Op * 4) : 0,
      z: take(rows * Op * 4),
      a: take(rows * Op * 4),
      delta: take(rows * Op * 4),
      listRow: take(rows * I * 4),
      listValue: take(rows * I * 4),
      listCount: take(rows * 4),
    });
  }
  const order = take(orderCapacity * 4);
  const labels = take(trainCount);
  const images = take(trainCount * sizes[0]);
  const control = controlBytes > 0 ? take(controlBytes, line) : 0;
  // Per pixel: its step count and entry count (i32), its mark (a byte), and room for the batch's examples that light it (offset, value).
  const rowWiseBytes = rowWise ? sizes[0] * 8 + align16(sizes[0]) + sizes[0] * rows * 8 : 0;
  const rowWiseAt = rowWise ? take(rowWiseBytes) : 0;
  return { config, pixelValues, layers, order, orderCapacity, labels, images, control, rowWise: rowWiseAt, rowWiseBytes, end: next };
}
