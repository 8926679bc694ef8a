/**
 * Numbers: 2–6 optdigits digits of one split written side by side in one
 * picture, as one writer would, with one pen on one paper: a common height
 * of 70–200 px, each digit ±12% of it and rotated up to ±5°, baselines
 * wandering by a few percent, and gaps of four kinds, from wide to
 * touching-but-separable: bounding boxes touching, or the boxes
 * overlapping with the inks as close as they may come. Whatever the gap,
 * 2–4 px of paper stay between the inks on every row, so ink never touches
 * or overlaps. The label is the digit string.
 */
import { Random } from '../../src/random.js';
import { glyphTile } from './glyph.js';
import { type Optdigits, gridOf } from './optdigits.js';
import { type Condition, GLYPH_WEIGHT, randomLook } from './page.js';
import { conditionIndex, fileName, itemSeed, onPage, randomAngle, type Rendered } from './render.js';
import { emptyTile, rowProfile, stamp, type Tile } from './tile.js';

export type Gap = 'wide' | 'normal' | 'touching-boxes' | 'near-ink';

export interface RenderedNumber extends Rendered {
  rows: number[];
  label: string;
  gaps: Gap[];
}

/** Number `index`: its digits drawn (with the seed) from `rows`, one split's rows. */
export function renderNumber(data: Optdigits, rows: readonly number[], index: number, condition: Condition, seed: number): RenderedNumber {
  const rng = new Random(itemSeed(seed, 20, index, conditionIndex(condition)));
  const chosen = Array.from({ length: 2 + rng.int(5) }, () => rows[rng.int(rows.length)]);
  const label = chosen.map((r) => String(data.labels[r])).join('');
  const look = randomLook(rng, condition);
  const height = 70 + rng.int(131);
  const tiles = chosen.map((r) =>
    glyphTile(gridOf(data, r), {
      height: height * (0.88 + 0.24 * rng.next()),
      angle: randomAngle(rng, 5),
      weight: GLYPH_WEIGHT[look.pen.width],
    }),
  );
  const gaps = tiles.slice(1).map(() => randomGap(rng));
  const line = layOut(tiles, gaps, height, rng);
  const name = fileName(`number-${index}-${label}`, condition, look);
  return { bytes: onPage(line, height, look, rng), name, look, rows: chosen, label, gaps };
}

function randomGap(rng: Random): Gap {
  const r = rng.next();
  return r < 0.25 ? 'wide' : r < 0.6 ? 'normal' : r < 0.8 ? 'touching-boxes' : 'near-ink';
}

/** The digits placed left to right on a wandering baseline, as one tile. */
function layOut(tiles: Tile[], gaps: Gap[], height: number, rng: Random): Tile {
  const lefts = [0];
  const tops = tiles.map((t) => Math.round(height * 0.04 * rng.gaussian()) - t.height);
  for (let i = 1; i < tiles.length; i++) {
    const prev = i - 1;
    const boxes = lefts[prev] + tiles[prev].width;
    // However close the boxes, the inks keep `clear` pixels of paper between them.
    const clear = 2 + rng.int(3);
    const inkLimit = nearInkLeft(tiles[prev], lefts[prev], tops[prev], tiles[i], tops[i], clear) ?? boxes;
    const gap = gaps[i - 1];
    const wanted =
      gap === 'wide' ? boxes + Math.round(height * (0.3 + 0.3 * rng.next()))
      : gap === 'normal' ? boxes + Math.round(height * (0.06 + 0.24 * rng.next()))
      : gap === 'touching-boxes' ? boxes
      : -Infinity;
    // Never left of the middle of the previous digit, so the reading order stays plain.
    lefts.push(Math.max(wanted, inkLimit, lefts[prev] + Math.ceil(tiles[prev].width / 2)));
  }
  const top = Math.min(...tops);
  const width = Math.max(...tiles.map((t, i) => lefts[i] + t.width));
  const bottom = Math.max(...tiles.map((t, i) => tops[i] + t.height));
  const line = emptyTile(width, bottom - top);
  tiles.forEach((t, i) => stamp(line, t, lefts[i], tops[i] - top));
  return line;
}

/**
 * Where `next` must start so that on every row both inks share, at least
 * `clear` pixels of paper lie between them (and on one row exactly that).
 * Null when no row has ink in both.
 */
function nearInkLeft(prev: Tile, prevLeft: number, prevTop: number, next: Tile, nextTop: number, clear: number): number | null {
  const right = rowProfile(prev, 'right');
  const left = rowProfile(next, 'left');
  let need = -Infinity;
  for (let y = Math.max(prevTop, nextTop); y < Math.min(prevTop + prev.height, nextTop + next.height); y++) {
    const r = right[y - prevTop];
    const l = left[y - nextTop];
    if (!Number.isNaN(r) && !Number.isNaN(l)) need = Math.max(need, prevLeft + r + 1 + clear - l);
  }
  return Number.isFinite(need) ? need : null;
}
