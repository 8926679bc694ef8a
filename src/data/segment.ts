/**
 * Splitting an ink map (ink.ts: w×h values in [0, 1], 0 = paper) of a number
 * written left to right into its digits, each with its own ink, so each can
 * become its own MNIST input. The steps:
 *  1. 8-connected blobs of ink > 0;
 *  2. each blob is cut where touching digits meet: along the cheapest
 *     top-to-bottom path (it may drift a column per row, to pass between
 *     slanted digits), if that path crosses little enough ink and leaves a
 *     tall, heavy part on each side. How little depends on the blob's width
 *     over its height: a blob of one digit's shape needs a mere contact (no
 *     MNIST digit is joined that thinly), a blob too wide for one digit may
 *     be cut through a stroke or so. A blob far too wide for one digit that
 *     cannot be cut is reported in `touching` rather than read as one;
 *  3. pieces that share most of their columns are one digit (a 5's detached
 *     bar, a 4 or 7 in two strokes), unless step 2 cut them apart; short
 *     pieces join the nearest digit within two stroke widths; short, light
 *     pieces near nothing (dots) are dropped.
 * Limits, measured on pairs and numbers made of MNIST test digits enlarged
 * 2–4× (test/segment.test.ts): digits whose boxes touch are read right 99%
 * of the time, digits written into each other by 1–4 pixels 92% and by 5–8
 * pixels 64%; most of the rest come back silently as one region, because two
 * overlapping digits are often no wider than one wide digit, so `touching`
 * seldom fires. Two touching narrow digits (11, 17) likewise. A digit broken
 * into side-by-side pieces (a 1 with a gap in its stroke) counts as two, and
 * 0.2% of MNIST digits are cut in two (4s joined thinly at the bar, mostly).
 * Small digits fare worse: at 20 pixels tall (strokes ~2 pixels) numbers
 * whose digits touch are read right 93% of the time instead of 98%.
 * Pure arithmetic, browser-safe.
 */
import { labelComponents, type PixelBox } from './components.js';

/** A rectangle of the ink map, in pixels: columns x..x+width-1, rows y..y+height-1. */
export type InkBox = PixelBox;

export interface DigitRegion {
  /** The bounding box of this digit's ink. */
  box: InkBox;
  /** box.width × box.height ink values of this digit only (other digits' ink inside the box is 0). */
  ink: Float32Array;
  /** True when this region was cut out of a larger blob of touching digits. */
  split: boolean;
}

export interface Segmentation {
  /** The digits, left to right. */
  regions: DigitRegion[];
  /** Blobs that look like several touching digits but could not be cut cleanly, left to right. */
  touching: InkBox[];
}

/** Pieces are one digit when they share more than this fraction of the narrower one's columns. */
const SHARED_COLUMNS = 0.5;
/** Blobs under this fraction of the tallest blob's height are fragments of a digit, or noise. */
const FRAGMENT_HEIGHT = 0.45;
/** A fragment within this many stroke widths of a digit belongs to it. */
const ATTACH_STROKES = 2;
/** A fragment near no digit is noise if it holds under this fraction of the heaviest blob's ink. */
const SMALL_MASS = 0.15;
/**
 * The most ink a cut may cross, in stroke widths (of ink², so faint edges
 * count little), by the blob's width over its height (or the line's).
 * Measured on 10,000 MNIST test digits enlarged 2–4×: 0.01% have a cut
 * under 0.15 and 0.7% under 0.35; of pairs of digits placed with touching
 * boxes whose ink joins, 94% have one under 0.15 and 97% under 0.35.
 */
const CUT_LIMITS = [
  { aspect: 1.8, strokes: 1.5 },
  { aspect: 1.6, strokes: 0.7 },
  { aspect: 1.4, strokes: 0.5 },
  { aspect: 1.2, strokes: 0.35 },
  { aspect: 1.0, strokes: 0.25 },
  { aspect: 0, strokes: 0.15 },
];
/** A cut's charge per sideways step, in stroke widths: ink being equal, cuts run straight. */
const SIDE_STEP = 0.05;
/**
 * A blob that cannot be cut is reported as touching digits when wider than
 * this × its height: 0.06% of MNIST digits are as wide. Beside other digits
 * (width over the line's height, where flat digits are short) a lower bar:
 * it made one false report in 1,500 random MNIST numbers with gaps.
 */
const WIDE_ALONE = 1.8;
const WIDE_IN_LINE = 1.4;
/** Each side of a cut must be at least this fraction of the blob's height ... */
const PART_HEIGHT = 0.5;
/** ... and hold at least this fraction of its ink. */
const PART_MASS = 0.1;
/** Heights are measured on stroke cores (ink.ts scales a core to 1), so a stroke's faint edge cannot pass for a digit. */
const CORE = 0.5;

/** The digits in the w×h ink map `ink`, left to right; see the module comment. */
export function segmentDigits(ink: Float32Array, w: number, h: number): Segmentation {
  if (ink.length !== w * h) throw new RangeError(`ink map has ${ink.length} values, expected ${w}×${h}`);
  const { label, blobs } = labelBlobs(ink, w, h);
  if (blobs.length === 0) return { regions: [], touching: [] };
  const tallest = blobs.reduce((m, b) => Math.max(m, b.box.height), 0);
  const isFragment = (b: Blob): boolean => b.box.height < FRAGMENT_HEIGHT * tallest;
  const lineHeight = median(blobs.filter((b) => !isFragment(b)).map((b) => b.box.height));
  const pieces: Piece[] = [];
  for (const blob of blobs) {
    const own = blobInk(ink, w, label, blob);
    if (isFragment(blob)) pieces.push(own);
    // Each blob's own stroke width: pens and scales may differ across a picture.
    else pieces.push(...cutTouching(own, strokeWidth(own.ink, own.box.width, own.box.height), lineHeight));
  }
  const groups = groupPieces(pieces, strokeWidth(ink, w, h), tallest);
  // Beside other digits a flat digit is short, so a blob wide for the line is likelier several digits.
  const wide = groups.length > 1 ? WIDE_IN_LINE : WIDE_ALONE;
  const out: Segmentation = { regions: [], touching: [] };
  for (const group of groups) {
    const region = combine(group);
    if (group.some((p) => p.aspect > wide)) out.touching.push(region.box);
    else out.regions.push(region);
  }
  out.regions.sort((a, b) => a.box.x + a.box.width / 2 - (b.box.x + b.box.width / 2));
  out.touching.sort((a, b) => a.x - b.x);
  return out;
}

/** One 8-connected blob of ink: its label, bounding box and ink sum. */
interface Blob {
  id: number;
  box: InkBox;
  mass: number;
}

/** A piece of ink on its way to a region: what a region holds, plus where it came from. */
interface Piece extends DigitRegion {
  mass: number;
  /** The blob it is all or part of. */
  blob: number;
  /** For a piece that could not be cut, its width over its height or the line's (wide: touching digits); else 0. */
  aspect: number;
}

/** The 8-connected blobs of ink > 0, as components.ts labels them. */
function labelBlobs(ink: Float32Array, w: number, h: number): { label: Int32Array; blobs: Blob[] } {
  const { label, mass, boxes } = labelComponents(ink, w, h);
  return { label, blobs: boxes.map((box, id) => ({ id, box, mass: mass[id] })) };
}

/** A blob's own ink, cropped to its box (other blobs' ink inside the box left at 0). */
function blobInk(ink: Float32Array, w: number, label: Int32Array, blob: Blob): Piece {
  const { x, y, width, height } = blob.box;
  const own = new Float32Array(width * height);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const p = (y + j) * w + x + i;
      if (label[p] === blob.id) own[j * width + i] = ink[p];
    }
  }
  return { box: blob.box, ink: own, mass: blob.mass, blob: blob.id, split: false, aspect: 0 };
}

/**
 * The typical stroke width: the median ink sum of the runs of ink along rows
 * and along columns. Runs across a stroke outnumber runs along it (a stroke
 * is longer than wide), so the median is a crossing; summing the ink, not
 * counting pixels, makes anti-aliased edges count for what they hold.
 */
function strokeWidth(ink: Float32Array, w: number, h: number): number {
  const runs: number[] = [];
  const scan = (count: number, length: number, at: (line: number, i: number) => number): void => {
    for (let line = 0; line < count; line++) {
      let run = 0;
      for (let i = 0; i <= length; i++) {
        const v = i < length ? at(line, i) : 0;
        if (v > 0) run += v;
        else if (run > 0) {
          runs.push(run);
          run = 0;
        }
      }
    }
  };
  scan(h, w, (y, x) => ink[y * w + x]);
  scan(w, h, (x, y) => ink[y * w + x]);
  runs.sort((a, b) => a - b);
  return Math.max(1, runs[runs.length >> 1] ?? 1);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * A blob cut into digits (step 2). `lineHeight` is the digits' usual
 * height: a short wide digit (a flat 2) in a line of taller ones is not
 * taken for two.
 */
function cutTouching(blob: Piece, stroke: number, lineHeight: number): Piece[] {
  const sides = { minHeight: PART_HEIGHT * blob.box.height, minMass: 0 };
  const done: Piece[] = [];
  const work = [blob];
  while (work.length > 0) {
    const piece = work.pop() as Piece;
    sides.minMass = PART_MASS * piece.mass;
    const aspect = piece.box.width / Math.max(piece.box.height, lineHeight);
    const limit = (CUT_LIMITS.find((l) => aspect >= l.aspect) ?? CUT_LIMITS[CUT_LIMITS.length - 1]).strokes;
    const cut = bestCut(piece, limit * stroke, SIDE_STEP * stroke, sides);
    if (cut) work.push(...splitAt(piece, cut));
    else done.push({ ...piece, aspect });
  }
  return done;
}

/** A cut through a piece: the column it passes in each row, top to bottom. */
type Cut = Int32Array;

/**
 * The cheapest cut from top to bottom, each row at most one column from the
 * last, costing the ink² it passes through (plus `step` per sideways
 * step): at most `limit`, each side reaching `minHeight` and holding
 * `minMass`; null if none. Dynamic programming over rows.
 */
function bestCut(piece: Piece, limit: number, step: number, sides: { minHeight: number; minMass: number }): Cut | null {
  const { width: pw, height: ph } = piece.box;
  const ink = piece.ink;
  const cost = new Float64Array(pw * ph);
  const spent = new Float64Array(pw * ph);
  const from = new Int32Array(pw * ph);
  for (let x = 0; x < pw; x++) cost[x] = spent[x] = ink[x] * ink[x];
  for (let y = 1; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const above = (y - 1) * pw + x;
      let best = above;
      let bestCost = cost[above];
      if (x > 0 && cost[above - 1] + step < bestCost) [best, bestCost] = [above - 1, cost[above - 1] + step];
      if (x < pw - 1 && cost[above + 1] + step < bestCost) [best, bestCost] = [above + 1, cost[above + 1] + step];
      const p = y * pw + x;
      cost[p] = bestCost + ink[p] * ink[p];
      spent[p] = spent[best] + ink[p] * ink[p];
      from[p] = best;
    }
  }
  const last = (ph - 1) * pw;
  const ends = [...Array(pw).keys()].filter((x) => spent[last + x] <= limit);
  ends.sort((a, b) => cost[last + a] - cost[last + b]);
  const check = sideChecker(piece);
  for (const end of ends) {
    const cut = new Int32Array(ph);
    for (let y = ph - 1, p = last + end; y >= 0; y--, p = from[p]) cut[y] = p - y * pw;
    if (check(cut, sides)) return cut;
  }
  return null;
}

/** A test of whether both sides of a cut reach `minHeight` in stroke cores and hold `minMass` of ink. */
function sideChecker(piece: Piece): (cut: Cut, sides: { minHeight: number; minMass: number }) => boolean {
  const { width: pw, height: ph } = piece.box;
  // Per row, prefix sums of ink and of core pixels: mass[y·(pw+1) + x] is the ink of columns < x.
  const mass = new Float64Array((pw + 1) * ph);
  const core = new Int32Array((pw + 1) * ph);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const v = piece.ink[y * pw + x];
      mass[y * (pw + 1) + x + 1] = mass[y * (pw + 1) + x] + v;
      core[y * (pw + 1) + x + 1] = core[y * (pw + 1) + x] + (v >= CORE ? 1 : 0);
    }
  }
  return (cut, sides) => {
    const left = { mass: 0, top: ph, bottom: -1 };
    const right = { mass: 0, top: ph, bottom: -1 };
    for (let y = 0; y < ph; y++) {
      const row = y * (pw + 1);
      const c = cut[y];
      left.mass += mass[row + c];
      right.mass += mass[row + pw] - mass[row + c + 1];
      if (core[row + c] > 0) [left.top, left.bottom] = [Math.min(left.top, y), y];
      if (core[row + pw] - core[row + c + 1] > 0) [right.top, right.bottom] = [Math.min(right.top, y), y];
    }
    const ok = (s: typeof left): boolean => s.bottom - s.top + 1 >= sides.minHeight && s.mass >= sides.minMass;
    return ok(left) && ok(right);
  };
}

/**
 * The piece cut along `cut`: pixels left of it go left, right of it go
 * right, and each pixel on it to the side with more ink beside it (the
 * digit whose stroke it continues). Both sides come back cropped to their ink.
 */
function splitAt(piece: Piece, cut: Cut): Piece[] {
  const { width: pw, height: ph } = piece.box;
  const left = new Float32Array(pw * ph);
  const right = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    const row = y * pw;
    const c = cut[y];
    left.set(piece.ink.subarray(row, row + c), row);
    right.set(piece.ink.subarray(row + c + 1, row + pw), row + c + 1);
    const toLeft = (c > 0 ? piece.ink[row + c - 1] : 0) >= (c < pw - 1 ? piece.ink[row + c + 1] : 0);
    (toLeft ? left : right)[row + c] = piece.ink[row + c];
  }
  return [left, right].map((ink) => ({ ...crop(piece.box, ink), blob: piece.blob, split: true, aspect: 0 }));
}

/** The box-sized `ink` cropped to its own bounding box, with its ink sum. */
function crop(box: InkBox, ink: Float32Array): { box: InkBox; ink: Float32Array; mass: number } {
  let [x0, x1, y0, y1, mass] = [box.width, -1, box.height, -1, 0];
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const v = ink[y * box.width + x];
      if (v <= 0) continue;
      mass += v;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const out = { x: box.x + x0, y: box.y + y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  const pixels = new Float32Array(out.width * out.height);
  for (let y = 0; y < out.height; y++) {
    const from = (y0 + y) * box.width + x0;
    pixels.set(ink.subarray(from, from + out.width), y * out.width);
  }
  return { box: out, ink: pixels, mass };
}

/** Several pieces taken as one digit, with the union of their boxes. */
interface Group {
  pieces: Piece[];
  box: InkBox;
}

/** Pieces gathered into digits (step 3). */
function groupPieces(pieces: Piece[], stroke: number, tallest: number): Piece[][] {
  // Pieces cut apart stay apart, so a merge may not bring two parts of one blob together.
  const cutApart = (a: Group, b: Group): boolean => a.pieces.some((p) => p.split && b.pieces.some((q) => q.split && q.blob === p.blob));
  const shareColumns = (a: Group, b: Group): boolean =>
    overlap(a.box, b.box) > SHARED_COLUMNS * Math.min(a.box.width, b.box.width) && !cutApart(a, b);
  const groups = mergeWhile(pieces.map((p) => ({ pieces: [p], box: p.box })), shareColumns);
  const heaviest = pieces.reduce((m, p) => Math.max(m, p.mass), 0);
  // A part cut from a blob passed for a digit when it was cut, however short.
  const isFragment = (g: Group): boolean => g.box.height < FRAGMENT_HEIGHT * tallest && !g.pieces.some((p) => p.split);
  const digits = groups.filter((g) => !isFragment(g));
  for (const fragment of groups.filter(isFragment)) {
    // A short piece joins the nearest digit within reach (a 5's bar written off to the right) ...
    let nearest = -1;
    let distance = ATTACH_STROKES * stroke;
    digits.forEach((d, i) => {
      const gap = boxDistance(d.box, fragment.box);
      if (gap <= distance && !cutApart(d, fragment)) [nearest, distance] = [i, gap];
    });
    const mass = fragment.pieces.reduce((s, p) => s + p.mass, 0);
    if (nearest >= 0) digits[nearest] = join(digits[nearest], fragment);
    // ... else it is noise unless it holds a fair share of ink (a dash, a small digit).
    else if (mass >= SMALL_MASS * heaviest) digits.push(fragment);
  }
  return digits.map((g) => g.pieces);
}

/**
 * Merge pairs of groups that share columns and for which `joinable` holds,
 * until none is left (a merge can make new pairs). Sorted by left edge, a
 * group need only be compared with those starting before it ends.
 */
function mergeWhile(groups: Group[], joinable: (a: Group, b: Group) => boolean): Group[] {
  const live = [...groups].sort((a, b) => a.box.x - b.box.x);
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length && live[j].box.x < live[i].box.x + live[i].box.width; j++) {
        if (!joinable(live[i], live[j])) continue;
        live[i] = join(live[i], live[j]);
        live.splice(j--, 1);
        merged = true;
      }
    }
  }
  return live;
}

function join(a: Group, b: Group): Group {
  return { pieces: [...a.pieces, ...b.pieces], box: unionBox(a.box, b.box) };
}

function unionBox(a: InkBox, b: InkBox): InkBox {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** How many columns two boxes share (negative: the gap between them). */
function overlap(a: InkBox, b: InkBox): number {
  return Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
}

/** The gap between two boxes: the larger of the horizontal and vertical gaps (0 if they overlap). */
function boxDistance(a: InkBox, b: InkBox): number {
  const dx = Math.max(0, a.x - (b.x + b.width), b.x - (a.x + a.width));
  const dy = Math.max(0, a.y - (b.y + b.height), b.y - (a.y + a.height));
  return Math.max(dx, dy);
}

/** One region holding the ink of all `pieces` (which never share a pixel). */
function combine(pieces: Piece[]): DigitRegion {
  if (pieces.length === 1) return { box: pieces[0].box, ink: pieces[0].ink, split: pieces[0].split };
  const box = pieces.map((p) => p.box).reduce(unionBox);
  const ink = new Float32Array(box.width * box.height);
  for (const p of pieces) {
    for (let y = 0; y < p.box.height; y++) {
      for (let x = 0; x < p.box.width; x++) {
        const v = p.ink[y * p.box.width + x];
        if (v > 0) ink[(p.box.y - box.y + y) * box.width + p.box.x - box.x + x] = v;
      }
    }
  }
  return { box, ink, split: pieces.some((p) => p.split) };
}
