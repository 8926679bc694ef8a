/**
 * "One writer's" digits for fine-tuning tests: MNIST test digits drawn the
 * way one person might write them, strongly slanted (a fixed shear) and with
 * a thick pen, as dark ink on white paper, 112×112 PNGs named 3_0012.png.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Dataset } from '../src/data/dataset.js';

/** The 84×84 digit on a 112×112 page, so slanted wide digits keep clear of the edges. */
const SIDE = 112;
const SCALE = 3;
const MARGIN = 14;
/** x shifts by SHEAR × (centre − y): tops lean right. */
export const WRITER_SHEAR = 0.6;
/** The pen's radius in 84-pixel units (MNIST's is about 1.5 at this scale). */
export const WRITER_PEN = 3;

/** Example n of `ds` in the writer's style, as PNG bytes. */
export function writerPng(ds: Dataset, n: number): Buffer {
  const ink = new Float32Array(SIDE * SIDE);
  const c = SIDE / 2;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      // Undo the shear and the scale to find the MNIST pixel under (x, y); bilinear.
      const sx = (x - MARGIN - WRITER_SHEAR * (c - y)) / SCALE - 0.5;
      const sy = (y - MARGIN) / SCALE - 0.5;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      let v = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const px = x0 + dx, py = y0 + dy;
        if (px < 0 || py < 0 || px >= 28 || py >= 28) continue;
        const w = (dx ? sx - x0 : 1 - (sx - x0)) * (dy ? sy - y0 : 1 - (sy - y0));
        v += w * ds.images[n * 784 + py * 28 + px] / 255;
      }
      ink[y * SIDE + x] = v;
    }
  }
  // A thick pen: the ink's maximum over a disc.
  const thick = new Float32Array(SIDE * SIDE);
  const r = WRITER_PEN;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let m = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          if (dx * dx + dy * dy > r * r) continue;
          const px = x + dx, py = y + dy;
          if (px >= 0 && py >= 0 && px < SIDE && py < SIDE) m = Math.max(m, ink[py * SIDE + px]);
        }
      }
      thick[y * SIDE + x] = m;
    }
  }
  const png = new PNG({ width: SIDE, height: SIDE });
  for (let i = 0; i < SIDE * SIDE; i++) {
    const g = Math.round(255 * (1 - Math.min(1, thick[i] * 1.3)));
    png.data[4 * i] = png.data[4 * i + 1] = png.data[4 * i + 2] = g;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** `perDigit` pictures of each digit from `ds` (from example `start` on) into `dir`; returns how many. */
export function writeWriterFolder(ds: Dataset, dir: string, perDigit: number, start = 0): number {
  const counts = new Array<number>(10).fill(0);
  let written = 0;
  for (let n = start; n < ds.count && written < 10 * perDigit; n++) {
    const label = ds.labels[n];
    if (counts[label] >= perDigit) continue;
    counts[label]++;
    written++;
    writeFileSync(join(dir, `${label}_${String(n).padStart(5, '0')}.png`), writerPng(ds, n));
  }
  return written;
}
