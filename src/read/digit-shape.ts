/**
 * Shapes no written digit has, read from the 28×28 input the network saw:
 * - a separate mark inside a loop (a face's eyes in its head). One mark
 *   across the middle of the loop is allowed: a slashed or dotted zero;
 * - three loops or more (8 has two; scribbles and hatching have many);
 * - strokes that meet in three places or more (skeleton.ts), unless the
 *   network is sure of a digit: a tangle. An 8's crossing or a 4's is one
 *   place; ragged strokes and a 4's or 9's extra join can make three, which
 *   is why a sure reading overrules this check and not the other two.
 * The network's 11th output and its confidence floor let about one
 * non-digit in five through, most of them read as 0 or 8 (answer.ts); these
 * checks turn away a share of those.
 *
 * Measured with bench/real (`--split dev`, the calibration set of
 * calibrate.ts) and MNIST's test set: no real digit of the dev part and 6 of
 * 10,000 MNIST test digits (8s with a tiny extra loop) have either of the
 * first two shapes. With the shipped model the tangle turned away 10–13
 * more scribbles in 100 on two calibration sets (non-digits the report does
 * not draw), one more dev digit in about 300, and 24 of 10,000 MNIST test
 * digits, 14 of which had been read right (with 0.8 as the sure reading:
 * 8–9 more scribbles, 11 MNIST digits, 4 of them read right).
 * Browser-safe.
 */
import { labelComponents } from '../data/components.js';
import { MNIST_SIDE } from '../data/image.js';
import { countJunctions, pruneSpurs, thin } from './skeleton.js';

export type ShapeVeto = 'a mark inside a loop' | 'more than two loops' | 'a tangle of strokes';

/** Input values above this are ink; lower, the anti-aliased rim that would close gaps between strokes. */
const INK = 0.5;
/** A loop's hole must be at least this many pixels: messy strokes leave 1–2 pixel pinholes. */
const MIN_HOLE = 3;
/** An enclosed mark must be at least this many pixels: a one-pixel speck inside a 0 is not a second mark. */
const MIN_MARK = 2;
/** Strokes that meet in this many places or more are a tangle. */
const TANGLE_JUNCTIONS = 3;
/** A branch of the skeleton this short (pixels) that ends nowhere is a ragged edge, not a stroke. */
const SPUR = 5;
/** A reading at least this sure overrules the tangle check. */
export const SURE_OF_DIGIT = 0.9;

/**
 * Why `input` (28×28, ink high) cannot be one written digit, or null when
 * its shape allows one; `confidence` is the network's for its best digit
 * (default 0: the tangle check always applies).
 */
export function shapeVeto(input: ArrayLike<number>, confidence = 0): ShapeVeto | null {
  const side = MNIST_SIDE;
  const ink = new Uint8Array(side * side);
  for (let i = 0; i < ink.length; i++) ink[i] = input[i] > INK ? 1 : 0;
  const paper = paperOf(ink, side);
  if (enclosedMark(ink, side, paper)) return 'a mark inside a loop';
  let loops = 0;
  for (let r = 0; r < paper.sizes.length; r++) if (!paper.outside[r] && paper.sizes[r] >= MIN_HOLE) loops++;
  if (loops >= 3) return 'more than two loops';
  return confidence < SURE_OF_DIGIT && strokeJunctions(ink, side) >= TANGLE_JUNCTIONS ? 'a tangle of strokes' : null;
}

/** The places where the ink's strokes meet: junctions of its skeleton, short spurs pruned. */
function strokeJunctions(ink: Uint8Array, side: number): number {
  const skeleton = thin(ink, side);
  pruneSpurs(skeleton, side, SPUR);
  return countJunctions(skeleton, side);
}

interface Paper {
  /** Each paper pixel's region, −1 on ink. */
  label: Int32Array;
  /** 1 for a region that reaches the border: the paper outside every loop. The others are the holes of loops. */
  outside: Uint8Array;
  /** Each region's pixel count. */
  sizes: Float64Array;
}

/**
 * The paper's 4-connected regions. Paper is 4-connected where ink is
 * 8-connected, so a diagonal stroke closes a loop just as the eye sees it.
 */
function paperOf(ink: Uint8Array, side: number): Paper {
  const regions = labelComponents(Uint8Array.from(ink, (v) => 1 - v), side, side, 4);
  const outside = Uint8Array.from(regions.boxes, (b) => Number(b.x === 0 || b.y === 0 || b.x + b.width === side || b.y + b.height === side));
  // On a 0/1 map a region's mass is its pixel count.
  return { label: regions.label, outside, sizes: regions.mass };
}

/**
 * Whether a mark of MIN_MARK pixels or more touches no outside paper (it
 * lies inside a loop of another), unless it is the only one and lies across
 * the middle of the loop's hole: the slash or dot of a zero, where a face's
 * eyes and mouth sit off the middle (with it, 95–96% of the benchmark's
 * faces are still turned away, against 98–100% without it).
 */
function enclosedMark(ink: Uint8Array, side: number, paper: Paper): boolean {
  const marks = labelComponents(ink, side, side);
  const isOutside = (q: number) => paper.label[q] >= 0 && paper.outside[paper.label[q]] === 1;
  const outside = new Uint8Array(marks.count);
  for (let p = 0; p < ink.length; p++) {
    const m = marks.label[p];
    if (m < 0) continue;
    const x = p % side;
    const y = (p - x) / side;
    const onBorder = x === 0 || y === 0 || x === side - 1 || y === side - 1;
    if (onBorder || isOutside(p - 1) || isOutside(p + 1) || isOutside(p - side) || isOutside(p + side)) outside[m] = 1;
  }
  // On a 0/1 map a mark's mass is its pixel count.
  const enclosed: number[] = [];
  for (let m = 0; m < marks.count; m++) if (outside[m] === 0 && marks.mass[m] >= MIN_MARK) enclosed.push(m);
  if (enclosed.length !== 1) return enclosed.length > 1;
  // The middle of the hole: the mean position of the paper inside loops.
  let [sx, sy, n] = [0, 0, 0];
  for (let p = 0; p < ink.length; p++) {
    if (paper.label[p] >= 0 && !paper.outside[paper.label[p]]) [sx, sy, n] = [sx + (p % side), sy + Math.floor(p / side), n + 1];
  }
  const box = marks.boxes[enclosed[0]];
  const [cx, cy] = [sx / n, sy / n];
  const across = cx >= box.x - 1 && cx <= box.x + box.width && cy >= box.y - 1 && cy <= box.y + box.height;
  return !across;
}
