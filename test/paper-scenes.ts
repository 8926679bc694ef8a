/**
 * Photographs as people take them, drawn for the tests: an MNIST test digit,
 * enlarged with bilinear interpolation, written on paper under uneven light
 * (a gradient, a soft shadow, a vignette), on ruled or squared paper, with
 * dust and the page's edge in view. The picture is light × reflectance, as
 * a camera sees it, so the ink is dimmer where the paper is. Deterministic.
 */
import type { RasterImage } from '../src/data/raster.js';
import { Random } from '../src/random.js';

export const SCENES = ['even', 'gradient', 'shadow', 'vignette', 'ruled', 'squared', 'clutter'] as const;
export type Scene = (typeof SCENES)[number];

/** A w×h RGBA picture of `digit` (784 bytes, MNIST layout) under `scene`; the digit k× enlarged at (left, top). */
export function paperScene(digit: Uint8Array, scene: Scene, seed: number, w = 480, h = 360, k = 6, left = 150, top = 90): RasterImage {
  const rng = new Random(seed);
  const light = lightOf(scene, w, h, rng);
  const paper = paperOf(scene);
  return photograph(w, h, rng, light, (x, y) => paper(x, y) * (1 - 0.85 * coverage(digit, (x - left) / k, (y - top) / k)));
}

/** A w×h grey RGBA picture as a camera takes it: light × reflectance at each pixel, plus noise of σ 3 drawn from `rng`. */
function photograph(w: number, h: number, rng: Random, light: (x: number, y: number) => number, reflectance: (x: number, y: number) => number): RasterImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.max(0, Math.min(255, Math.round(light(x, y) * reflectance(x, y) + 3 * rng.gaussian())));
      data.set([v, v, v, 255], 4 * (y * w + x));
    }
  }
  return { width: w, height: h, data };
}

/**
 * A bold digit (strokes about two enlarged pixels thicker) at the rim of a deep, soft shadow that
 * covers most of the page, as a hand or a phone held over it casts, the corners left bright: more
 * of the picture is brighter than the paper around the digit than darker. `depth` 0 is the same
 * page evenly lit.
 */
export function rimShadowScene(digit: Uint8Array, seed: number, depth = 90, w = 310, h = 320, k = 6, left = 140, top = 80): RasterImage {
  const light = (x: number, y: number): number => {
    const t = Math.min(1, Math.max(0, (Math.hypot((x - 110) / 120, (y - 160) / 150) - 0.85) / 0.3));
    return 235 - depth * (1 - t * t * (3 - 2 * t));
  };
  const bold = (x: number, y: number): number => {
    let m = 0;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) m = Math.max(m, coverage(digit, (x - left + (dx * k) / 2) / k, (y - top + (dy * k) / 2) / k));
    return m;
  };
  return photograph(w, h, new Random(seed), light, (x, y) => 1 - 0.85 * bold(x, y));
}

/** Light reaching pixel (x, y), 0..255. */
function lightOf(scene: Scene, w: number, h: number, rng: Random): (x: number, y: number) => number {
  switch (scene) {
    case 'gradient': // 110 grey levels from one side to the other
      return (x) => 225 - (110 * x) / (w - 1);
    case 'shadow': {
      // A soft-edged shadow over the left part of the page, the digit half in it.
      const edge = w * (0.4 + 0.1 * rng.next());
      return (x) => 230 - 110 / (1 + Math.exp((x - edge) / 12));
    }
    case 'vignette':
      return (x, y) => 235 - 110 * ((x - w / 2) ** 2 + (y - h / 2) ** 2) / ((w / 2) ** 2 + (h / 2) ** 2);
    default:
      return () => 225;
  }
}

/** The paper's reflectance at (x, y), 0..1: ruled or squared lines, dust, the table beyond the page's edge. */
function paperOf(scene: Scene): (x: number, y: number) => number {
  switch (scene) {
    case 'ruled':
      return (x, y) => (y % 32 < 2 ? 0.7 : x >= 40 && x < 42 ? 0.75 : 1);
    case 'squared':
      return (x, y) => (y % 24 < 1 || x % 24 < 1 ? 0.72 : 1);
    case 'clutter':
      return (x, y) => {
        if (x < 28) return 0.25; // the dark table beyond the page
        const speck = (x * 7919 + y * 104729) % 4099 === 0;
        return speck ? 0.3 : 1;
      };
    default:
      return () => 1;
  }
}

/** The digit's ink coverage at fractional MNIST pixel (u, v), bilinear between pixel centres, 0 outside. */
function coverage(digit: Uint8Array, u: number, v: number): number {
  const at = (x: number, y: number): number => (x >= 0 && x < 28 && y >= 0 && y < 28 ? digit[y * 28 + x] / 255 : 0);
  const x0 = Math.floor(u - 0.5);
  const y0 = Math.floor(v - 0.5);
  const fx = u - 0.5 - x0;
  const fy = v - 0.5 - y0;
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}
