/**
 * Small pictures drawn pixel by pixel: a 28×28 input as MNIST shows it
 * (white ink on black), and a grid of first-layer weight images in a
 * diverging colour map (blue negative, white zero, red positive). CSS
 * scales the canvases up with crisp pixels (image-rendering: pixelated).
 */

export const SIDE = 28;

/** Draw 784 grey levels (`scale` maps a value to 0..255) into `canvas`, resizing it to 28×28. */
export function drawDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, scale = 255): void {
  canvas.width = SIDE;
  canvas.height = SIDE;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = Math.max(0, Math.min(255, Math.round(pixels[i] * scale)));
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

/** Several 28×28 inputs side by side, a pixel apart: how a number was split, digit by digit. */
export function drawInputs(canvas: HTMLCanvasElement, inputs: ArrayLike<number>[]): void {
  if (inputs.length === 1) return drawDigit(canvas, inputs[0]);
  canvas.width = inputs.length * (SIDE + 1) - 1;
  canvas.height = SIDE;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#444';
  context.fillRect(0, 0, canvas.width, canvas.height);
  inputs.forEach((pixels, k) => {
    const image = context.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = Math.max(0, Math.min(255, Math.round(pixels[i] * 255)));
      image.data.set([v, v, v, 255], 4 * i);
    }
    context.putImageData(image, k * (SIDE + 1), 0);
  });
}

/** Gap between tiles in the weights grid, in pixels. */
const GAP = 2;

/**
 * Draw `units` weight images (each SIDE×SIDE, taken in order from `values`)
 * in a grid `columns` wide, each scaled by its own largest |w| so every
 * unit's pattern shows.
 */
export function drawWeightGrid(canvas: HTMLCanvasElement, values: Float32Array, units: number, columns: number): void {
  const rows = Math.ceil(units / columns);
  canvas.width = columns * (SIDE + GAP) - GAP;
  canvas.height = Math.max(1, rows * (SIDE + GAP) - GAP);
  const context = canvas.getContext('2d')!;
  context.clearRect(0, 0, canvas.width, canvas.height);
  const image = context.createImageData(canvas.width, canvas.height);
  const n = SIDE * SIDE;
  for (let u = 0; u < units; u++) {
    const w = values.subarray(u * n, (u + 1) * n);
    let max = 0;
    for (const v of w) max = Math.max(max, Math.abs(v));
    const x0 = (u % columns) * (SIDE + GAP);
    const y0 = Math.floor(u / columns) * (SIDE + GAP);
    for (let k = 0; k < n; k++) {
      const [r, g, b] = diverging(max > 0 ? w[k] / max : 0);
      const p = 4 * ((y0 + Math.floor(k / SIDE)) * canvas.width + x0 + (k % SIDE));
      image.data[p] = r;
      image.data[p + 1] = g;
      image.data[p + 2] = b;
      image.data[p + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
}

/** t in [-1, 1] → blue (−1), white (0), red (+1). */
function diverging(t: number): [number, number, number] {
  const blue = [33, 102, 172];
  const red = [178, 24, 43];
  const end = t < 0 ? blue : red;
  const a = Math.min(1, Math.abs(t));
  return [0, 1, 2].map((i) => Math.round(255 + (end[i] - 255) * a)) as [number, number, number];
}
