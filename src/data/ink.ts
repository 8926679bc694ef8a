/**
 * From a grey picture to an ink map: 0 where there is paper, up to 1 where
 * there is a full-strength stroke, whatever the paper's shade, the light on
 * it, and whichever of ink and paper is the darker. The steps:
 *  1. the paper under the ink (background.ts): a closing of the picture for
 *     dark ink, an opening for light ink, over a window a twelfth of the
 *     shorter side, so a gradient, a shadow or a vignette is part of the
 *     paper; dark ink is measured relative to the paper's brightness (a
 *     shadow dims paper and ink alike). Pictures under 48 pixels a side use
 *     one paper level, the median of their border;
 *  2. the noise σ is the spread of the paper side of the contrast;
 *  3. the ink is the side (darker or lighter than the paper) with more
 *     mass beyond the noise floor max(4σ, 8), unless the caller says which;
 *     when that side holds no digit (step 4), the other side is read;
 *  4. ink = contrast divided by the stroke-core level (inkLevel) and capped
 *     at 1; under 24 grey levels (or 6σ) of contrast there is no digit;
 *  5. faint values (under 4σ, and at least 5% of the core level, 12% in photos) are cut
 *     with a soft threshold, (u − t)/(1 − t), that keeps edges anti-aliased;
 *  6. the paper's own marks go: ruled or squared lines (thin bands across
 *     the whole picture), the page's edge (a blob lying along a side), and
 *     faint marks at a side that never get as dark as the writing;
 *  7. specks (8-connected blobs with under 5% of the largest blob's ink)
 *     are removed, so dust and JPEG noise cannot stretch the bounding box.
 * Pure arithmetic, browser-safe.
 */
import { DigitNetError } from '../errors.js';
import { background, paperLevel } from './background.js';
import { labelComponents, type PixelBox } from './components.js';
import { pageEdges, removeRuledLines } from './paper-marks.js';

/** Which way round the picture is: dark ink on light paper, light on dark, or decide from the picture. */
export type InkPolarity = 'auto' | 'dark' | 'light';

/** The smallest ink-to-paper contrast taken as a digit, in grey levels (of 255). */
export const MIN_CONTRAST = 24;
const MIN_NOISE_FLOOR = 8;
/** A noise floor above this (grey levels) is the ink's spread, not the paper's noise (see largeScaleSides). */
const MAX_NOISE_FLOOR = 64;
/** The faintest ink kept, as a share of the stroke core: small pictures are clean; photos have JPEG and palette steps. */
const MIN_THRESHOLD = 0.05;
const MIN_THRESHOLD_PHOTO = 0.12;
const SPECK_FRACTION = 0.05;
/** A mark at a side of the picture whose darkest pixel stays under this share of the darkest mark's is paper, not ink. */
const FAINT_SIDE = 0.6;
/** The smallest mark that can be (part of) a digit, as a fraction of the picture's shorter side. */
const MIN_MARK_FRACTION = 0.02;
/** The smallest digit, as a fraction of the picture's shorter side: its largest mark spans at least this much. */
const MIN_DIGIT_FRACTION = 0.05;
/** Below this side the picture is taken as evenly lit: there is no room for a window wider than a stroke. */
const MIN_SIDE_FOR_LIGHTING = 48;
/** The background window's radius as a fraction of the shorter side: wider than any stroke of a digit that fills the picture. */
const WINDOW_FRACTION = 1 / 12;
/** Paper darker than this is not used to scale dark ink (its relative contrast would be noise). */
const MIN_PAPER_FOR_RATIO = 110;
/** Light that varies less than this across the page (grey levels) is even: one paper level will do. */
const EVEN_LIGHT = 16;

/** One reading of the picture: the contrast of every pixel against the paper, for ink of one polarity. */
interface Contrast {
  /** ≥ 0 where the pixel is inkier than the paper; the paper itself about 0. */
  values: Float32Array;
  sigma: number;
  floor: number;
  mass: number;
  minThreshold: number;
  /** Whether the ink is the darker side. */
  dark: boolean;
}

/** A reading with its stroke-core level: the contrast a full-strength stroke has. */
interface Found extends Contrast {
  level: number;
}

/**
 * The w×h ink map of `grey` (0..255 per pixel); throws a DigitNetError
 * naming `name` if there is no ink. A `drawing` (a clean canvas) is read as
 * an evenly lit picture is, without looking for uneven light or ruled lines.
 */
export function inkMap(grey: ArrayLike<number>, w: number, h: number, polarity: InkPolarity = 'auto', name = 'image', drawing = false): Float32Array {
  let found = reading(grey, w, h, polarity, drawing);
  // "auto" takes the side with more mass, and a shadow's bright surround can outweigh a bold dark
  // digit: when that side holds no digit, the other side is read before the picture is refused.
  if (!standsOut(found) && polarity === 'auto') {
    const other = reading(grey, w, h, found.dark ? 'light' : 'dark', drawing);
    if (standsOut(other)) found = other;
  }
  const { values, sigma, level, minThreshold } = found;
  if (!standsOut(found)) {
    const marks = polarity === 'auto' ? 'marks' : `${polarity} marks`;
    // Strong marks refused for the picture's own noise say so: "contrast 255 of 255" alone reads as a contradiction.
    const noise = level >= MIN_CONTRAST ? `, no more than 6 times the background's noise of ±${Math.round(sigma)}` : '';
    throw new DigitNetError(`${name}: no digit found (no ${marks} stand out from the background: contrast ${Math.round(level)} of 255${noise})`);
  }

  const ink = new Float32Array(w * h);
  const t = Math.min(0.5, Math.max(minThreshold, (4 * sigma) / level));
  for (let p = 0; p < w * h; p++) {
    const u = Math.min(1, Math.max(0, values[p]) / level);
    ink[p] = u > t ? (u - t) / (1 - t) : 0;
  }
  if (!drawing) removeRuledLines(ink, w, h);
  removeStrayMarks(ink, w, h);
  return ink;
}

/** The picture read for ink of `polarity` (for "auto", the side with more mass), with its stroke-core level. */
function reading(grey: ArrayLike<number>, w: number, h: number, polarity: InkPolarity, drawing: boolean): Found {
  const small = Math.min(w, h) < MIN_SIDE_FOR_LIGHTING;
  const contrast = small ? evenlyLit(grey, w, h, polarity, false) : drawing ? evenlyLit(grey, w, h, polarity, true) : unevenlyLit(grey, w, h, polarity);
  const inked = new Float32Array(w * h);
  let count = 0;
  for (const v of contrast.values) if (v > contrast.floor) inked[count++] = v;
  return { ...contrast, level: inkLevel(inked.subarray(0, count), w * h, contrast.floor) };
}

/** Whether the strokes stand out: 24 grey levels of contrast at least, and 6 times the noise. */
function standsOut(found: Found): boolean {
  return found.level >= Math.max(MIN_CONTRAST, 6 * found.sigma);
}

/**
 * Even light: one paper level, the median of the border. A small picture
 * (a drawing, an MNIST digit) takes its noise from the border's spread; a
 * photo from the 80% of its pixels nearest the paper, so that ruled lines
 * crossing the border do not pass for noise, and cuts faint ink as photos
 * do (JPEG and palette steps). The ink is the side with more mass beyond
 * the noise.
 */
function evenlyLit(grey: ArrayLike<number>, w: number, h: number, polarity: InkPolarity, photo: boolean): Contrast {
  const border = borderValues(grey, w, h);
  const paper = median(border);
  const readings = (polarity === 'auto' ? [true, false] : [polarity === 'dark']).map((dark) => {
    const sign = dark ? -1 : 1;
    const values = new Float32Array(w * h);
    for (let p = 0; p < w * h; p++) values[p] = sign * (grey[p] - paper);
    return photo ? measured(values, paperDeviation(values), MIN_THRESHOLD_PHOTO, dark) : measured(values, noiseDeviation(border, paper), MIN_THRESHOLD, dark);
  });
  return readings.reduce((a, b) => (b.mass > a.mass ? b : a));
}

/**
 * A picture big enough for the light to vary across it: the paper is the
 * upper envelope under dark ink and the lower one under light ink. Which?
 * Near any mark the two envelopes part, and there the paper is what most
 * pixels are close to: around a stroke lies more paper than stroke.
 */
function unevenlyLit(grey: ArrayLike<number>, w: number, h: number, polarity: InkPolarity): Contrast {
  const paper = paperLevel(grey, w, h, Math.max(3, Math.round(Math.min(w, h) / 4)));
  if (evenLight(paper)) return evenlyLit(grey, w, h, polarity, true);
  const sides = largeScaleSides(grey, paper);
  const dark = polarity === 'auto' ? sides.darkMass >= sides.lightMass : polarity === 'dark';
  const sign = dark ? -1 : 1;
  const marked = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) marked[p] = sign * (grey[p] - paper[p]) > sides.floor ? 1 : 0;
  // The window must be wider than the boldest stroke, or the background would fill the stroke in.
  const radius = Math.min(Math.round(Math.min(w, h) / 3), Math.max(3, Math.round(WINDOW_FRACTION * Math.min(w, h)), strokeWidth(marked, w, h)));
  const envelope = background(grey, w, h, radius, dark ? 'upper' : 'lower');
  const values = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) {
    // Ink stands out from the paper at the large scale too: the paper between strokes is no mark of the other polarity.
    if (!marked[p]) continue;
    // Dark ink in a shadow is as dim as the paper around it: compare it with the paper's brightness.
    values[p] = dark ? (255 * (envelope[p] - grey[p])) / Math.max(MIN_PAPER_FOR_RATIO, envelope[p]) : grey[p] - envelope[p];
  }
  const level = sampleMedian(values);
  for (let p = 0; p < w * h; p++) values[p] -= level;
  return measured(values, paperDeviation(values), MIN_THRESHOLD_PHOTO, dark);
}

/**
 * Whether the light is even: the large-scale paper level varies by under
 * EVEN_LIGHT grey levels between its 2nd and 98th percentiles. Evenly lit
 * pictures keep the one-level reading, which no stroke can confuse.
 */
function evenLight(paper: Float32Array): boolean {
  const step = Math.max(1, Math.floor(paper.length / 4096));
  const sample: number[] = [];
  for (let i = 0; i < paper.length; i += step) sample.push(paper[i]);
  sample.sort((a, b) => a - b);
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * sample.length))];
  return at(0.98) - at(0.02) < EVEN_LIGHT;
}

/**
 * The width of the boldest strokes among the marked pixels: each pixel's
 * shorter run (across or down) through the marks, the 90th percentile.
 */
function strokeWidth(marked: Uint8Array, w: number, h: number): number {
  const across = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; ) {
      if (!marked[y * w + x]) {
        x++;
        continue;
      }
      let end = x;
      while (end < w && marked[y * w + end]) end++;
      across.fill(Math.min(65535, end - x), y * w + x, y * w + end);
      x = end;
    }
  }
  // A histogram of widths: there may be a million marked pixels.
  const counts = new Uint32Array(Math.max(w, h) + 1);
  let total = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; ) {
      if (!marked[y * w + x]) {
        y++;
        continue;
      }
      let end = y;
      while (end < h && marked[end * w + x]) end++;
      for (let k = y; k < end; k++) counts[Math.min(across[k * w + x], end - y)]++;
      total += end - y;
      y = end;
    }
  }
  let seen = 0;
  for (let width = 0; width < counts.length; width++) {
    seen += counts[width];
    if (seen > 0.9 * total) return width;
  }
  return 0;
}

/**
 * The marks on either side of the paper's level at a scale larger than the
 * digit (`paper`: the median over a quarter of the picture): the mass beyond
 * the noise floor darker and lighter than it. The ink is on the side with
 * more mass.
 */
function largeScaleSides(grey: ArrayLike<number>, paper: Float32Array): { darkMass: number; lightMass: number; floor: number } {
  const deviation = new Float32Array(paper.length);
  const size = new Float32Array(paper.length);
  for (let p = 0; p < paper.length; p++) {
    deviation[p] = grey[p] - paper[p];
    size[p] = Math.abs(deviation[p]);
  }
  let floor = Math.max((4 * sampleMedian(size)) / 0.6745, MIN_NOISE_FLOOR);
  // Bold digits may cover half the picture, and where they fill the window the large-scale
  // level is theirs: the median deviation is then the ink's, and the floor rose above 255 and
  // lost every digit. Past a plausible noise floor, the noise is taken from the quarter of
  // pixels nearest the paper instead.
  if (floor > MAX_NOISE_FLOOR) floor = Math.max((4 * sampleQuantile(size, 0.25)) / 0.3186, MIN_NOISE_FLOOR);
  let darkMass = 0;
  let lightMass = 0;
  for (const d of deviation) {
    if (d > floor) lightMass += d - floor;
    else if (-d > floor) darkMass += -d - floor;
  }
  return { darkMass, lightMass, floor };
}

function measured(values: Float32Array, sigma: number, minThreshold: number, dark: boolean): Contrast {
  const floor = Math.max(4 * sigma, MIN_NOISE_FLOOR);
  let mass = 0;
  for (const v of values) if (v > floor) mass += v - floor;
  return { values, sigma, floor, mass, minThreshold, dark };
}

/**
 * The noise of contrast values centred on the paper (0): the RMS of those on
 * the paper's side (≤ 0), where no ink is, however much ink there is (a
 * number of bold digits may cover a third of the picture). For Gaussian
 * noise that is σ; quantised noise (a palette) shows as the steps.
 */
function paperDeviation(values: Float32Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v <= 0) {
      sum += v * v;
      n++;
    }
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

/** The median of at most 16,384 evenly spaced values: plenty for a level, cheap for 10⁶ pixels. */
function sampleMedian(values: Float32Array): number {
  return sampleQuantile(values, 0.5);
}

/** The q-quantile of at most 16,384 evenly spaced values. */
function sampleQuantile(values: Float32Array, q: number): number {
  const step = Math.max(1, Math.floor(values.length / 16384));
  const sample = new Float32Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step) sample[k++] = values[i];
  return percentile(sample, q);
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
  // A photo's stroke may hold 10⁵ pixels: an evenly spaced sample of 2¹⁶ tells the same levels.
  const step = Math.max(1, Math.floor(inked.length / 65536));
  const sorted = new Float32Array(Math.ceil(inked.length / step));
  for (let i = 0, k = 0; i < inked.length; i += step) sorted[k++] = inked[i];
  sorted.sort();
  const peak = sorted[Math.max(0, sorted.length - Math.ceil((pixels * 1e-4 * sorted.length) / inked.length))];
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

/**
 * Zero the page's edge (paper-marks.ts), and every 8-connected blob whose
 * ink sum is under SPECK_FRACTION of the largest blob's or whose longer side
 * is under MIN_MARK_FRACTION of the picture's shorter side (at least 3
 * pixels): dust, however alone it is, is no digit. When no mark spans 5% of the shorter side, all go: a page of
 * dust holds no digit.
 */
function removeStrayMarks(ink: Float32Array, w: number, h: number): void {
  const { label, count, mass, peak, boxes } = labelComponents(ink, w, h);
  const edges = pageEdges(label, count, w, h);
  const minSide = Math.max(3, MIN_MARK_FRACTION * Math.min(w, h));
  const extent = (c: number) => Math.max(boxes[c].width, boxes[c].height);
  let largest = 0;
  let widest = 0;
  for (let c = 0; c < count; c++) {
    if (edges[c]) continue;
    largest = Math.max(largest, mass[c]);
    widest = Math.max(widest, extent(c));
  }
  // A page of dust alone holds no digit: some mark must be of a digit's size.
  const blank = widest < Math.max(3, MIN_DIGIT_FRACTION * Math.min(w, h));
  const faint = faintSideMarks(peak, boxes, w, h);
  const drop = Uint8Array.from(mass, (m, c) => Number(edges[c] || faint[c] || blank || m < SPECK_FRACTION * largest || extent(c) < minSide));
  for (let p = 0; p < w * h; p++) {
    if (label[p] >= 0 && drop[label[p]]) ink[p] = 0;
  }
}

/**
 * Marks at a side of the picture that never get dark where other marks do:
 * what is left of a page's edge or a shadow beside a digit (the rest of it
 * falls under the light model's paper). Writing is as dark as the darkest
 * writing near it; a strip of table is not.
 */
function faintSideMarks(peak: Float64Array, boxes: PixelBox[], w: number, h: number): Uint8Array {
  const darkest = peak.reduce((a, b) => Math.max(a, b), 0);
  const atSide = (b: PixelBox) => b.x === 0 || b.y === 0 || b.x + b.width === w || b.y + b.height === h;
  return Uint8Array.from(peak, (v, c) => Number(v < FAINT_SIDE * darkest && atSide(boxes[c])));
}

function median(values: Float32Array): number {
  return percentile(values, 0.5);
}

/** The q-quantile (0..1) of `values`, by sorting a copy. */
function percentile(values: Float32Array, q: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
