/**
 * An MNIST digit as an optdigits row: its ink (pixels ≥ 128) scaled to fill
 * a 32×32 bitmap, aspect kept and centred, then counted in 4×4 blocks into
 * an 8×8 grid of 0..16, as optdigits was made from its writers' bitmaps.
 * Drawn back through glyph.ts, such a digit carries our redrawing's
 * losses (blobby strokes, loops filled in) but MNIST's writers: a control
 * for how much of what fine-tuning learns from optdigits is the redrawing,
 * and (bench-real --source mnist-grid) for how much the 8×8 grid alone
 * costs a model that reads these very digits almost without fault.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { CELLS, GRID, type Optdigits, ROWS } from './optdigits.js';

const SIDE = 28;
const BITMAP = 32;
const BLOCK = BITMAP / GRID;

/** Example n of `ds` (28×28 MNIST bytes) as an 8×8 count grid. */
export function mnistGrid(ds: Dataset, n: number): Uint8Array {
  const ink = (x: number, y: number) => ds.images[n * SIDE * SIDE + y * SIDE + x] >= 128;
  let [x0, y0, x1, y1] = [SIDE, SIDE, -1, -1];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      if (!ink(x, y)) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  const grid = new Uint8Array(CELLS);
  if (x1 < 0) return grid;
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const scale = BITMAP / Math.max(w, h);
  const left = (BITMAP - w * scale) / 2;
  const top = (BITMAP - h * scale) / 2;
  for (let Y = 0; Y < BITMAP; Y++) {
    for (let X = 0; X < BITMAP; X++) {
      // The MNIST pixel under this bitmap pixel's centre (nearest).
      const sx = x0 + Math.floor((X + 0.5 - left) / scale);
      const sy = y0 + Math.floor((Y + 0.5 - top) / scale);
      if (sx >= x0 && sx <= x1 && sy >= y0 && sy <= y1 && ink(sx, sy)) grid[Math.floor(Y / BLOCK) * GRID + Math.floor(X / BLOCK)]++;
    }
  }
  return grid;
}

/** MNIST test digits 0 … ROWS−1 as optdigits rows, so the bench's splits, conditions and numbers apply unchanged. */
export function mnistGridRows(test: Dataset): Optdigits {
  const grids = new Uint8Array(ROWS * CELLS);
  for (let n = 0; n < ROWS; n++) grids.set(mnistGrid(test, n), n * CELLS);
  return { grids, labels: test.labels.slice(0, ROWS) };
}
