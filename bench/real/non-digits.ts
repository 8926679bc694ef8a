/**
 * Pictures that hold no digit, to see whether a reader says so: scribbles
 * (random tangled curves), letters that do not look like digits (drawn from
 * stroke skeletons, jittered per instance), blank pages (lighting, ruling
 * and specks only), drawn faces, and hatching. Same pens, papers,
 * conditions and encodings as the digits (page.ts).
 */
import { Random } from '../../src/random.js';
import { type Condition, randomLook, STROKE_WIDTH } from './page.js';
import { conditionIndex, fileName, itemSeed, onPage, type Rendered } from './render.js';
import { arc, type Path, type Point, randomPose, smooth, strokeTile } from './strokes.js';
import { emptyTile } from './tile.js';

export const NON_DIGIT_KINDS = ['scribble', 'letter', 'blank', 'face', 'hatching'] as const;
export type NonDigitKind = (typeof NON_DIGIT_KINDS)[number];

const PI = Math.PI;
const bump = (x0: number, x1: number, y: number, ry: number): Point[] => arc((x0 + x1) / 2, y, (x1 - x0) / 2, ry, PI, 2 * PI, 10);

/**
 * Stroke skeletons, x right and y down. Capitals span y 0..1; lowercase
 * letters sit on y = 1 with an x-height from 0.45 (ascenders from 0).
 */
const LETTERS: Record<string, Path[]> = {
  A: [[[0, 1], [0.35, 0], [0.7, 1]], [[0.14, 0.62], [0.56, 0.62]]],
  E: [[[0.6, 0], [0, 0], [0, 1], [0.62, 1]], [[0, 0.5], [0.48, 0.5]]],
  F: [[[0.6, 0], [0, 0], [0, 1]], [[0, 0.48], [0.45, 0.48]]],
  H: [[[0, 0], [0, 1]], [[0.65, 0], [0.65, 1]], [[0, 0.5], [0.65, 0.5]]],
  K: [[[0, 0], [0, 1]], [[0.6, 0], [0, 0.58]], [[0.2, 0.42], [0.65, 1]]],
  M: [[[0, 1], [0, 0], [0.4, 0.65], [0.8, 0], [0.8, 1]]],
  N: [[[0, 1], [0, 0], [0.65, 1], [0.65, 0]]],
  R: [[[0, 1], [0, 0], [0.33, 0], ...arc(0.33, 0.25, 0.25, 0.25, -PI / 2, PI / 2, 12), [0, 0.5]], [[0.3, 0.5], [0.62, 1]]],
  T: [[[0, 0], [0.7, 0]], [[0.35, 0], [0.35, 1]]],
  V: [[[0, 0], [0.35, 1], [0.7, 0]]],
  W: [[[0, 0], [0.22, 1], [0.45, 0.3], [0.68, 1], [0.9, 0]]],
  X: [[[0, 0], [0.65, 1]], [[0.65, 0], [0, 1]]],
  Y: [[[0, 0], [0.35, 0.5], [0.7, 0]], [[0.35, 0.5], [0.35, 1]]],
  a: [
    smooth([[0.05, 0.55], [0.18, 0.45], [0.34, 0.45], [0.45, 0.54], [0.46, 0.66], [0.46, 1]], 2),
    smooth([[0.46, 0.7], [0.2, 0.7], [0.04, 0.78], [0.03, 0.92], [0.14, 1], [0.32, 0.98], [0.46, 0.88]], 2),
  ],
  e: [[[0.04, 0.74], ...arc(0.26, 0.74, 0.23, 0.26, 0, -1.75 * PI, 24)]],
  h: [[[0, 0], [0, 1]], [[0, 0.68], ...bump(0, 0.46, 0.68, 0.2), [0.46, 1]]],
  k: [[[0, 0], [0, 1]], [[0.42, 0.45], [0, 0.78]], [[0.16, 0.66], [0.45, 1]]],
  m: [[[0, 0.45], [0, 1]], [[0, 0.65], ...bump(0, 0.32, 0.65, 0.18), [0.32, 1]], [[0.32, 0.65], ...bump(0.32, 0.64, 0.65, 0.18), [0.64, 1]]],
  n: [[[0, 0.45], [0, 1]], [[0, 0.66], ...bump(0, 0.44, 0.66, 0.2), [0.44, 1]]],
  r: [[[0, 0.45], [0, 1]], [[0, 0.7], ...arc(0.2, 0.7, 0.2, 0.22, PI, 1.75 * PI, 10)]],
  w: [[[0, 0.45], [0.15, 1], [0.31, 0.6], [0.47, 1], [0.62, 0.45]]],
  x: [[[0, 0.45], [0.45, 1]], [[0.45, 0.45], [0, 1]]],
  y: [[[0, 0.45], [0.24, 0.92]], [[0.48, 0.45], [0.24, 0.92], [0.14, 1.15], [0.04, 1.22]]],
};
export const LETTER_NAMES = Object.keys(LETTERS);

export interface RenderedNonDigit extends Rendered {
  kind: NonDigitKind;
  /** Which letter, for `letter`. */
  detail?: string;
}

export function renderNonDigit(kind: NonDigitKind, index: number, condition: Condition, seed: number): RenderedNonDigit {
  const rng = new Random(itemSeed(seed, 10 + NON_DIGIT_KINDS.indexOf(kind), index, conditionIndex(condition)));
  const look = randomLook(rng, condition);
  const height = 100 + rng.int(201);
  const stem = `${kind}-${index}`;
  if (kind === 'blank') {
    const page = onPage(emptyTile(1, 1), height, look, rng);
    return { bytes: page, name: fileName(stem, condition, look), look, kind };
  }
  const { paths, detail, widthScale } = skeleton(kind, rng);
  const width = Math.max(1.5, STROKE_WIDTH[look.pen.width] * widthScale * height);
  const tile = strokeTile(paths, randomPose(rng, height), width, rng);
  const name = fileName(detail ? `${stem}-${detail}` : stem, condition, look);
  return { bytes: onPage(tile, height, look, rng), name, look, kind, ...(detail ? { detail } : {}) };
}

/** The kind's strokes for one instance, and its pen width relative to a letter's. */
function skeleton(kind: Exclude<NonDigitKind, 'blank'>, rng: Random): { paths: Path[]; detail?: string; widthScale: number } {
  switch (kind) {
    case 'letter': {
      const detail = LETTER_NAMES[rng.int(LETTER_NAMES.length)];
      return { paths: LETTERS[detail], detail, widthScale: 1 };
    }
    case 'scribble':
      return { paths: scribble(rng), widthScale: 0.6 };
    case 'face':
      return { paths: face(rng), widthScale: 0.6 };
    case 'hatching':
      return { paths: hatching(rng), widthScale: 0.5 };
  }
}

/** One or two smoothed random walks through 6–14 points: a tangle. */
function scribble(rng: Random): Path[] {
  const tall = 0.6 + 0.8 * rng.next();
  return Array.from({ length: 1 + rng.int(2) }, () => {
    const points = Array.from({ length: 6 + rng.int(9) }, (): Point => [rng.next(), tall * rng.next()]);
    return smooth(points, 3);
  });
}

/** A round head, two eyes (dots or rings), a smile or a frown, sometimes a nose. */
function face(rng: Random): Path[] {
  const head = arc(0, 0, 0.45 + 0.1 * rng.next(), 0.5 + 0.1 * rng.next(), 0, 2 * PI + 0.3 * rng.next(), 36);
  const eyeY = -0.12 - 0.08 * rng.next();
  const eye = (x: number): Path => (rng.next() < 0.5 ? [[x, eyeY]] : arc(x, eyeY, 0.06, 0.07, 0, 2 * PI, 12));
  const mouthY = 0.12 + 0.1 * rng.next();
  const mouth = rng.next() < 0.8 ? arc(0, mouthY - 0.12, 0.25, 0.18, 0.2 * PI, 0.8 * PI, 14) : arc(0, mouthY + 0.12, 0.22, 0.12, 1.2 * PI, 1.8 * PI, 14);
  const paths: Path[] = [head, eye(-0.17), eye(0.17), mouth];
  if (rng.next() < 0.5) paths.push([[0, -0.05], [0.04, 0.06]]);
  return paths;
}

/** 5–12 parallel strokes filling a disc, sometimes crossed by a second set. */
function hatching(rng: Random): Path[] {
  const paths: Path[] = [];
  const sets = rng.next() < 0.5 ? 2 : 1;
  for (let s = 0; s < sets; s++) {
    const angle = (PI / 8) * (1 + 2 * rng.next()) + s * PI * (0.4 + 0.2 * rng.next());
    const [dx, dy, nx, ny] = [Math.cos(angle), Math.sin(angle), -Math.sin(angle), Math.cos(angle)];
    const count = 5 + rng.int(8);
    for (let i = 0; i < count; i++) {
      const u = -0.45 + (0.9 * (i + 0.5)) / count;
      const half = Math.sqrt(0.25 - u * u);
      paths.push([[u * nx - half * dx, u * ny - half * dy], [u * nx + half * dx, u * ny + half * dy]]);
    }
  }
  return paths;
}
