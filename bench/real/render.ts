/**
 * One optdigits digit as a picture someone would send: the 8×8 grid turned
 * back into a stroke (glyph.ts), 100–300 px tall, rotated up to ±8°, placed
 * off-centre on a canvas 1.3–2.5× the digit's height each way, in a random
 * pen on a random paper under one condition (page.ts), encoded as PNG or
 * JPEG. The same (grid, condition, seed) always gives the same bytes.
 */
import { Random } from '../../src/random.js';
import { glyphTile } from './glyph.js';
import { type Condition, CONDITIONS, GLYPH_WEIGHT, type Look, paintPage, randomLook } from './page.js';
import { emptyTile, stamp, type Tile } from './tile.js';

export interface Rendered {
  bytes: Uint8Array;
  /** A file name for messages, e.g. optdigits-1234-shadow.jpg. */
  name: string;
  look: Look;
}

/** Seeds for separate items: the same (base, parts) always gives the same seed, neighbours differ. */
export function itemSeed(base: number, ...parts: number[]): number {
  let h = Math.imul(base ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  for (const part of parts) {
    h = Math.imul(h ^ (part + 0x7f4a7c15), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  return h;
}

export function conditionIndex(condition: Condition): number {
  return CONDITIONS.indexOf(condition);
}

/** A rotation of up to ±`degrees`, in radians. */
export function randomAngle(rng: Random, degrees = 8): number {
  return ((rng.next() * 2 - 1) * degrees * Math.PI) / 180;
}

export function renderDigit(grid: Uint8Array, row: number, condition: Condition, seed: number): Rendered {
  const rng = new Random(itemSeed(seed, 1, row, conditionIndex(condition)));
  const look = randomLook(rng, condition);
  const height = 100 + rng.int(201);
  const tile = glyphTile(grid, { height, angle: randomAngle(rng), weight: GLYPH_WEIGHT[look.pen.width] });
  return { bytes: onPage(tile, height, look, rng), name: fileName(`optdigits-${row}`, condition, look), look };
}

/**
 * The tile on a page: `markHeight` is the height of one written character,
 * and the canvas gives 0.3–1.5 of it of room each way around the ink (for a
 * single digit, 1.3–2.5× its height), the ink placed anywhere in that room.
 */
export function onPage(tile: Tile, markHeight: number, look: Look, rng: Random): Uint8Array {
  const margin = Math.ceil(0.04 * markHeight) + 2;
  const room = () => Math.round(markHeight * (0.3 + 1.2 * rng.next()));
  const width = Math.max(tile.width, markHeight) + Math.max(room(), 2 * margin);
  const height = Math.max(tile.height, markHeight) + Math.max(room(), 2 * margin);
  const left = margin + rng.int(width - tile.width - 2 * margin + 1);
  const top = margin + rng.int(height - tile.height - 2 * margin + 1);
  const canvas = emptyTile(width, height);
  stamp(canvas, tile, left, top);
  const content = { x0: left, y0: top, x1: left + tile.width - 1, y1: top + tile.height - 1 };
  return paintPage(canvas, look, content, rng);
}

export function fileName(stem: string, condition: Condition, look: Look): string {
  return `${stem}-${condition}.${look.encoding.format === 'png' ? 'png' : 'jpg'}`;
}
