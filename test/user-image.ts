/**
 * "User" pictures made from MNIST test digits, to test preprocessing
 * without downloading anything: the digit is enlarged 5× with smooth
 * (bilinear) interpolation, drawn as dark ink on grey paper (or as strokes
 * on a transparent canvas), placed off-centre on a larger canvas, given a
 * little noise, and encoded as a real file with the same libraries the
 * decoder uses (pngjs, jpeg-js) or by hand (palette PNG). Deterministic for
 * a given seed. Independent of src/data: its own interpolation and noise.
 */
import jpeg from 'jpeg-js';
import { PNG, type ColorType } from 'pngjs';
import { Random } from '../src/random.js';
import { palettePng } from './png-bytes.js';

export const USER_VARIANTS = [
  'grey', // 8-bit grey PNG, dark ink on grey paper
  'rgb', // RGB PNG, blue pen on tinted paper
  'jpeg', // the same as a JPEG, quality 85
  'grey16', // 16-bit grey PNG
  'palette', // 16-colour palette PNG
  'grey-alpha', // grey+alpha PNG: opaque paper with transparent rounded corners
  'dark-on-transparent', // RGBA PNG: black strokes on a transparent canvas, no paper
  'light-on-transparent', // RGBA PNG: white strokes on a transparent canvas
] as const;
export type UserVariant = (typeof USER_VARIANTS)[number];

const ENLARGE = 5;
const SIDE = 28 * ENLARGE;

/** A canvas with the digit placed on it, and the paper and ink a variant draws it with. */
interface Canvas {
  width: number;
  height: number;
  /** The ink coverage 0..1 at canvas pixel (x, y). */
  m: (x: number, y: number) => number;
  paper: number;
  inkLevel: number;
  /** A little camera noise, drawn anew at each call. */
  noise: () => number;
}

/** The encoded file for MNIST digit `digit` (784 bytes, white on black) drawn as `variant`. */
export function userImage(digit: Uint8Array, variant: UserVariant, seed: number): Uint8Array {
  const canvas = placeDigit(digit, new Random(seed));
  switch (variant) {
    case 'grey':
    case 'grey16':
    case 'palette':
      return greyFile(canvas, variant);
    case 'rgb':
    case 'jpeg':
      return colourFile(canvas, variant);
    case 'grey-alpha':
      return roundedCornersFile(canvas);
    case 'dark-on-transparent':
    case 'light-on-transparent':
      return strokesFile(canvas, variant === 'dark-on-transparent' ? 0 : 255);
  }
}

function placeDigit(digit: Uint8Array, rng: Random): Canvas {
  const width = SIDE + 20 + rng.int(120);
  const height = SIDE + 20 + rng.int(120);
  const left = 10 + rng.int(width - SIDE - 19);
  const top = 10 + rng.int(height - SIDE - 19);
  const big = enlarge(digit);
  const m = (x: number, y: number): number => {
    const bx = x - left;
    const by = y - top;
    return bx >= 0 && bx < SIDE && by >= 0 && by < SIDE ? big[by * SIDE + bx] : 0;
  };
  const paper = 150 + rng.int(80);
  const inkLevel = rng.int(60);
  return { width, height, m, paper, inkLevel, noise: () => 4 * rng.gaussian() };
}

/** Dark ink on grey paper: 8-bit or 16-bit grey, or a 16-colour palette. */
function greyFile({ width, height, m, paper, inkLevel, noise }: Canvas, variant: 'grey' | 'grey16' | 'palette'): Uint8Array {
  const n = width * height;
  const grey = new Float64Array(n);
  for (let p = 0; p < n; p++) grey[p] = clamp(paper + (inkLevel - paper) * m(p % width, Math.floor(p / width)) + noise(), 255);
  if (variant === 'grey') return png(width, height, 0, 8, Uint8Array.from(grey, Math.round));
  if (variant === 'grey16') return png(width, height, 0, 16, Uint16Array.from(grey, (v) => Math.round(v * 257)));
  const levels = 16;
  const palette = new Uint8Array(3 * levels);
  for (let i = 0; i < levels; i++) palette.fill(Math.round((255 * i) / (levels - 1)), 3 * i, 3 * i + 3);
  return palettePng(width, height, Uint8Array.from(grey, (v) => Math.round((v * (levels - 1)) / 255)), palette);
}

/** A blue pen on tinted paper, as an RGB PNG or a JPEG of quality 85. */
function colourFile({ width, height, m, paper, inkLevel, noise }: Canvas, variant: 'rgb' | 'jpeg'): Uint8Array {
  const n = width * height;
  const paperRgb = [paper, paper - 6, paper - 18];
  const penRgb = [inkLevel, inkLevel + 10, inkLevel + 70];
  const rgba = new Uint8Array(4 * n);
  for (let p = 0; p < n; p++) {
    const c = m(p % width, Math.floor(p / width));
    for (let k = 0; k < 3; k++) rgba[4 * p + k] = clamp(Math.round(paperRgb[k] + (penRgb[k] - paperRgb[k]) * c + noise()), 255);
    rgba[4 * p + 3] = 255;
  }
  if (variant === 'jpeg') return jpeg.encode({ width, height, data: rgba }, 85).data;
  const rgb = new Uint8Array(3 * n);
  for (let p = 0; p < n; p++) rgb.set(rgba.subarray(4 * p, 4 * p + 3), 3 * p);
  return png(width, height, 2, 8, rgb);
}

/** Grey+alpha: opaque paper with transparent rounded corners. */
function roundedCornersFile({ width, height, m, paper, inkLevel, noise }: Canvas): Uint8Array {
  const n = width * height;
  const ga = new Uint8Array(2 * n);
  const radius = 15;
  for (let p = 0; p < n; p++) {
    const x = p % width;
    const y = Math.floor(p / width);
    ga[2 * p] = clamp(Math.round(paper + (inkLevel - paper) * m(x, y) + noise()), 255);
    const dx = Math.max(0, radius - x, x - (width - 1 - radius));
    const dy = Math.max(0, radius - y, y - (height - 1 - radius));
    ga[2 * p + 1] = Math.hypot(dx, dy) > radius ? 0 : 255;
  }
  return png(width, height, 4, 8, ga);
}

/** Strokes of one colour on a transparent canvas, no paper: the ink is in the alpha channel. */
function strokesFile({ width, height, m }: Canvas, colour: number): Uint8Array {
  const n = width * height;
  const rgba = new Uint8Array(4 * n);
  for (let p = 0; p < n; p++) {
    rgba.fill(colour, 4 * p, 4 * p + 3);
    rgba[4 * p + 3] = Math.round(255 * m(p % width, Math.floor(p / width)));
  }
  return png(width, height, 6, 8, rgba);
}

/** The 28×28 digit as 140×140 coverage in [0, 1], bilinear between pixel centres, 0 outside. */
function enlarge(digit: Uint8Array): Float64Array {
  const at = (x: number, y: number): number => (x >= 0 && x < 28 && y >= 0 && y < 28 ? digit[y * 28 + x] / 255 : 0);
  const big = new Float64Array(SIDE * SIDE);
  for (let Y = 0; Y < SIDE; Y++) {
    const sy = (Y + 0.5) / ENLARGE - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let X = 0; X < SIDE; X++) {
      const sx = (X + 0.5) / ENLARGE - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      big[Y * SIDE + X] =
        (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
  return big;
}

/** A PNG via pngjs, the data already in the output layout (8-bit bytes, or 16-bit samples). */
function png(width: number, height: number, colorType: ColorType, bitDepth: 8 | 16, data: Uint8Array | Uint16Array): Uint8Array {
  const image = new PNG({ width, height });
  image.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const options = { colorType, inputColorType: colorType, inputHasAlpha: colorType === 4 || colorType === 6, bitDepth, filterType: 0, deflateLevel: 1 };
  return PNG.sync.write(image, options);
}

function clamp(v: number, max: number): number {
  return Math.min(max, Math.max(0, v));
}
