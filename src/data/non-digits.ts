/**
 * Marks that are not digits, drawn for training a network to say so: dense
 * scribbles, hatching, grids, crosses and stars, filled blobs, faces, rows
 * of small rings, and letters that no digit resembles (A, E, H, K, M, …). Each is drawn with a round pen on a 64×64 canvas and
 * prepared as a picture's ink is (cropped, fitted into 20×20, centred by
 * mass in 28×28), so the network sees them as it will see a person's.
 * None of them is a written digit: a lone stroke, a ring or a hook could be
 * one (1, 0, 7), so none is drawn. Seeded; browser-safe.
 */
import { Random } from '../random.js';
import type { Dataset } from './dataset.js';
import { inkToMnistInput, MNIST_INPUTS } from './image.js';

const CANVAS = 64;
type Point = [number, number];
type Kind = (rng: Random) => Point[][];

/** `count` non-digit pictures as MNIST-style bytes (count × 784), the same for the same seed. */
export function nonDigitImages(count: number, seed: number): Uint8Array {
  const rng = new Random(seed);
  const out = new Uint8Array(count * 784);
  for (let n = 0; n < count; n++) {
    const kind = KINDS[n % KINDS.length];
    const pen = 1.5 + 3 * rng.next();
    const canvas = draw(kind(rng), pen);
    const input = inkToMnistInput(canvas, CANVAS, CANVAS, 'non-digit');
    for (let i = 0; i < 784; i++) out[n * 784 + i] = Math.round(255 * input[i]);
  }
  return out;
}

/** `ds` with `count` non-digits appended as one more class (label = ds.classes). */
export function withNonDigits(ds: Dataset, count: number, seed: number): Dataset {
  if (ds.inputSize !== MNIST_INPUTS) throw new RangeError(`non-digit pictures are 28×28; this data has ${ds.inputSize} inputs`);
  const images = new Uint8Array((ds.count + count) * 784);
  images.set(ds.images);
  images.set(nonDigitImages(count, seed), ds.count * 784);
  const labels = new Uint8Array(ds.count + count);
  labels.set(ds.labels);
  labels.fill(ds.classes, ds.count);
  return { images, labels, count: ds.count + count, inputSize: MNIST_INPUTS, classes: ds.classes + 1 };
}

const uniform = (rng: Random, lo: number, hi: number) => lo + (hi - lo) * rng.next();

/** A tangle: a random walk that keeps turning, 25–60 steps. */
const scribble: Kind = (rng) => {
  const path: Point[] = [[32, 32]];
  let angle = uniform(rng, 0, 2 * Math.PI);
  for (let i = 0, n = 25 + rng.int(35); i < n; i++) {
    angle += uniform(rng, -1.6, 1.6);
    const [x, y] = path[path.length - 1];
    path.push([clamp(x + 7 * Math.cos(angle)), clamp(y + 7 * Math.sin(angle))]);
  }
  return [path];
};

/** 4–8 parallel strokes, sometimes crossed by a second set. */
const hatching: Kind = (rng) => {
  const strokes: Point[][] = [];
  const sets = rng.next() < 0.5 ? 1 : 2;
  for (let s = 0; s < sets; s++) {
    const angle = uniform(rng, 0, Math.PI);
    const n = 4 + rng.int(5);
    for (let i = 0; i < n; i++) {
      const offset = (i - (n - 1) / 2) * uniform(rng, 5, 8);
      strokes.push(line(angle, offset, uniform(rng, 30, 50)));
    }
  }
  return strokes;
};

/** A grid of 3–4 × 3–4 lines, like a noughts-and-crosses board or squared paper. */
const grid: Kind = (rng) => {
  const strokes: Point[][] = [];
  const tilt = uniform(rng, -0.2, 0.2);
  for (const angle of [tilt, tilt + Math.PI / 2]) {
    const n = 3 + rng.int(2);
    for (let i = 0; i < n; i++) strokes.push(line(angle, (i - (n - 1) / 2) * uniform(rng, 9, 13), 48));
  }
  return strokes;
};

/** A cross, an X or a star of 3–5 strokes through one point. */
const star: Kind = (rng) => {
  const n = 2 + rng.int(4);
  const start = uniform(rng, 0, Math.PI);
  return Array.from({ length: n }, (_, i) => line(start + (i * Math.PI) / n + uniform(rng, -0.15, 0.15), 0, uniform(rng, 36, 50)));
};

/** A filled blob: an ellipse scribbled solid. */
const blob: Kind = (rng) => {
  const rx = uniform(rng, 10, 22);
  const ry = uniform(rng, 10, 22);
  const strokes: Point[][] = [];
  for (let t = -1; t <= 1; t += 0.12) strokes.push([[32 - rx * Math.sqrt(1 - t * t), 32 + ry * t], [32 + rx * Math.sqrt(1 - t * t), 32 + ry * t]]);
  return strokes;
};

/** A face: a ring with two eyes and a mouth. */
const face: Kind = (rng) => {
  const r = uniform(rng, 20, 28);
  const eye = uniform(rng, 2, 4);
  return [
    arc(32, 32, r, r, 0, 2 * Math.PI),
    arc(32 - r / 2.6, 32 - r / 3, eye, eye, 0, 2 * Math.PI),
    arc(32 + r / 2.6, 32 - r / 3, eye, eye, 0, 2 * Math.PI),
    arc(32, 32 + r / 6, r / 2, r / 3, 0.2 * Math.PI, 0.8 * Math.PI),
  ];
};

/** A row or cluster of 3–6 small rings. */
const rings: Kind = (rng) => {
  const n = 3 + rng.int(4);
  return Array.from({ length: n }, () => {
    const r = uniform(rng, 4, 8);
    return arc(uniform(rng, 10, 54), uniform(rng, 22, 42), r, r, 0, 2 * Math.PI);
  });
};

/**
 * Letters that no digit resembles, as strokes in a unit box (x right, y
 * down), our own drawing; each is jittered, slanted and stretched.
 */
const LETTER_STROKES: Record<string, [number, number][][]> = {
  A: [[[0, 1], [0.5, 0], [1, 1]], [[0.22, 0.58], [0.78, 0.58]]],
  E: [[[0.9, 0], [0.1, 0], [0.1, 1], [0.9, 1]], [[0.1, 0.5], [0.7, 0.5]]],
  F: [[[0.9, 0], [0.1, 0], [0.1, 1]], [[0.1, 0.48], [0.7, 0.48]]],
  H: [[[0.1, 0], [0.1, 1]], [[0.9, 0], [0.9, 1]], [[0.1, 0.5], [0.9, 0.5]]],
  K: [[[0.15, 0], [0.15, 1]], [[0.85, 0], [0.15, 0.58]], [[0.38, 0.42], [0.9, 1]]],
  M: [[[0, 1], [0.1, 0], [0.5, 0.65], [0.9, 0], [1, 1]]],
  N: [[[0.1, 1], [0.1, 0], [0.9, 1], [0.9, 0]]],
  R: [[[0.15, 1], [0.15, 0], [0.7, 0], [0.88, 0.14], [0.88, 0.34], [0.7, 0.48], [0.15, 0.48]], [[0.45, 0.48], [0.9, 1]]],
  T: [[[0, 0], [1, 0]], [[0.5, 0], [0.5, 1]]],
  V: [[[0, 0], [0.5, 1], [1, 0]]],
  W: [[[0, 0], [0.25, 1], [0.5, 0.35], [0.75, 1], [1, 0]]],
  X: [[[0.05, 0], [0.95, 1]], [[0.95, 0], [0.05, 1]]],
  Y: [[[0, 0], [0.5, 0.5], [1, 0]], [[0.5, 0.5], [0.5, 1]]],
  m: [[[0, 1], [0, 0.4]], [[0, 0.55], [0.2, 0.4], [0.4, 0.5], [0.5, 1]], [[0.5, 0.55], [0.7, 0.4], [0.9, 0.5], [1, 1]]],
  n: [[[0.1, 1], [0.1, 0.4]], [[0.1, 0.55], [0.4, 0.4], [0.8, 0.5], [0.9, 1]]],
  h: [[[0.1, 0], [0.1, 1]], [[0.1, 0.6], [0.4, 0.45], [0.8, 0.55], [0.9, 1]]],
  k: [[[0.15, 0], [0.15, 1]], [[0.8, 0.4], [0.15, 0.75]], [[0.4, 0.62], [0.85, 1]]],
  r: [[[0.2, 1], [0.2, 0.4]], [[0.2, 0.6], [0.5, 0.42], [0.85, 0.45]]],
  w: [[[0, 0.4], [0.25, 1], [0.5, 0.55], [0.75, 1], [1, 0.4]]],
  x: [[[0.1, 0.4], [0.9, 1]], [[0.9, 0.4], [0.1, 1]]],
};
const LETTERS = Object.values(LETTER_STROKES);

/** A letter no digit resembles, jittered, slanted and stretched. */
const letter: Kind = (rng) => {
  const strokes = LETTERS[rng.int(LETTERS.length)];
  const width = uniform(rng, 30, 48);
  const height = uniform(rng, 36, 50);
  const slant = uniform(rng, -0.25, 0.25);
  const jitter = () => uniform(rng, -0.05, 0.05);
  return strokes.map((path) =>
    path.map(([u, v]) => {
      const x = u + jitter();
      const y = v + jitter();
      return [32 + (x - 0.5) * width + slant * (0.5 - y) * height, 32 + (y - 0.5) * height] as Point;
    }),
  );
};

const KINDS: Kind[] = [scribble, scribble, hatching, grid, star, blob, face, rings, letter, letter];

/** A straight stroke at `angle` through the canvas centre, moved `offset` across it, `length` long. */
function line(angle: number, offset: number, length: number): Point[] {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const [cx, cy] = [32 - s * offset, 32 + c * offset];
  return [[cx - (c * length) / 2, cy - (s * length) / 2], [cx + (c * length) / 2, cy + (s * length) / 2]];
}

function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number): Point[] {
  const steps = 24;
  return Array.from({ length: steps + 1 }, (_, i) => {
    const t = from + ((to - from) * i) / steps;
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)] as Point;
  });
}

function clamp(v: number): number {
  return Math.min(CANVAS - 4, Math.max(4, v));
}

/** The strokes drawn with a round pen of radius `pen`, anti-aliased by distance, on the canvas. */
function draw(strokes: Point[][], pen: number): Float32Array {
  const canvas = new Float32Array(CANVAS * CANVAS);
  for (const path of strokes) {
    for (let i = 0; i + 1 < path.length; i++) segment(canvas, path[i], path[i + 1], pen);
  }
  return canvas;
}

function segment(canvas: Float32Array, [ax, ay]: Point, [bx, by]: Point, pen: number): void {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy || 1;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - pen - 1));
  const x1 = Math.min(CANVAS - 1, Math.ceil(Math.max(ax, bx) + pen + 1));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - pen - 1));
  const y1 = Math.min(CANVAS - 1, Math.ceil(Math.max(ay, by) + pen + 1));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
      const d = Math.hypot(x - ax - t * dx, y - ay - t * dy);
      const v = Math.max(0, Math.min(1, pen + 0.5 - d));
      if (v > canvas[y * CANVAS + x]) canvas[y * CANVAS + x] = v;
    }
  }
}
