/** Measures for comparing 28×28 inputs: correlation, centre of mass, bounding box. */

/** Pearson correlation of two equal-length arrays (1 = same picture up to brightness and contrast). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Centre of mass (x, y) of a 28×28 input, 0-based pixel coordinates. */
export function centreOfMass(input: ArrayLike<number>): { x: number; y: number } {
  let m = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < 784; i++) {
    m += input[i];
    x += (i % 28) * input[i];
    y += Math.floor(i / 28) * input[i];
  }
  return { x: x / m, y: y / m };
}

/** Width and height of the box holding every pixel above `threshold`. */
export function boundingBox(input: ArrayLike<number>, threshold = 0): { width: number; height: number } {
  let x0 = 28;
  let x1 = -1;
  let y0 = 28;
  let y1 = -1;
  for (let i = 0; i < 784; i++) {
    if (input[i] > threshold) {
      const x = i % 28;
      const y = Math.floor(i / 28);
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * The best correlation of `a` with `b` shifted by up to `reach` whole pixels
 * each way: two centrings of the same digit may differ by a pixel (MNIST
 * rounds its shift), which alone drops the correlation of thin strokes to ~0.7.
 */
export function shiftedCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, reach = 1): number {
  let best = -1;
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      const shifted = new Float32Array(784);
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const sx = x - dx;
          const sy = y - dy;
          if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) shifted[y * 28 + x] = b[sy * 28 + sx];
        }
      }
      best = Math.max(best, correlation(a, shifted));
    }
  }
  return best;
}
