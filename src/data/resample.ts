/**
 * Resizing a one-channel float image without aliasing, one axis at a time.
 * Output pixel i covers the source interval [start + i·step, start + (i+1)·step)
 * (pixel k covers [k, k+1)). Shrinking (step ≥ 1) averages that interval
 * exactly, each source pixel weighted by its overlap: a box filter, so thin
 * strokes fade into grey instead of vanishing or flickering. Enlarging
 * (step < 1) interpolates bilinearly between pixel centres. Source pixels
 * outside the image count as 0 (background). Pure arithmetic, browser-safe.
 */

/** A rectangle in source pixel coordinates; fractional edges allowed. */
export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** For one output pixel: the first source index and the weights from there on. */
interface Taps {
  first: number;
  weights: Float64Array;
}

/**
 * Resample `window` of the w×h image `src` (row-major) to dstW×dstH.
 * `src` may be bytes or floats; the result is floats on the same scale.
 */
export function resample(src: ArrayLike<number>, w: number, h: number, window: Window, dstW: number, dstH: number): Float32Array {
  const xTaps = axisTaps(w, window.x, window.width / dstW, dstW);
  const yTaps = axisTaps(h, window.y, window.height / dstH, dstH);
  // Only the source rows some output row reads are resampled horizontally.
  let rowLo = h;
  let rowHi = 0;
  for (const t of yTaps) {
    if (t.weights.length === 0) continue;
    rowLo = Math.min(rowLo, t.first);
    rowHi = Math.max(rowHi, t.first + t.weights.length);
  }
  const rows = Math.max(0, rowHi - rowLo);
  const tmp = new Float32Array(rows * dstW);
  for (let r = 0; r < rows; r++) {
    const base = (rowLo + r) * w;
    for (let i = 0; i < dstW; i++) {
      const { first, weights } = xTaps[i];
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += weights[k] * src[base + first + k];
      tmp[r * dstW + i] = s;
    }
  }
  const out = new Float32Array(dstW * dstH);
  for (let j = 0; j < dstH; j++) {
    const { first, weights } = yTaps[j];
    for (let k = 0; k < weights.length; k++) {
      const wk = weights[k];
      const row = (first + k - rowLo) * dstW;
      for (let i = 0; i < dstW; i++) out[j * dstW + i] += wk * tmp[row + i];
    }
  }
  return out;
}

/** The taps of `count` output pixels along an axis of n source pixels, clipped to [0, n). */
function axisTaps(n: number, start: number, step: number, count: number): Taps[] {
  const taps: Taps[] = [];
  for (let i = 0; i < count; i++) {
    const a = start + i * step;
    const pairs = step >= 1 ? areaWeights(a, a + step) : bilinearWeights(a + step / 2 - 0.5);
    const inside = pairs.filter(([k, wk]) => k >= 0 && k < n && wk !== 0);
    if (inside.length === 0) {
      taps.push({ first: 0, weights: new Float64Array(0) });
      continue;
    }
    const first = inside[0][0];
    const weights = new Float64Array(inside[inside.length - 1][0] - first + 1);
    for (const [k, wk] of inside) weights[k - first] = wk;
    taps.push({ first, weights });
  }
  return taps;
}

/** Box filter: source pixel k gets |[k, k+1) ∩ [a, b)| / (b − a). */
function areaWeights(a: number, b: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let k = Math.floor(a); k < b; k++) {
    const overlap = Math.min(b, k + 1) - Math.max(a, k);
    if (overlap > 0) pairs.push([k, overlap / (b - a)]);
  }
  return pairs;
}

/** Linear interpolation at x, where pixel k's centre is at x = k. */
function bilinearWeights(x: number): [number, number][] {
  const k = Math.floor(x);
  const f = x - k;
  return [
    [k, 1 - f],
    [k + 1, f],
  ];
}
