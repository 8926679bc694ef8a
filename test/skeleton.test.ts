/**
 * The skeleton of a picture's ink (src/read/skeleton.ts): thinning leaves
 * strokes one pixel wide and unbroken; a short spur off a stroke is pruned
 * and a long branch is not; junctions are counted once per place where
 * strokes meet (a plus is one, a # four), on shapes drawn for each.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countJunctions, pruneSpurs, thin } from '../src/read/skeleton.js';
import { drawStroke } from './helpers.js';

const SIDE = 28;

/** A stroke of half-width w along (x0, y0)–(x1, y1), added to the 0/1 map. */
const stroke = (map: Uint8Array, x0: number, y0: number, x1: number, y1: number, w = 1.5) => drawStroke(map, SIDE, x0, y0, x1, y1, w);

const blank = () => new Uint8Array(SIDE * SIDE);

function neighbours(map: Uint8Array, i: number): number {
  const [x, y] = [i % SIDE, Math.floor(i / SIDE)];
  let n = 0;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const [u, v] = [x + dx, y + dy];
      if ((dx || dy) && u >= 0 && v >= 0 && u < SIDE && v < SIDE) n += map[v * SIDE + u];
    }
  }
  return n;
}

/** The number of 8-connected pieces of ink. */
function pieces(map: Uint8Array): number {
  const seen = new Uint8Array(map.length);
  let count = 0;
  for (let i = 0; i < map.length; i++) {
    if (!map[i] || seen[i]) continue;
    count++;
    const stack = [i];
    seen[i] = 1;
    while (stack.length) {
      const p = stack.pop() as number;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [u, v] = [(p % SIDE) + dx, Math.floor(p / SIDE) + dy];
          const q = v * SIDE + u;
          if (u >= 0 && v >= 0 && u < SIDE && v < SIDE && map[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
  }
  return count;
}

const junctionsOf = (map: Uint8Array, spur = 5) => {
  const skeleton = thin(map, SIDE);
  pruneSpurs(skeleton, SIDE, spur);
  return countJunctions(skeleton, SIDE);
};

test('thinning leaves a thick bar one pixel wide, in one piece, and keeps its length', () => {
  const bar = stroke(blank(), 5, 14, 22, 14, 2.5);
  const skeleton = thin(bar, SIDE);
  const on = [...skeleton.keys()].filter((i) => skeleton[i]);
  assert.ok(on.length >= 12, `${on.length} skeleton pixels`);
  assert.equal(pieces(skeleton), 1);
  assert.ok(on.every((i) => bar[i] === 1), 'the skeleton lies in the ink');
  assert.ok(on.every((i) => neighbours(skeleton, i) <= 2), 'no pixel of a bar\'s skeleton has three neighbours');
  // One pixel wide: no 2×2 block of skeleton.
  for (const i of on) assert.ok(!(skeleton[i + 1] && skeleton[i + SIDE] && skeleton[i + SIDE + 1]), `a 2×2 block at ${i}`);
});

test('a ring thins to a closed loop: every pixel has two neighbours, none are ends', () => {
  const ring = blank();
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) if (Math.abs(Math.hypot(x - 14, y - 14) - 8) < 1.8) ring[y * SIDE + x] = 1;
  const skeleton = thin(ring, SIDE);
  const on = [...skeleton.keys()].filter((i) => skeleton[i]);
  assert.equal(pieces(skeleton), 1);
  assert.ok(on.every((i) => neighbours(skeleton, i) >= 2), 'a loop has no ends');
  assert.equal(junctionsOf(ring), 0);
});

test('junctions: none on a bar, one on a plus and on a T, four on a #', () => {
  assert.equal(junctionsOf(stroke(blank(), 4, 14, 23, 14)), 0);
  assert.equal(junctionsOf(stroke(stroke(blank(), 4, 14, 23, 14), 14, 4, 14, 23)), 1);
  assert.equal(junctionsOf(stroke(stroke(blank(), 4, 6, 23, 6), 14, 6, 14, 23)), 1);
  const hash = stroke(stroke(stroke(stroke(blank(), 1, 9, 26, 9), 1, 18, 26, 18), 9, 1, 9, 26), 18, 1, 18, 26);
  assert.equal(junctionsOf(hash), 4);
});

test('a short spur off a stroke is pruned; a branch longer than the limit is a junction', () => {
  const withSpur = (length: number) => stroke(stroke(blank(), 4, 14, 23, 14, 1), 14, 14, 14, 14 - length, 1);
  // Thinning alone swallows a bump of 3 pixels; one of 4 leaves a 3-pixel spur on the skeleton.
  assert.equal(junctionsOf(withSpur(4)), 0, 'a 4-pixel spur');
  assert.equal(junctionsOf(withSpur(4), 0), 1, 'the same spur, with pruning off');
  assert.equal(junctionsOf(withSpur(10)), 1, 'a 10-pixel branch');
});
