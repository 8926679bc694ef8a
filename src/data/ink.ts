/**
 * From a grey picture to an ink map: 0 where there is paper, up to 1 where
 * there is a full-strength stroke, whatever the paper's shade and whichever
 * of ink and paper is the darker. The steps:
 *  1. the paper level is the median of the border (a ring 2% of the shorter
 *     side wide), its noise σ the border's trimmed spread (noiseDeviation);
 *  2. the ink is the side (darker or lighter than the paper) with more
 *     mass beyond the noise floor max(4σ, 8), unless the caller says which;
 *  3. ink = distance from the paper level, divided by the stroke-core level
 *     (inkLevel) and capped at 1; under 24 grey levels (or 6σ) of contrast
 *     there is no digit;
 *  4. faint values (under 4σ, and at least 5% of the core level) are cut
 *     with a soft threshold, (u − t)/(1 − t), that keeps edges anti-aliased;
 *  5. specks (8-connected blobs with under 5% of the largest blob's ink)
 *     are removed, so dust and JPEG noise cannot stretch the bounding box.
 * It assumes evenly lit paper: a photo with a strong shadow or gradient may
 * need cropping first. Pure arithmetic, browser-safe.
 */
import { DigitNetError } from '../errors.js';

/** Which way round the picture is: dark ink on light paper, light on dark, or decide from the picture. */
export type InkPolarity = 'auto' | 'dark' | 'light';

/** The smallest ink-to-paper contrast taken as a digit, in grey levels (of 255). */
export const MIN_CONTRAST = 24;
const MIN_NOISE_FLOOR = 8;
const MIN_THRESHOLD = 0.05;
const SPECK_FRACTION = 0.05;

/** The w×h ink map of `grey` (0..255 per pixel); throws a DigitNetError naming `name` if there is no ink. */
export function inkMap(grey: ArrayLike<number>, w: number, h: number, polarity: InkPolarity = 'auto', name = 'image'): Float32Array {
  const border = borderValues(grey, w, h);
  const paper = median(border);
  const sigma = noiseDeviation(border, paper);
  const floor = Math.max(4 * sigma, MIN_NOISE_FLOOR);

  let darkMass = 0;
  let lightMass = 0;
  for (let p = 0; p < w * h; p++) {
    const d = grey[p] - paper;
    if (d > floor) lightMass += d - floor;
    else if (-d > floor) darkMass += -d - floor;
  }
  const dark = polarity === 'auto' ? darkMass > lightMass : polarity === 'dark';
  const sign = dark ? -1 : 1;

  const ink = new Float32Array(w * h);
  const inked = new Float32Array(w * h);
  let count = 0;
  for (let p = 0; p < w * h; p++) {
    const d = Math.max(0, sign * (grey[p] - paper));
    ink[p] = d;
    if (d > floor) inked[count++] = d;
  }
  const level = inkLevel(inked.subarray(0, count), w * h, floor);
  if (level < Math.max(MIN_CONTRAST, 6 * sigma)) {
    const marks = polarity === 'auto' ? 'marks' : `${polarity} marks`;
    throw new DigitNetError(`${name}: no digit found (no ${marks} stand out from the background: contrast ${Math.round(level)} of 255)`);
  }

  const t = Math.min(0.5, Math.max(MIN_THRESHOLD, (4 * sigma) / level));
  for (let p = 0; p < w * h; p++) {
    const u = Math.min(1, ink[p] / level);
    ink[p] = u > t ? (u - t) / (1 - t) : 0;
  }
  removeSpecks(ink, w, h);
  return ink;
}

/**
 * The paper's noise as a standard deviation: the RMS distance from the
 * paper level of the border's 95% closest pixels, divided by 0.871 (what
 * that gives for Gaussian noise). Ignoring the farthest 5% lets a digit
 * touch the border; using the RMS, not the median, sees quantised noise
 * (palette images) where most pixels sit on the paper's level and the rest
 * one step away.
 */
function noiseDeviation(border: Float32Array, paper: number): number {
  const deviations = border.map((v) => Math.abs(v - paper)).sort();
  const kept = Math.max(1, Math.floor(0.95 * deviations.length));
  let sum = 0;
  for (let i = 0; i < kept; i++) sum += deviations[i] ** 2;
  return Math.sqrt(sum / kept) / 0.871;
}

/**
 * A stroke core's distance from the paper: the 90th percentile of the
 * pixels that are clearly ink, those beyond the noise floor and at least 30%
 * of the peak (the peak being the 1-in-10,000th largest value, so one hot
 * pixel cannot set it). 0 if nothing is beyond the floor.
 */
function inkLevel(inked: Float32Array, pixels: number, floor: number): number {
  if (inked.length === 0) return 0;
  const sorted = Float32Array.from(inked).sort();
  const peak = sorted[Math.max(0, sorted.length - Math.ceil(pixels * 1e-4))];
  const from = lowerBound(sorted, Math.max(floor, 0.3 * peak));
  return sorted[from + Math.floor(0.9 * (sorted.length - from))];
}

/** The first index of `sorted` whose value is ≥ v. */
function lowerBound(sorted: Float32Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The pixels of the ring of width max(1, 2% of the shorter side) around the edge. */
function borderValues(grey: ArrayLike<number>, w: number, h: number): Float32Array {
  const ring = Math.max(1, Math.round(0.02 * Math.min(w, h)));
  const values: number[] = [];
  for (let y = 0; y < h; y++) {
    const edgeRow = y < ring || y >= h - ring;
    for (let x = 0; x < w; x++) {
      if (edgeRow || x < ring || x >= w - ring) values.push(grey[y * w + x]);
    }
  }
  return Float32Array.from(values);
}

/** Zero every 8-connected blob whose ink sum is under SPECK_FRACTION of the largest blob's. */
function removeSpecks(ink: Float32Array, w: number, h: number): void {
  const label = new Int32Array(w * h).fill(-1);
  const mass: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (ink[start] === 0 || label[start] >= 0) continue;
    const id = mass.length;
    let sum = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      sum += ink[p];
      const x = p % w;
      const y = (p - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (ink[q] !== 0 && label[q] < 0) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
    mass.push(sum);
  }
  let largest = 0;
  for (const m of mass) largest = Math.max(largest, m);
  const keep = SPECK_FRACTION * largest;
  for (let p = 0; p < w * h; p++) {
    if (label[p] >= 0 && mass[label[p]] < keep) ink[p] = 0;
  }
}

function median(values: Float32Array): number {
  return percentile(values, 0.5);
}

/** The q-quantile (0..1) of `values`, by sorting a copy. */
function percentile(values: Float32Array, q: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
