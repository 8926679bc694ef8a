/**
 * From an optdigits 8×8 count grid back to a pen stroke. Each count is the
 * number of set pixels in a 4×4 block of the writer's 32×32 bitmap, so
 * count/16 is that block's ink coverage. The coverage is interpolated
 * bilinearly between cell centres (blank cells around the grid) to a 96×96
 * field and smoothed with a Gaussian (σ = 0.35 cell), and the stroke is
 * where the field exceeds a threshold. The threshold is chosen per digit so
 * that the stroke covers as much area as the writer's bitmap had set
 * pixels (the counts' sum): it lands at 0.43–0.51 for 90% of digits, so
 * "about 0.5 coverage", without breaking thin loops. A pen's weight scales
 * that area: under 1 erodes the glyph (a thin pen), over 1 dilates it.
 * (Catmull–Rom at a fixed 0.5 was tried first: outlines came out beaded at
 * the cell scale and thin loops broke open.)
 *
 * The edge is anti-aliased at the output resolution: the field's gradient
 * turns (field − threshold) into a signed distance in output pixels, so
 * edges are about one pixel soft at any size.
 */
import { CELLS, GRID, MAX_COUNT } from './optdigits.js';
import { clamp01, emptyTile, type Tile, trim } from './tile.js';

/** Blank cells around the grid, so strokes on the edge can end smoothly. */
const PAD = 2;
/** Field pixels per grid cell (so 2×2 field pixels per bitmap pixel). */
const CELL = 8;
const FIELD = (GRID + 2 * PAD) * CELL;
const SIGMA = 0.35 * CELL;

export interface GlyphOptions {
  /** Ink height in output pixels, before rotation. */
  height: number;
  /** Rotation in radians, positive clockwise on screen. */
  angle: number;
  /** Ink area relative to the writer's bitmap: 1 as written, under 1 thinner, over 1 thicker. */
  weight: number;
}

/** The digit as a tile tight around its ink. */
export function glyphTile(grid: Uint8Array, options: GlyphOptions): Tile {
  const field = coverageField(grid);
  const slope = gradientMagnitude(field);
  const threshold = areaThreshold(field, grid, options.weight);
  const box = fieldBox(field, threshold);
  const scale = options.height / (box.y1 - box.y0 + 1);
  const cx = (box.x0 + box.x1 + 1) / 2;
  const cy = (box.y0 + box.y1 + 1) / 2;
  const cos = Math.cos(options.angle);
  const sin = Math.sin(options.angle);
  // The rotated box's extent, plus a margin for the anti-aliased edge.
  const hw = ((box.x1 - box.x0 + 1) * scale) / 2;
  const hh = ((box.y1 - box.y0 + 1) * scale) / 2;
  const halfW = Math.ceil(Math.abs(hw * cos) + Math.abs(hh * sin)) + 2;
  const halfH = Math.ceil(Math.abs(hw * sin) + Math.abs(hh * cos)) + 2;
  const tile = emptyTile(2 * halfW, 2 * halfH);
  for (let py = 0; py < tile.height; py++) {
    for (let px = 0; px < tile.width; px++) {
      // Inverse rotation: output pixel centre → field coordinates.
      const ox = px + 0.5 - halfW;
      const oy = py + 0.5 - halfH;
      const fx = (ox * cos + oy * sin) / scale + cx;
      const fy = (-ox * sin + oy * cos) / scale + cy;
      const f = bilinear(field, fx - 0.5, fy - 0.5);
      if (f <= 0) continue;
      const g = Math.max(bilinear(slope, fx - 0.5, fy - 0.5), 1e-3);
      tile.alpha[py * tile.width + px] = clamp01(0.5 + ((f - threshold) / g) * scale);
    }
  }
  return trim(tile);
}

/** Coverage bilinear between the (padded) cell centres at FIELD×FIELD, then Gaussian-smoothed. */
export function coverageField(grid: Uint8Array): Float32Array {
  if (grid.length !== CELLS) throw new Error(`a grid has ${CELLS} cells, got ${grid.length}`);
  const cell = (x: number, y: number): number =>
    x >= 0 && x < GRID && y >= 0 && y < GRID ? grid[y * GRID + x] / MAX_COUNT : 0;
  const field = new Float32Array(FIELD * FIELD);
  for (let y = 0; y < FIELD; y++) {
    const sy = (y + 0.5) / CELL - 0.5 - PAD;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let x = 0; x < FIELD; x++) {
      const sx = (x + 0.5) / CELL - 0.5 - PAD;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      field[y * FIELD + x] =
        (1 - fy) * ((1 - fx) * cell(x0, y0) + fx * cell(x0 + 1, y0)) + fy * ((1 - fx) * cell(x0, y0 + 1) + fx * cell(x0 + 1, y0 + 1));
    }
  }
  return gaussianBlur(field, SIGMA);
}

/** Separable Gaussian blur of a FIELD×FIELD map, 0 beyond its edges. */
function gaussianBlur(map: Float32Array, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const kernel = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  for (let i = 0; i < kernel.length; i++) kernel[i] /= total;
  // One pass along rows (step 1) or columns (step FIELD); the transposed pass reuses the same loop.
  const pass = (src: Float32Array, step: number, across: number): Float32Array => {
    const out = new Float32Array(FIELD * FIELD);
    for (let line = 0; line < FIELD; line++) {
      for (let i = 0; i < FIELD; i++) {
        let v = 0;
        for (let k = Math.max(-r, -i); k <= Math.min(r, FIELD - 1 - i); k++) v += kernel[k + r] * src[line * across + (i + k) * step];
        out[line * across + i * step] = v;
      }
    }
    return out;
  };
  return pass(pass(map, 1, FIELD), FIELD, 1);
}

/** The field level above which `weight` × the bitmap's set pixels lie (each bitmap pixel is 2×2 field pixels). */
function areaThreshold(field: Float32Array, grid: Uint8Array, weight: number): number {
  let setPixels = 0;
  for (const v of grid) setPixels += v;
  const levels = Float32Array.from(field).sort().reverse();
  return levels[Math.min(levels.length - 1, Math.round(setPixels * (CELL / 4) ** 2 * weight))];
}

/** |∇field| per field pixel, by central differences. */
function gradientMagnitude(field: Float32Array): Float32Array {
  const out = new Float32Array(FIELD * FIELD);
  const at = (x: number, y: number) => field[Math.min(FIELD - 1, Math.max(0, y)) * FIELD + Math.min(FIELD - 1, Math.max(0, x))];
  for (let y = 0; y < FIELD; y++) {
    for (let x = 0; x < FIELD; x++) {
      out[y * FIELD + x] = Math.hypot(at(x + 1, y) - at(x - 1, y), at(x, y + 1) - at(x, y - 1)) / 2;
    }
  }
  return out;
}

/** Bilinear sample at (x, y) in pixel-centre coordinates, 0 outside. */
function bilinear(map: Float32Array, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) => (xx >= 0 && xx < FIELD && yy >= 0 && yy < FIELD ? map[yy * FIELD + xx] : 0);
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/** The field pixels above the threshold, boxed. */
function fieldBox(field: Float32Array, threshold: number): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = FIELD;
  let y0 = FIELD;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < FIELD; y++) {
    for (let x = 0; x < FIELD; x++) {
      if (field[y * FIELD + x] <= threshold) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) throw new Error(`a digit with no coverage above ${threshold}`);
  return { x0, y0, x1, y1 };
}
