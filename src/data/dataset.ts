/**
 * A set of labelled examples. Pixels stay as bytes (0..255) and are scaled
 * to [0, 1] by whoever reads them: all of MNIST as bytes is 55 MB, as
 * float32 it would be 220 MB, and the fast kernels read bytes directly.
 */
export interface Dataset {
  /** N×I row-major pixel bytes; input k of example n is images[n·I + k] / 255. */
  images: Uint8Array;
  /** N labels in 0..classes-1. */
  labels: Uint8Array;
  count: number;
  /** I, the number of inputs per example (784 for 28×28). */
  inputSize: number;
  classes: number;
}

/** What a checkpoint or model file records of the data a run trained on, to refuse resuming on other data. */
export interface DataFingerprint {
  train: number;
  validation: number;
  test: number;
  /** SHA-256 (hex) of the images and labels of the three parts, in order. */
  sha256: string;
}

/** Example n's input scaled to [0, 1], written into `out` (length I). */
export function inputOf(ds: Dataset, n: number, out: Float64Array | Float32Array = new Float64Array(ds.inputSize)): Float64Array | Float32Array {
  const I = ds.inputSize;
  const base = n * I;
  for (let k = 0; k < I; k++) out[k] = ds.images[base + k] / 255;
  return out;
}

/** Examples [start, end) as a dataset sharing the same memory. */
export function sliceDataset(ds: Dataset, start: number, end: number): Dataset {
  const I = ds.inputSize;
  return {
    images: ds.images.subarray(start * I, end * I),
    labels: ds.labels.subarray(start, end),
    count: end - start,
    inputSize: I,
    classes: ds.classes,
  };
}
