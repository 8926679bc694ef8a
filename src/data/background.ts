/**
 * The paper under a photo's ink, where the light is uneven: a gradient
 * across the page, a soft shadow, darker corners. Morphology, as document
 * scanners do it: a closing (the largest value nearby, then the smallest)
 * erases every dark mark narrower than the window while keeping the paper's
 * own brightness, steps in it (a shadow's edge) included; an opening does
 * the same for light marks on dark paper. Marks wider than the window (the
 * table beyond the page's edge) stay part of the background, so they are
 * not taken for ink.
 *
 * The work is done on a grid reduced by block means (so about 16 cells span
 * the window), then brought back by bilinear interpolation: cheap at any
 * size, and the block means smooth the paper's noise. Browser-safe.
 */

/** Which side the ink is on: below the paper (dark ink) or above it (light ink). */
export type Envelope = 'upper' | 'lower';

/** Cells per window radius on the reduced grid: enough to follow a shadow, few enough to be cheap. */
const CELLS_PER_RADIUS = 4;

/**
 * The background of the w×h grey picture as seen past marks up to 2·radius
 * pixels wide: the upper envelope (closing) under dark ink, the lower
 * envelope (opening) under light ink. Same size and scale as `grey`.
 */
export function background(grey: ArrayLike<number>, w: number, h: number, radius: number, envelope: Envelope): Float32Array {
  const f = Math.max(1, Math.floor(radius / CELLS_PER_RADIUS));
  const gw = Math.ceil(w / f);
  const gh = Math.ceil(h / f);
  const r = Math.max(1, Math.round(radius / f));
  // Padded so the light's slope carries on past the edges: a vignette's dark corner is paper, not ink.
  const pw = gw + 2 * r;
  const ph = gh + 2 * r;
  let grid = padByPointReflection(blockMeans(grey, w, h, f, gw, gh), gw, gh, r);
  const [first, second] = envelope === 'upper' ? [Math.max, Math.min] : [Math.min, Math.max];
  grid = rankFilter(rankFilter(grid, pw, ph, r, first), pw, ph, r, second);
  // One cell more of the second filter: bringing the grid back to full size blends the cells on either side
  // of a step (the page's edge against the table, a shadow's edge), and the blend, above the dark side, would
  // show as a line of ink along the step. Shifted a cell towards the paper, the blend falls on paper instead.
  grid = rankFilter(grid, pw, ph, 1, second);
  const inner = new Float32Array(gw * gh);
  for (let y = 0; y < gh; y++) inner.set(grid.subarray((y + r) * pw + r, (y + r) * pw + r + gw), y * gw);
  return enlarge(inner, gw, gh, f, w, h);
}

/**
 * The paper's level at a large scale, marks or no marks: the median of the
 * block means within `radius`. Paper is most of any window larger than the
 * digit, so this follows the light without taking either ink or paper for
 * the other; it decides which side the ink is on.
 */
export function paperLevel(grey: ArrayLike<number>, w: number, h: number, radius: number): Float32Array {
  const f = Math.max(1, Math.floor(radius / CELLS_PER_RADIUS));
  const gw = Math.ceil(w / f);
  const gh = Math.ceil(h / f);
  const r = Math.max(1, Math.round(radius / f));
  const grid = blockMeans(grey, w, h, f, gw, gh);
  const out = new Float32Array(gw * gh);
  const window = new Float32Array((2 * r + 1) ** 2);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      let n = 0;
      for (let j = Math.max(0, y - r); j <= Math.min(gh - 1, y + r); j++) {
        for (let i = Math.max(0, x - r); i <= Math.min(gw - 1, x + r); i++) window[n++] = grid[j * gw + i];
      }
      const values = window.subarray(0, n).sort();
      out[y * gw + x] = values[n >> 1];
    }
  }
  return enlarge(out, gw, gh, f, w, h);
}

/** The mean of each f×f block (the last row and column of blocks may be partial). */
function blockMeans(grey: ArrayLike<number>, w: number, h: number, f: number, gw: number, gh: number): Float32Array {
  const sum = new Float64Array(gw * gh);
  const count = new Uint32Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const row = Math.floor(y / f) * gw;
    for (let x = 0; x < w; x++) {
      const cell = row + Math.floor(x / f);
      sum[cell] += grey[y * w + x];
      count[cell]++;
    }
  }
  const means = new Float32Array(gw * gh);
  for (let i = 0; i < means.length; i++) means[i] = sum[i] / count[i];
  return means;
}

/**
 * The grid with `r` cells more on every side, each the point reflection of
 * the grid through the nearest edge cell (2·edge − mirror): a linear slope
 * continues as the same slope, which a closing or opening leaves unchanged.
 */
function padByPointReflection(grid: Float32Array, w: number, h: number, r: number): Float32Array {
  const pw = w + 2 * r;
  const reflect = (i: number, n: number): [number, number] => {
    const edge = Math.min(n - 1, Math.max(0, i));
    const mirror = Math.min(n - 1, Math.max(0, 2 * edge - i));
    return [edge, mirror];
  };
  const out = new Float32Array(pw * (h + 2 * r));
  for (let y = -r; y < h + r; y++) {
    const [ey, my] = reflect(y, h);
    for (let x = -r; x < w + r; x++) {
      const [ex, mx] = reflect(x, w);
      out[(y + r) * pw + x + r] = 2 * grid[ey * w + ex] - grid[my * w + mx];
    }
  }
  return out;
}

/** A square max or min filter of the given radius, one axis at a time; the window is clipped at the edges. */
function rankFilter(src: Float32Array, w: number, h: number, r: number, pick: (a: number, b: number) => number): Float32Array {
  const across = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = src[y * w + x];
      for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++) v = pick(v, src[y * w + k]);
      across[y * w + x] = v;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = across[y * w + x];
      for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) v = pick(v, across[k * w + x]);
      out[y * w + x] = v;
    }
  }
  return out;
}

/** The gw×gh grid of f×f block values back to w×h, bilinear between block centres. */
function enlarge(grid: Float32Array, gw: number, gh: number, f: number, w: number, h: number): Float32Array {
  // Each column's two cells and weight, worked out once rather than per pixel.
  const x0s = new Int32Array(w);
  const x1s = new Int32Array(w);
  const fxs = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const gx = Math.min(gw - 1, Math.max(0, (x + 0.5) / f - 0.5));
    x0s[x] = Math.floor(gx);
    x1s[x] = Math.min(gw - 1, x0s[x] + 1);
    fxs[x] = gx - x0s[x];
  }
  const top = new Float32Array(w);
  const bottom = new Float32Array(w);
  const out = new Float32Array(w * h);
  let row = -1;
  for (let y = 0; y < h; y++) {
    const gy = Math.min(gh - 1, Math.max(0, (y + 0.5) / f - 0.5));
    const y0 = Math.floor(gy);
    const y1 = Math.min(gh - 1, y0 + 1);
    const fy = gy - y0;
    if (y0 !== row) {
      row = y0;
      for (let x = 0; x < w; x++) {
        const a = y0 * gw;
        const b = y1 * gw;
        top[x] = grid[a + x0s[x]] + (grid[a + x1s[x]] - grid[a + x0s[x]]) * fxs[x];
        bottom[x] = grid[b + x0s[x]] + (grid[b + x1s[x]] - grid[b + x0s[x]]) * fxs[x];
      }
    }
    for (let x = 0; x < w; x++) out[y * w + x] = top[x] + (bottom[x] - top[x]) * fy;
  }
  return out;
}
