/**
 * Ink maps of numbers made from digit bitmaps, to test reading numbers
 * without photographing any: each digit (an MNIST digit enlarged with
 * bilinear interpolation, or strokes drawn with a round pen) is cropped to
 * its ink and placed left to right with chosen gaps between the ink's
 * bounding boxes (0: the boxes touch; negative: they overlap) and chosen
 * vertical offsets. Overlapping ink takes the larger value, as two pen
 * strokes would. MNIST values under 0.05 are cut with ink.ts's soft
 * threshold, so the maps look like the image pipeline's. For example
 *   composeNumber([mnistBitmap(a, 3), mnistBitmap(b, 3)], { gaps: [0], offsets: [0, 4] })
 * is a two-digit number whose boxes touch, the second digit 4 pixels lower;
 * it comes with where each digit went (boxes) and which digit inked each
 * pixel (owner). Independent of src/data: its own interpolation.
 */
import type { InkBox } from '../src/data/segment.js';

/** A digit's picture: width × height ink values in [0, 1], row-major. */
export interface DigitBitmap {
  pixels: Float32Array;
  width: number;
  height: number;
}

/** The faint level cut, as ink.ts's smallest soft threshold. */
const FAINT = 0.05;

/**
 * A 28×28 MNIST digit (bytes, white on black) cropped to its ink and
 * enlarged `scale` times with bilinear interpolation between pixel centres,
 * then cropped again to the ink left after the soft threshold.
 */
export function mnistBitmap(digit: ArrayLike<number>, scale: number): DigitBitmap {
  const box = inkBox(digit, 28, 28, 0);
  const width = Math.max(1, Math.round(box.width * scale));
  const height = Math.max(1, Math.round(box.height * scale));
  const at = (x: number, y: number): number => (x >= 0 && x < box.width && y >= 0 && y < box.height ? digit[(box.y + y) * 28 + box.x + x] / 255 : 0);
  const pixels = new Float32Array(width * height);
  for (let j = 0; j < height; j++) {
    const sy = (j + 0.5) / scale - 0.5;
    const y = Math.floor(sy);
    const fy = sy - y;
    for (let i = 0; i < width; i++) {
      const sx = (i + 0.5) / scale - 0.5;
      const x = Math.floor(sx);
      const fx = sx - x;
      const v = (1 - fy) * ((1 - fx) * at(x, y) + fx * at(x + 1, y)) + fy * ((1 - fx) * at(x, y + 1) + fx * at(x + 1, y + 1));
      pixels[j * width + i] = v > FAINT ? (v - FAINT) / (1 - FAINT) : 0;
    }
  }
  return cropBitmap({ pixels, width, height });
}

/**
 * A digit drawn with a round pen of `pen` pixels along polylines whose
 * points are in [0, 1] × [0, 1] of a width × height box (inside the pen's
 * margin), anti-aliased over one pixel; cropped to its ink.
 */
export function drawStrokes(strokes: [number, number][][], width: number, height: number, pen: number): DigitBitmap {
  const r = pen / 2;
  const segments = strokes.flatMap((line) =>
    line.slice(1).map((b, i) => [line[i], b].map(([u, v]) => [r + u * (width - pen), r + v * (height - pen)])),
  );
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.min(...segments.map(([a, b]) => segmentDistance(x + 0.5, y + 0.5, a, b)));
      pixels[y * width + x] = Math.max(0, Math.min(1, r + 0.5 - d));
    }
  }
  return cropBitmap({ pixels, width, height });
}

/** The distance from (px, py) to the segment a–b. */
function segmentDistance(px: number, py: number, a: number[], b: number[]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - a[0] - t * dx, py - a[1] - t * dy);
}

/** The bounding box of the values above `threshold` in a w×h array (an empty box at 0,0 if none). */
export function inkBox(pixels: ArrayLike<number>, w: number, h: number, threshold = 0): InkBox {
  let x0 = w;
  let x1 = -1;
  let y0 = h;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x] <= threshold) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? { x: 0, y: 0, width: 0, height: 0 } : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The bitmap cropped to its ink. */
export function cropBitmap(b: DigitBitmap): DigitBitmap {
  const box = inkBox(b.pixels, b.width, b.height);
  const pixels = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.y + y) * b.width + box.x;
    pixels.set(b.pixels.subarray(from, from + box.width), y * box.width);
  }
  return { pixels, width: box.width, height: box.height };
}

export interface NumberImage {
  ink: Float32Array;
  w: number;
  h: number;
  /** Where each digit was placed: its ink's bounding box, left to right. */
  boxes: InkBox[];
  /** Per pixel, which digit put the most ink there (−1: paper). */
  owner: Int16Array;
}

export interface ComposeOptions {
  /** gaps[i]: columns of paper between digit i's box and digit i+1's (0: touching, negative: overlapping). */
  gaps: number[];
  /** offsets[i]: digit i's box moved this many pixels down from the shared baseline. @default all 0 */
  offsets?: number[];
  /** Paper around the number on every side. @default 10 */
  margin?: number;
}

/** The ink map of `digits` written left to right, bottoms on one baseline (plus `offsets`). */
export function composeNumber(digits: DigitBitmap[], options: ComposeOptions): NumberImage {
  const margin = options.margin ?? 10;
  const offsets = options.offsets ?? digits.map(() => 0);
  const tallest = Math.max(...digits.map((d) => d.height));
  const lift = Math.max(0, ...offsets.map((o) => -o));
  const boxes: InkBox[] = [];
  let x = margin;
  for (let i = 0; i < digits.length; i++) {
    if (i > 0) x += digits[i - 1].width + options.gaps[i - 1];
    const y = margin + lift + tallest - digits[i].height + offsets[i];
    boxes.push({ x, y, width: digits[i].width, height: digits[i].height });
  }
  const w = Math.max(...boxes.map((b) => b.x + b.width)) + margin;
  const h = Math.max(...boxes.map((b) => b.y + b.height)) + margin;
  const ink = new Float32Array(w * h);
  const owner = new Int16Array(w * h).fill(-1);
  digits.forEach((d, i) => {
    const { x: bx, y: by } = boxes[i];
    for (let y = 0; y < d.height; y++) {
      for (let x = 0; x < d.width; x++) {
        const v = d.pixels[y * d.width + x];
        const p = (by + y) * w + bx + x;
        if (v > ink[p]) {
          ink[p] = v;
          owner[p] = i;
        }
      }
    }
  });
  return { ink, w, h, boxes, owner };
}
