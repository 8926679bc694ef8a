/**
 * Data augmentation: every epoch, each training digit is redrawn with a small
 * random affine distortion (rotation, scale, shear, shift), so the network
 * never sees quite the same picture twice and learns what does not change
 * when a person writes a digit a little differently. Pure and deterministic:
 * the distortions of an epoch depend only on (seed, epoch), so a resumed run
 * sees exactly the pictures an uninterrupted one saw.
 */
import { Random } from '../random.js';
import type { Dataset } from './dataset.js';
import { europeanStyle } from './writing-styles.js';

export interface Distortion {
  /** Largest rotation either way, in degrees. */
  rotate: number;
  /** Largest relative change of size, e.g. 0.1 for 90%–110% (each axis on its own). */
  scale: number;
  /** Largest shear, as a fraction (x moves by shear · y). */
  shear: number;
  /** Largest shift either way, in pixels. */
  shift: number;
  /**
   * People's pens and cameras (0 to 1, default 0): the chance that a digit's
   * strokes are made thicker or thinner (a marker, a fine pen), and, apart,
   * the chance that it is seen at a lower resolution (a small or blurred
   * capture). MNIST's strokes are all of one pen and one scanner.
   */
  pens?: number;
  /**
   * The chance (0 to 1, default 0) that a 1 or a 7 is rewritten the European
   * way (writing-styles.ts): a 1 with a flag and sometimes a foot, a 7 with
   * a bar. For digit data only.
   */
  styles?: number;
}

/** Strengths that keep a digit what it is (measured on MNIST; see README "Better networks"). */
export const DEFAULT_DISTORTION: Distortion = { rotate: 12, scale: 0.12, shear: 0.2, shift: 2.5 };

/** The default distortion times `strength` (0: none, 1: the default). */
export function scaledDistortion(strength: number): Distortion {
  const d = DEFAULT_DISTORTION;
  return { rotate: d.rotate * strength, scale: d.scale * strength, shear: d.shear * strength, shift: d.shift * strength };
}

/**
 * Write into `out` (the size of `ds.images`) a distorted copy of every image
 * of `ds` for this epoch. Images are square (side² = inputSize); the
 * distortion maps the picture about its centre, sampled bilinearly, with
 * black (0) outside it.
 */
export function distortEpoch(ds: Dataset, out: Uint8Array, d: Distortion, seed: number, epoch: number): void {
  const side = Math.round(Math.sqrt(ds.inputSize));
  if (side * side !== ds.inputSize) throw new RangeError(`augmentation needs square images; these have ${ds.inputSize} pixels`);
  // Seeded by (seed, epoch) alone, apart from the run's own generator, which it must not disturb.
  const rng = new Random((seed * 0x9e3779b1 + epoch * 0x85ebca77 + 0x632be5ab) >>> 0);
  const size = ds.inputSize;
  if (out.length !== ds.count * size) throw new RangeError(`expected room for ${ds.count * size} pixels, got ${out.length}`);
  const pens = d.pens ?? 0;
  const styles = d.styles ?? 0;
  for (let n = 0; n < ds.count; n++) {
    const image = out.subarray(n * size, (n + 1) * size);
    let source = ds.images.subarray(n * size, (n + 1) * size);
    // Drawn only when asked for (and only for 1s and 7s), so other runs keep their numbers.
    if (styles > 0 && (ds.labels[n] === 1 || ds.labels[n] === 7) && rng.next() < styles) {
      source = Uint8Array.from(source);
      europeanStyle(source, side, ds.labels[n], rng);
    }
    distortImage(source, image, side, randomMap(rng, d));
    // Drawn only when asked for, so runs without it keep their numbers.
    if (pens > 0) changePen(image, side, rng, pens);
  }
}

/** With chance `pens`, thicker or thinner strokes (half each); then, with chance pens/2, a lower resolution. */
function changePen(image: Uint8Array, side: number, rng: Random, pens: number): void {
  const stroke = rng.next();
  const amount = 0.4 + 0.6 * rng.next();
  if (stroke < pens / 2) morph(image, side, amount, Math.max);
  else if (stroke < pens) morph(image, side, amount, Math.min);
  const blur = rng.next();
  const coarse = 10 + rng.int(7);
  if (blur < pens / 2) {
    lowerResolution(image, side, coarse);
    // The preprocessing scales every picture's brightest ink to 1: so must this.
    let max = 0;
    for (const v of image) max = Math.max(max, v);
    if (max > 0) for (let i = 0; i < image.length; i++) image[i] = Math.round((255 * image[i]) / max);
  }
}

/**
 * Grey dilation (pick = max) or erosion (pick = min) over the pixel and its
 * four neighbours, mixed in by `amount`: strokes about a pixel thicker or
 * thinner.
 */
function morph(image: Uint8Array, side: number, amount: number, pick: (a: number, b: number) => number): void {
  const src = Uint8Array.from(image);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= side || y >= side ? 0 : src[y * side + x]);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = src[y * side + x];
      const m = pick(pick(pick(pick(v, at(x - 1, y)), at(x + 1, y)), at(x, y - 1)), at(x, y + 1));
      image[y * side + x] = Math.round(v + amount * (m - v));
    }
  }
}

/** The image box-filtered down to coarse×coarse and back up bilinearly: what a small capture keeps of it. */
function lowerResolution(image: Uint8Array, side: number, coarse: number): void {
  const small = new Float64Array(coarse * coarse);
  const f = side / coarse;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) small[Math.floor(y / f) * coarse + Math.floor(x / f)] += image[y * side + x];
  }
  const area = new Float64Array(coarse * coarse);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) area[Math.floor(y / f) * coarse + Math.floor(x / f)]++;
  for (let i = 0; i < small.length; i++) small[i] /= area[i];
  for (let y = 0; y < side; y++) {
    const sy = Math.min(coarse - 1, Math.max(0, (y + 0.5) / f - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(coarse - 1, y0 + 1);
    for (let x = 0; x < side; x++) {
      const sx = Math.min(coarse - 1, Math.max(0, (x + 0.5) / f - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(coarse - 1, x0 + 1);
      const top = small[y0 * coarse + x0] + (small[y0 * coarse + x1] - small[y0 * coarse + x0]) * (sx - x0);
      const bottom = small[y1 * coarse + x0] + (small[y1 * coarse + x1] - small[y1 * coarse + x0]) * (sx - x0);
      image[y * side + x] = Math.round(top + (bottom - top) * (sy - y0));
    }
  }
}

/** An affine map from output pixel to source pixel, about the image centre: src = M (p − c) + c + t. */
interface AffineMap {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

function randomMap(rng: Random, d: Distortion): AffineMap {
  const uniform = (max: number) => (2 * rng.next() - 1) * max;
  const angle = (uniform(d.rotate) * Math.PI) / 180;
  // The inverse map is drawn directly: sampling the source at M(p − c) is the forward map M⁻¹.
  const sx = 1 / (1 + uniform(d.scale));
  const sy = 1 / (1 + uniform(d.scale));
  const shear = uniform(d.shear);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // M = R · Shear · S
  return {
    a: cos * sx,
    b: (cos * shear - sin) * sy,
    c: sin * sx,
    d: (sin * shear + cos) * sy,
    tx: uniform(d.shift),
    ty: uniform(d.shift),
  };
}

/** Bilinear sampling of `src` at M(p − c) + c + t for every output pixel p; 0 outside the picture. */
function distortImage(src: Uint8Array, dst: Uint8Array, side: number, m: AffineMap): void {
  const centre = (side - 1) / 2;
  const pixel = (i: number, j: number) => (i < 0 || j < 0 || i >= side || j >= side ? 0 : src[j * side + i]);
  for (let y = 0; y < side; y++) {
    // The source point moves by (a, c) per output pixel along a row.
    let sx = m.a * -centre + m.b * (y - centre) + centre + m.tx;
    let sy = m.c * -centre + m.d * (y - centre) + centre + m.ty;
    for (let x = 0; x < side; x++, sx += m.a, sy += m.c) {
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      let v = 0;
      if (x0 >= 0 && y0 >= 0 && x0 < side - 1 && y0 < side - 1) {
        const fx = sx - x0;
        const fy = sy - y0;
        const k = y0 * side + x0;
        const top = src[k] + (src[k + 1] - src[k]) * fx;
        const bottom = src[k + side] + (src[k + side + 1] - src[k + side]) * fx;
        v = top + (bottom - top) * fy;
      } else if (x0 >= -1 && y0 >= -1 && x0 < side && y0 < side) {
        // On the border: the missing neighbours are black.
        const fx = sx - x0;
        const fy = sy - y0;
        const top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx;
        const bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx;
        v = top * (1 - fy) + bottom * fy;
      }
      dst[y * side + x] = Math.round(v);
    }
  }
}
