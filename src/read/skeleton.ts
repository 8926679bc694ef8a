/**
 * The skeleton of a small binary picture (ink = 1) and the places where its
 * strokes meet. A written digit's strokes meet at few places: a 4's or an 8's
 * crossing, a 6's or a 9's join. A scribble's keep crossing. digit-shape.ts
 * counts those junctions.
 *
 * - Thinning is Zhang and Suen's (1984): ink pixels on the border of a stroke
 *   are peeled off in two alternating passes until the strokes are one pixel
 *   wide, never breaking a stroke or eating its end.
 * - Spurs are pruned: ragged stroke edges leave short branches that end
 *   nowhere, and each would count as a junction where it leaves the stroke.
 * - A junction is a skeleton pixel around which the ring of its 8 neighbours
 *   turns from paper to ink three times or more. Touching junction pixels are
 *   one junction: where two strokes cross, thinning leaves two or three of
 *   them side by side.
 *
 * Browser-safe.
 */
import { labelComponents } from '../data/components.js';

/** The 8 neighbours in ring order, clockwise from north: (dx, dy). */
const RING: readonly (readonly [number, number])[] = [[0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1]];

/** Whether (x, y) is inside the picture and ink. */
function inkAt(map: Uint8Array, side: number, x: number, y: number): number {
  return x >= 0 && y >= 0 && x < side && y < side ? map[y * side + x] : 0;
}

/** The 8 neighbours of (x, y) in ring order, 1 for ink, written into `out` (reused: this runs for every pixel of every pass). */
function ring(map: Uint8Array, side: number, x: number, y: number, out = new Uint8Array(8)): Uint8Array {
  for (let i = 0; i < 8; i++) out[i] = inkAt(map, side, x + RING[i][0], y + RING[i][1]);
  return out;
}

/** How many times the ring of neighbours turns from paper to ink, going once round. */
function turns(n: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < 8; i++) if (n[i] === 0 && n[(i + 1) % 8] === 1) count++;
  return count;
}

/** Zhang–Suen thinning of a side×side 0/1 map: a new map whose strokes are one pixel wide. */
export function thin(ink: Uint8Array, side: number): Uint8Array {
  const map = Uint8Array.from(ink);
  const n = new Uint8Array(8);
  for (let changed = true; changed; ) {
    changed = false;
    for (const pass of [0, 1]) {
      // Each pass decides on the map as it stood when the pass began, then peels.
      const peel: number[] = [];
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          if (!map[y * side + x]) continue;
          ring(map, side, x, y, n);
          const [north, east, south, west] = [n[0], n[2], n[4], n[6]];
          const count = n.reduce((a, b) => a + b, 0);
          // Not an end (1 neighbour), not inside a stroke (7–8), and one run of ink around: a border pixel whose removal breaks nothing.
          if (count < 2 || count > 6 || turns(n) !== 1) continue;
          // The first pass peels south-east borders and north-west corners, the second the opposite ones.
          const keep = pass === 0 ? north * east * south || east * south * west : north * east * west || north * south * west;
          if (!keep) peel.push(y * side + x);
        }
      }
      for (const i of peel) map[i] = 0;
      if (peel.length > 0) changed = true;
    }
  }
  return map;
}

/** How many ink neighbours (x, y) has. */
function degree(map: Uint8Array, side: number, x: number, y: number): number {
  return ring(map, side, x, y).reduce((a, b) => a + b, 0);
}

/**
 * Remove, in place, each branch of at most `maxLength` pixels that runs from
 * an end of the skeleton to a junction: the spurs a ragged stroke edge
 * leaves. Two rounds: removing a spur can leave its junction a plain stroke
 * pixel, and a second spur beside it exposed.
 */
export function pruneSpurs(skeleton: Uint8Array, side: number, maxLength: number): void {
  for (let round = 0; round < 2; round++) {
    const ends: number[] = [];
    for (let i = 0; i < skeleton.length; i++) if (skeleton[i] && degree(skeleton, side, i % side, Math.floor(i / side)) === 1) ends.push(i);
    for (const end of ends) {
      const path = walkToJunction(skeleton, side, end, maxLength);
      if (path !== null) for (const i of path) skeleton[i] = 0;
    }
  }
}

/**
 * The pixels from `end` along its branch, when the branch reaches a junction
 * within `maxLength` pixels; null when it is longer, or ends or forks
 * without meeting one (a short stroke of its own).
 */
function walkToJunction(skeleton: Uint8Array, side: number, end: number, maxLength: number): number[] | null {
  if (!skeleton[end]) return null; // taken with an earlier spur
  const path = [end];
  for (let at = end; path.length <= maxLength; ) {
    const x = at % side;
    const y = Math.floor(at / side);
    const next = RING.map(([dx, dy]) => [x + dx, y + dy])
      .filter(([nx, ny]) => inkAt(skeleton, side, nx, ny) === 1 && !path.includes(ny * side + nx))
      .map(([nx, ny]) => ny * side + nx);
    if (next.some((n) => isJunction(skeleton, side, n))) return path;
    if (next.length !== 1) return null;
    path.push(next[0]);
    at = next[0];
  }
  return null;
}

/** Whether skeleton pixel i is where three or more strokes meet: its ring of neighbours turns from paper to ink three times or more. */
function isJunction(skeleton: Uint8Array, side: number, i: number): boolean {
  return skeleton[i] === 1 && turns(ring(skeleton, side, i % side, Math.floor(i / side))) >= 3;
}

/** Skeleton pixels where three or more strokes meet, touching ones counted as one junction. */
export function countJunctions(skeleton: Uint8Array, side: number): number {
  const junction = new Uint8Array(skeleton.length);
  for (let i = 0; i < skeleton.length; i++) if (isJunction(skeleton, side, i)) junction[i] = 1;
  return labelComponents(junction, side, side).count;
}
