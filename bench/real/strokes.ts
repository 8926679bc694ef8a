/**
 * Pen strokes from skeletons: paths of points are jittered, sheared,
 * rotated and scaled to pixels, then drawn with a round pen of a given
 * width (coverage from the distance to each segment, so edges are
 * anti-aliased). Used for everything that is not an optdigits digit:
 * letters, scribbles, faces, hatching.
 */
import type { Random } from '../../src/random.js';
import { clamp01, emptyTile, type Tile, trim } from './tile.js';

export type Point = readonly [number, number];
export type Path = readonly Point[];

export interface Pose {
  /** Ink height in pixels (the paths' extent, before rotation). */
  height: number;
  /** Rotation in radians. */
  angle: number;
  /** Horizontal shear (italic slant), x += shear·(y − centre). */
  shear: number;
  /** Horizontal stretch. */
  aspect: number;
  /** Gaussian jitter of every point, as a fraction of the height. */
  jitter: number;
}

/** A pose for a hand-drawn mark `height` pixels tall: small rotation, slant, stretch and wobble. */
export function randomPose(rng: Random, height: number): Pose {
  return {
    height,
    angle: ((rng.next() * 2 - 1) * 8 * Math.PI) / 180,
    shear: (rng.next() * 2 - 1) * 0.15,
    aspect: 0.85 + 0.3 * rng.next(),
    jitter: 0.02,
  };
}

/** Draw `paths` (any units, y down) in `pose` with a pen `width` pixels wide; the tile is cut to the ink. */
export function strokeTile(paths: readonly Path[], pose: Pose, width: number, rng: Random): Tile {
  const placed = posePaths(paths, pose, rng);
  const margin = Math.ceil(width / 2) + 2;
  const xs = placed.flat().map((p) => p[0]);
  const ys = placed.flat().map((p) => p[1]);
  const left = Math.floor(Math.min(...xs)) - margin;
  const top = Math.floor(Math.min(...ys)) - margin;
  const tile = emptyTile(Math.ceil(Math.max(...xs)) - left + margin + 1, Math.ceil(Math.max(...ys)) - top + margin + 1);
  for (const path of placed) {
    const shifted = path.map(([x, y]): Point => [x - left, y - top]);
    if (shifted.length === 1) drawSegment(tile, shifted[0], shifted[0], width);
    for (let i = 1; i < shifted.length; i++) drawSegment(tile, shifted[i - 1], shifted[i], width);
  }
  return trim(tile);
}

/** The paths jittered, then scaled to `pose.height` pixels, stretched, sheared and rotated about their centre. */
function posePaths(paths: readonly Path[], pose: Pose, rng: Random): Point[][] {
  const all = paths.flat();
  const minY = Math.min(...all.map((p) => p[1]));
  const maxY = Math.max(...all.map((p) => p[1]));
  const minX = Math.min(...all.map((p) => p[0]));
  const maxX = Math.max(...all.map((p) => p[0]));
  const unit = Math.max(maxY - minY, 1e-9);
  const scale = pose.height / unit;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const cos = Math.cos(pose.angle);
  const sin = Math.sin(pose.angle);
  return paths.map((path) => {
    // The wobble drifts along a path (each point keeps 80% of the last one's), so dense arcs stay smooth.
    let jx = rng.gaussian();
    let jy = rng.gaussian();
    return path.map(([px, py]): Point => {
      jx = 0.8 * jx + 0.6 * rng.gaussian();
      jy = 0.8 * jy + 0.6 * rng.gaussian();
      const y = (py - cy + pose.jitter * unit * jy) * scale;
      const x = (px - cx + pose.jitter * unit * jx) * scale * pose.aspect + pose.shear * y;
      return [x * cos - y * sin, x * sin + y * cos];
    });
  });
}

/** A round-capped segment: coverage is the pen's half width minus the distance, ±½ pixel. */
function drawSegment(tile: Tile, a: Point, b: Point, width: number): void {
  const r = width / 2;
  const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r - 1));
  const x1 = Math.min(tile.width - 1, Math.ceil(Math.max(a[0], b[0]) + r + 1));
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r - 1));
  const y1 = Math.min(tile.height - 1, Math.ceil(Math.max(a[1], b[1]) + r + 1));
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const qx = x + 0.5 - a[0];
      const qy = y + 0.5 - a[1];
      const t = length2 > 0 ? clamp01((qx * dx + qy * dy) / length2) : 0;
      const d = Math.hypot(qx - t * dx, qy - t * dy);
      const c = clamp01(r + 0.5 - d);
      const p = y * tile.width + x;
      if (c > tile.alpha[p]) tile.alpha[p] = c;
    }
  }
}

/** Points along an elliptical arc from angle a0 to a1 (radians, y down: π/2 is the bottom). */
export function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number, steps = 16): Point[] {
  return Array.from({ length: steps + 1 }, (_, i): Point => {
    const a = a0 + ((a1 - a0) * i) / steps;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
}

/** Chaikin corner cutting: a polyline rounded into a smooth curve. */
export function smooth(path: Path, rounds = 3): Point[] {
  let points: Point[] = [...path];
  for (let r = 0; r < rounds; r++) {
    const next: Point[] = [points[0]];
    for (let i = 0; i + 1 < points.length; i++) {
      const [ax, ay] = points[i];
      const [bx, by] = points[i + 1];
      next.push([0.75 * ax + 0.25 * bx, 0.75 * ay + 0.25 * by], [0.25 * ax + 0.75 * bx, 0.25 * ay + 0.75 * by]);
    }
    next.push(points[points.length - 1]);
    points = next;
  }
  return points;
}
