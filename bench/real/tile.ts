/**
 * Ink as coverage maps: a Tile is one drawn thing (a digit, a letter, a
 * face) cut tight around its ink, a Canvas is the whole picture's ink layer
 * that tiles are stamped into. Coverage runs 0 (paper) to 1 (full ink);
 * edges are fractional, i.e. anti-aliased. Colours, paper and lighting come
 * later (page.ts).
 */

export interface Tile {
  width: number;
  height: number;
  alpha: Float32Array;
}

export type Canvas = Tile;

/** An inclusive pixel box. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function emptyTile(width: number, height: number): Tile {
  return { width, height, alpha: new Float32Array(width * height) };
}

/** Draw `tile` into `canvas` with its top-left corner at (left, top); overlapping ink keeps the darker. */
export function stamp(canvas: Canvas, tile: Tile, left: number, top: number): void {
  for (let y = 0; y < tile.height; y++) {
    const cy = top + y;
    if (cy < 0 || cy >= canvas.height) continue;
    for (let x = 0; x < tile.width; x++) {
      const cx = left + x;
      if (cx < 0 || cx >= canvas.width) continue;
      const a = tile.alpha[y * tile.width + x];
      const p = cy * canvas.width + cx;
      if (a > canvas.alpha[p]) canvas.alpha[p] = a;
    }
  }
}

/** The box of the pixels with any ink, or null for none. */
export function inkBox(tile: Tile): Box | null {
  let box: Box | null = null;
  for (let y = 0; y < tile.height; y++) {
    for (let x = 0; x < tile.width; x++) {
      if (tile.alpha[y * tile.width + x] <= 0) continue;
      if (!box) box = { x0: x, y0: y, x1: x, y1: y };
      else {
        box.x0 = Math.min(box.x0, x);
        box.x1 = Math.max(box.x1, x);
        box.y0 = Math.min(box.y0, y);
        box.y1 = Math.max(box.y1, y);
      }
    }
  }
  return box;
}

/** The tile cut down to its ink box (unchanged if it has no ink). */
export function trim(tile: Tile): Tile {
  const box = inkBox(tile);
  if (!box) return tile;
  const out = emptyTile(box.x1 - box.x0 + 1, box.y1 - box.y0 + 1);
  for (let y = 0; y < out.height; y++) {
    const from = (box.y0 + y) * tile.width + box.x0;
    out.alpha.set(tile.alpha.subarray(from, from + out.width), y * out.width);
  }
  return out;
}

/** Per row, the leftmost (side 'left') or rightmost inked column; NaN where a row has no ink. */
export function rowProfile(tile: Tile, side: 'left' | 'right'): Float64Array {
  const profile = new Float64Array(tile.height).fill(NaN);
  for (let y = 0; y < tile.height; y++) {
    for (let i = 0; i < tile.width; i++) {
      const x = side === 'left' ? i : tile.width - 1 - i;
      if (tile.alpha[y * tile.width + x] > 0) {
        profile[y] = x;
        break;
      }
    }
  }
  return profile;
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
