/**
 * Ways of writing digits that MNIST's American writers seldom used: the
 * European 1, with a long up-stroke (a flag) and sometimes a foot, and the
 * 7 with a bar across its stem. Added to MNIST 1s and 7s during training
 * (augment.ts, `Distortion.styles`), then the digit is fitted and centred
 * again as the preprocessing fits a picture's digit. Only for MNIST-style
 * digit data: label 1 must be a one and label 7 a seven. Browser-safe.
 */
import type { Random } from '../random.js';
import { inkToMnistInput } from './image.js';

/** Rewrite `image` (side×side bytes, a 1 or a 7 by `label`) in a European style; other labels are left alone. */
export function europeanStyle(image: Uint8Array, side: number, label: number, rng: Random): void {
  if (label !== 1 && label !== 7) return;
  const ink = Float32Array.from(image, (v) => v / 255);
  const box = inkBox(ink, side);
  if (!box) return;
  const pen = 0.9 + 0.6 * rng.next();
  const h = box.bottom - box.top + 1;
  if (label === 1) {
    // The flag: from the top of the stem down to the left, a third of the height.
    const top = centreOfRow(ink, side, box.top);
    const length = (0.25 + 0.15 * rng.next()) * h;
    const angle = ((25 + 25 * rng.next()) * Math.PI) / 180;
    line(ink, side, top, box.top, top - length * Math.cos(angle), box.top + length * Math.sin(angle), pen);
    if (rng.next() < 0.4) {
      const bottom = centreOfRow(ink, side, box.bottom);
      const half = (0.15 + 0.1 * rng.next()) * h;
      line(ink, side, bottom - half, box.bottom, bottom + half, box.bottom, pen);
    }
  } else {
    // The bar: across the stem a little below the middle.
    const y = Math.round(box.top + (0.5 + 0.1 * rng.next()) * h);
    const x = centreOfRow(ink, side, y);
    const half = (0.15 + 0.08 * rng.next()) * h;
    line(ink, side, x - half, y, x + half, y, pen);
  }
  const fitted = inkToMnistInput(ink, side, side, 'training digit');
  for (let i = 0; i < image.length; i++) image[i] = Math.round(255 * fitted[i]);
}

function inkBox(ink: Float32Array, side: number): { top: number; bottom: number } | null {
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (ink[y * side + x] > 0.3) {
        if (top < 0) top = y;
        bottom = y;
      }
    }
  }
  return top < 0 ? null : { top, bottom };
}

/** The ink-weighted mean column of row y (the middle if it is empty). */
function centreOfRow(ink: Float32Array, side: number, y: number): number {
  let mass = 0;
  let sum = 0;
  for (let x = 0; x < side; x++) {
    mass += ink[y * side + x];
    sum += x * ink[y * side + x];
  }
  return mass > 0 ? sum / mass : side / 2;
}

/** A round-pen stroke from (ax, ay) to (bx, by), anti-aliased by distance, kept where it is brighter. */
function line(ink: Float32Array, side: number, ax: number, ay: number, bx: number, by: number, pen: number): void {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy || 1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
      const v = Math.max(0, Math.min(1, pen + 0.5 - Math.hypot(x - ax - t * dx, y - ay - t * dy)));
      if (v > ink[y * side + x]) ink[y * side + x] = v;
    }
  }
}
