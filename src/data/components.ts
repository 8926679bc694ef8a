/**
 * Connected components of an ink map (pixels > 0: 8-connected, or
 * 4-connected for the paper between strokes), labelled without recursion so
 * a 1024×1024 picture of one big stroke cannot overflow the stack, and the
 * ink's bounding box. Shared by the ink clean-up, the
 * cropping and the reading of a picture. Browser-safe.
 */

/** A rectangle of pixels: columns x..x+width-1, rows y..y+height-1. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Components {
  /** Each pixel's component, 0..count-1, or -1 on paper. */
  label: Int32Array;
  count: number;
  /** Each component's ink sum. */
  mass: Float64Array;
  /** Each component's darkest (largest) value. */
  peak: Float64Array;
  /** Each component's bounding box. */
  boxes: PixelBox[];
}

export function labelComponents(ink: ArrayLike<number>, w: number, h: number, connectivity: 4 | 8 = 8): Components {
  const label = new Int32Array(w * h).fill(-1);
  // Each pixel is pushed once at most: a stack the size of the picture never overflows.
  const stack = new Int32Array(w * h);
  const mass: number[] = [];
  const peak: number[] = [];
  const boxes: PixelBox[] = [];
  for (let start = 0; start < w * h; start++) {
    if (ink[start] <= 0 || label[start] >= 0) continue;
    const id = mass.length;
    let [sum, most, x0, x1, y0, y1, top] = [0, 0, w, 0, h, 0, 0];
    label[start] = id;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top];
      sum += ink[p];
      most = Math.max(most, ink[p]);
      const x = p % w;
      const y = (p - x) / w;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y >= y1) y1 = y + 1;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
          if (connectivity === 4 && nx !== x && ny !== y) continue;
          const q = ny * w + nx;
          if (ink[q] > 0 && label[q] < 0) {
            label[q] = id;
            stack[top++] = q;
          }
        }
      }
    }
    mass.push(sum);
    peak.push(most);
    boxes.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  }
  return { label, count: mass.length, mass: Float64Array.from(mass), peak: Float64Array.from(peak), boxes };
}

/** The bounding box of the ink (> 0) in a w×h map, or null when there is none. */
export function inkBounds(ink: ArrayLike<number>, w: number, h: number): PixelBox | null {
  let x0 = w;
  let x1 = -1;
  let y0 = h;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
