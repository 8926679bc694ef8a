/**
 * Marks that belong to the paper, not the digit, removed from an ink map
 * (values 0..1, row-major w×h) in place:
 * - ruled and squared lines: thin bands (at most 2% of the picture, or 2
 *   pixels) that cross the whole picture, edge to edge, holding ink along at
 *   least 60% of it (a faint margin line comes out broken); or faint ones
 *   that run from one edge into the writing and fade out beyond it. Where a stroke of the digit crosses a line (ink
 *   just above and just below it) the band's pixels stay, so the stroke is
 *   not cut.
 * - the page's edge: a blob lying along a side of the picture (touching at
 *   least half of that side), as when a photo shows the table beyond the
 *   page; within 3% of the side counts as touching. A digit cropped tightly
 *   touches a side at a few points only.
 * Browser-safe.
 */

const LINE_COVERAGE = 0.6;
/** A line that holds ink along this share of its length may be part of a ruled line. */
const LINE_SEED = 0.35;
const LINE_THICKNESS = 0.02;
/** A line that reaches one edge only must be fainter than this (ink scaled to the stroke core, 1). */
const LINE_FAINT = 0.5;
const EDGE_CONTACT = 0.5;
const EDGE_STRIP = 0.03;

/** Ruled and squared lines out of the ink map, in place. */
export function removeRuledLines(ink: Float32Array, w: number, h: number): void {
  // Rows, then columns through the transposed view; lines across the whole picture first, so that
  // their rims cannot join a faint stub's band and make it too thick.
  for (const reach of ['both ends', 'one end, faint'] as const) {
    removeLines(ink, w, h, reach, (x, y) => y * w + x);
    removeLines(ink, h, w, reach, (x, y) => x * w + y);
  }
}

/** How a line must reach the picture's ends: both, or one only when it is faint (crossesAll). */
type Reach = 'both ends' | 'one end, faint';

/** Whether ink from `first` to `last` along a line of `len` comes within `edge` of the ends `reach` asks for. */
function reaches(reach: Reach, first: number, last: number, len: number, edge: number): boolean {
  const [atStart, atEnd] = [first < edge, last >= len - edge];
  return reach === 'both ends' ? atStart && atEnd : atStart || atEnd;
}

/** Lines along the first axis (length `len`, `across` of them), pixels addressed through `at`. */
function removeLines(ink: Float32Array, len: number, across: number, reach: Reach, at: (i: number, j: number) => number): void {
  const edge = Math.max(1, Math.ceil(0.03 * len));
  // A candidate line holds some ink and reaches both ends (or one): a digit's stroke lying beside a ruled line does not.
  const candidate = new Uint8Array(across);
  for (let j = 0; j < across; j++) {
    let covered = 0;
    let first = len;
    let last = -1;
    for (let i = 0; i < len; i++) {
      if (ink[at(i, j)] > 0) {
        covered++;
        if (first === len) first = i;
        last = i;
      }
    }
    candidate[j] = Number(covered >= LINE_SEED * len && reaches(reach, first, last, len, edge));
  }
  const thin = Math.max(2, Math.round(LINE_THICKNESS * across));
  for (let j = 0; j < across; ) {
    if (!candidate[j]) {
      j++;
      continue;
    }
    // A band of neighbouring lines that each carry some of it: a faint or broken line, a little tilted.
    let end = j;
    while (end + 1 < across && candidate[end + 1]) end++;
    if (end - j + 1 <= thin && crossesAll(ink, len, j, end, edge, reach, at)) eraseBand(ink, len, across, j, end, at);
    j = end + 1;
  }
}

/**
 * Whether lines j0..j1 together hold ink along LINE_COVERAGE of their
 * length, from edge to edge; or from one edge when the band is faint (its
 * median darkness under LINE_FAINT): a ruled line that fades out beyond the
 * writing, where the light model takes its faint pixels for paper. A
 * writer's stroke is as dark as the writing.
 */
function crossesAll(ink: Float32Array, len: number, j0: number, j1: number, edge: number, reach: Reach, at: (i: number, j: number) => number): boolean {
  const darkness: number[] = [];
  let first = len;
  let last = -1;
  for (let i = 0; i < len; i++) {
    let v = 0;
    for (let j = j0; j <= j1; j++) v = Math.max(v, ink[at(i, j)]);
    if (v === 0) continue;
    darkness.push(v);
    first = Math.min(first, i);
    last = i;
  }
  if (darkness.length < LINE_COVERAGE * len || !reaches(reach, first, last, len, edge)) return false;
  if (reaches('both ends', first, last, len, edge)) return true;
  darkness.sort((a, b) => a - b);
  return darkness[darkness.length >> 1] < LINE_FAINT;
}

/** Zero lines j0..j1 except where ink continues on both sides of the band (a stroke crossing it). */
function eraseBand(ink: Float32Array, len: number, across: number, j0: number, j1: number, at: (i: number, j: number) => number): void {
  const before = j0 - 2;
  const after = j1 + 2;
  for (let i = 0; i < len; i++) {
    const inkBefore = before >= 0 && ink[at(i, before)] > 0;
    const inkAfter = after < across && ink[at(i, after)] > 0;
    if (inkBefore && inkAfter) continue;
    for (let j = j0; j <= j1; j++) ink[at(i, j)] = 0;
  }
}

/**
 * Which of the `count` labelled components (components.ts) lie along a
 * side of the picture: the page's edge. 1 for each such component.
 */
export function pageEdges(label: Int32Array, count: number, w: number, h: number): Uint8Array {
  const edges = new Uint8Array(count);
  if (count === 0) return edges;
  // The strip along each side where an edge shows: a few pixels, since the background may take the outermost ones.
  const strip = Math.max(2, Math.round(EDGE_STRIP * Math.min(w, h)));
  const seen = new Uint32Array(count);
  const lastRow = new Int32Array(count);
  for (const side of ['top', 'bottom', 'left', 'right'] as const) {
    const vertical = side === 'left' || side === 'right';
    const length = vertical ? h : w;
    seen.fill(0);
    lastRow.fill(-1);
    for (let i = 0; i < length; i++) {
      for (let d = 0; d < strip; d++) {
        const x = vertical ? (side === 'left' ? d : w - 1 - d) : i;
        const y = vertical ? i : side === 'top' ? d : h - 1 - d;
        const c = label[y * w + x];
        // Counted once per position along the side, however deep into the strip.
        if (c >= 0 && lastRow[c] !== i) {
          lastRow[c] = i;
          seen[c]++;
        }
      }
    }
    for (let c = 0; c < count; c++) if (seen[c] >= EDGE_CONTACT * length) edges[c] = 1;
  }
  return edges;
}
