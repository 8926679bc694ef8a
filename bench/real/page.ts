/**
 * A picture of a page, as people deliver them: an ink layer (tile.ts)
 * drawn in a pen's colour on paper of some shade, under some lighting,
 * with ruling or clutter, a little sensor noise, then encoded as RGB PNG or
 * JPEG. Every choice is drawn from the caller's Random, so a seed gives
 * the same bytes every time.
 *
 * Conditions: even (evenly lit), gradient (light falling off linearly
 * across the page by 60–110 grey levels), shadow (a blurred dark region
 * 40–90 levels darker, a half-plane or a blob, possibly over the ink),
 * vignette (corners 50–100 levels darker), lined (ruled paper, maybe a red
 * margin), squared (a grid), clutter (specks and a strip of table beyond
 * the page's edge). Lighting multiplies paper and ink alike, as light does.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Random } from '../../src/random.js';
import { type Box, type Canvas, clamp01 } from './tile.js';

export const CONDITIONS = ['even', 'gradient', 'shadow', 'vignette', 'lined', 'squared', 'clutter'] as const;
export type Condition = (typeof CONDITIONS)[number];

type RGB = readonly [number, number, number];
export type PenWidth = 'thin' | 'normal' | 'thick';

export interface Pen {
  kind: 'marker' | 'ballpoint' | 'pencil';
  width: PenWidth;
  rgb: RGB;
  /** How much the coverage flickers pixel to pixel (pencil on paper grain). */
  grain: number;
}

export interface Look {
  condition: Condition;
  pen: Pen;
  paper: { kind: 'white' | 'cream' | 'grey'; rgb: RGB };
  /** Gaussian noise σ in grey levels. */
  noise: number;
  encoding: { format: 'png' } | { format: 'jpeg'; quality: number };
}

/**
 * Ink area of an optdigits glyph (glyph.ts) relative to the writer's bitmap, by pen width: erode, keep,
 * dilate, a little. (Thinning bold glyphs towards a pen-like width was tried: small loops are often
 * filled in at 8×8, and eroding the blobs broke the thin strokes first.)
 */
export const GLYPH_WEIGHT: Record<PenWidth, number> = { thin: 0.85, normal: 1, thick: 1.15 };
/**
 * Pen width for stroke skeletons (strokes.ts), as a fraction of the mark's height: as bold as the
 * optdigits glyphs (their 2·area/perimeter is 0.16–0.26 of the height, median 0.20), so boldness
 * alone does not tell a letter from a digit.
 */
export const STROKE_WIDTH: Record<PenWidth, number> = { thin: 0.1, normal: 0.14, thick: 0.18 };

export function randomLook(rng: Random, condition: Condition): Look {
  const jitter = (v: number, by: number) => v + (rng.next() * 2 - 1) * by;
  const widths: PenWidth[] = ['thin', 'normal', 'thick'];
  const pens: (() => Pen)[] = [
    () => ({ kind: 'marker', width: widths[1 + rng.int(2)], rgb: [jitter(28, 10), jitter(28, 10), jitter(34, 10)], grain: 0 }),
    () => ({ kind: 'ballpoint', width: widths[rng.int(2)], rgb: [jitter(35, 15), jitter(55, 15), jitter(150, 25)], grain: 0.15 }),
    () => {
      const g = jitter(105, 20);
      return { kind: 'pencil', width: widths[rng.int(3)], rgb: [g, g, g + 6], grain: 0.35 };
    },
  ];
  const papers: (() => Look['paper'])[] = [
    () => ({ kind: 'white', rgb: [jitter(246, 8), jitter(246, 8), jitter(246, 8)] }),
    () => ({ kind: 'cream', rgb: [jitter(245, 8), jitter(235, 8), jitter(205, 12)] }),
    () => {
      const g = jitter(200, 15);
      return { kind: 'grey', rgb: [g, g, g + 3] };
    },
  ];
  return {
    condition,
    pen: pens[rng.int(pens.length)](),
    paper: papers[rng.int(papers.length)](),
    noise: 1.5 + 3.5 * rng.next(),
    encoding: rng.next() < 0.5 ? { format: 'png' } : { format: 'jpeg', quality: 60 + rng.int(36) },
  };
}

/**
 * The finished picture's file bytes. `content` is the box holding all the
 * ink that matters (the page's edge is kept off it).
 */
export function paintPage(ink: Canvas, look: Look, content: Box | null, rng: Random): Uint8Array {
  const { width: w, height: h } = ink;
  const rgb = new Float32Array(w * h * 3);
  const [pr, pg, pb] = look.paper.rgb;
  for (let p = 0; p < 3 * w * h; p += 3) {
    rgb[p] = pr;
    rgb[p + 1] = pg;
    rgb[p + 2] = pb;
  }
  if (look.condition === 'lined' || look.condition === 'squared') drawRuling(rgb, w, h, look.condition === 'squared', rng);
  if (look.condition === 'clutter') drawClutter(rgb, w, h, content, rng);
  drawInk(rgb, ink, look.pen, rng);
  const darkness = lighting(look.condition, w, h, rng);
  // The clamped array rounds and clips to 0..255 as it stores.
  const bytes = new Uint8ClampedArray(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = 3 * (y * w + x);
      const light = 1 - darkness(x, y) / 255;
      const noise = look.noise * NORMALS[rng.nextUint32() >>> 16];
      bytes[p] = rgb[p] * light + noise;
      bytes[p + 1] = rgb[p + 1] * light + noise;
      bytes[p + 2] = rgb[p + 2] * light + noise;
    }
  }
  return encode(new Uint8Array(bytes.buffer), w, h, look.encoding);
}

/** 65,536 standard normals, drawn once: indexing them is much cheaper than a Box–Muller pair per pixel. */
const NORMALS = ((rng: Random) => Float32Array.from({ length: 65536 }, () => rng.gaussian()))(new Random(0x6e6f697a));

function drawInk(rgb: Float32Array, ink: Canvas, pen: Pen, rng: Random): void {
  for (let p = 0; p < ink.alpha.length; p++) {
    let a = ink.alpha[p];
    if (a <= 0) continue;
    if (pen.grain > 0) a *= 1 - pen.grain * rng.next();
    for (let k = 0; k < 3; k++) rgb[3 * p + k] += (pen.rgb[k] - rgb[3 * p + k]) * a;
  }
}

/** Grey levels of darkening at (x, y) for the condition's lighting; 0 when evenly lit. */
function lighting(condition: Condition, w: number, h: number, rng: Random): (x: number, y: number) => number {
  if (condition === 'gradient') {
    const drop = 60 + 50 * rng.next();
    const a = 2 * Math.PI * rng.next();
    const [dx, dy] = [Math.cos(a), Math.sin(a)];
    const half = (Math.abs(w * dx) + Math.abs(h * dy)) / 2;
    return (x, y) => (drop * (1 + ((x - w / 2) * dx + (y - h / 2) * dy) / half)) / 2;
  }
  if (condition === 'shadow') return shadow(w, h, rng);
  if (condition === 'vignette') {
    const drop = 50 + 50 * rng.next();
    const cx = w * (0.4 + 0.2 * rng.next());
    const cy = h * (0.4 + 0.2 * rng.next());
    const corner = Math.max(Math.hypot(cx, cy), Math.hypot(w - cx, cy), Math.hypot(cx, h - cy), Math.hypot(w - cx, h - cy));
    return (x, y) => drop * ((x - cx) ** 2 + (y - cy) ** 2) / corner ** 2;
  }
  return () => 0;
}

/** A soft shadow 40–90 levels deep: a half-plane (a hand, a phone) or a blob, blurred at its edge. */
function shadow(w: number, h: number, rng: Random): (x: number, y: number) => number {
  const depth = 40 + 50 * rng.next();
  const blur = (0.05 + 0.15 * rng.next()) * Math.min(w, h);
  const px = w * (0.2 + 0.6 * rng.next());
  const py = h * (0.2 + 0.6 * rng.next());
  if (rng.next() < 0.5) {
    const a = 2 * Math.PI * rng.next();
    const [nx, ny] = [Math.cos(a), Math.sin(a)];
    return (x, y) => depth * smoothstep(-blur, blur, (x - px) * nx + (y - py) * ny);
  }
  const rx = w * (0.2 + 0.4 * rng.next());
  const ry = h * (0.2 + 0.4 * rng.next());
  const soft = blur / Math.min(rx, ry);
  return (x, y) => depth * (1 - smoothstep(1 - soft, 1 + soft, Math.hypot((x - px) / rx, (y - py) / ry)));
}

const MARGIN_RED: RGB = [225, 110, 110];

/** Ruled lines every 25–40 px (and columns too for squared paper); lined paper may have a red margin. */
function drawRuling(rgb: Float32Array, w: number, h: number, squared: boolean, rng: Random): void {
  const spacing = 25 + 15 * rng.next();
  const thickness = 1 + rng.next();
  const colour: RGB = rng.next() < 0.6 ? [150, 180, 225] : [170, 170, 175];
  const strength = squared ? 0.35 + 0.3 * rng.next() : 0.5 + 0.4 * rng.next();
  const phaseX = spacing * rng.next();
  const phaseY = spacing * rng.next();
  const margin = !squared && rng.next() < 0.5 ? w * (0.06 + 0.1 * rng.next()) : null;
  const onLine = (v: number, phase: number) => {
    const d = (((v + 0.5 - phase) % spacing) + spacing) % spacing;
    return clamp01(thickness / 2 + 0.5 - Math.min(d, spacing - d));
  };
  for (let y = 0; y < h; y++) {
    const row = onLine(y, phaseY);
    for (let x = 0; x < w; x++) {
      const p = 3 * (y * w + x);
      const a = strength * Math.max(row, squared ? onLine(x, phaseX) : 0);
      if (a > 0) for (let k = 0; k < 3; k++) rgb[p + k] += (colour[k] - rgb[p + k]) * a;
      const m = margin === null ? 0 : 0.8 * clamp01(1 - Math.abs(x + 0.5 - margin) / 1.2);
      if (m > 0) for (let k = 0; k < 3; k++) rgb[p + k] += (MARGIN_RED[k] - rgb[p + k]) * m;
    }
  }
}

/** Dust specks anywhere, and the table showing past the page's edge on one side clear of the content. */
function drawClutter(rgb: Float32Array, w: number, h: number, content: Box | null, rng: Random): void {
  const specks = 15 + rng.int(60);
  for (let i = 0; i < specks; i++) {
    const r = 0.6 + (rng.next() < 0.85 ? 1.6 : 3.5) * rng.next();
    const grey = 30 + 90 * rng.next();
    disc(rgb, w, h, w * rng.next(), h * rng.next(), r, [grey, grey, grey], 0.5 + 0.5 * rng.next());
  }
  const box = content ?? { x0: w / 2, y0: h / 2, x1: w / 2, y1: h / 2 };
  // Room between the content and each side; the band takes part of one side's room.
  const sides = [
    { side: 'left', room: box.x0, across: w },
    { side: 'right', room: w - 1 - box.x1, across: w },
    { side: 'top', room: box.y0, across: h },
    { side: 'bottom', room: h - 1 - box.y1, across: h },
  ].filter((s) => s.room > 12);
  if (sides.length === 0) return;
  const { side, room, across } = sides[rng.int(sides.length)];
  const depth = Math.min(room - 6, (0.04 + 0.1 * rng.next()) * across);
  const tilt = ((rng.next() * 2 - 1) * 2 * Math.PI) / 180;
  const table: RGB = rng.next() < 0.5 ? [95, 72, 50] : [60, 62, 66];
  const slope = Math.tan(tilt);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Distance into the page from that side, and position along it.
      const inward = side === 'left' ? x : side === 'right' ? w - 1 - x : side === 'top' ? y : h - 1 - y;
      const along = side === 'left' || side === 'right' ? y : x;
      const a = clamp01(depth + slope * (along - across / 2) - inward + 0.5);
      if (a > 0) for (let k = 0; k < 3; k++) rgb[3 * (y * w + x) + k] += (table[k] - rgb[3 * (y * w + x) + k]) * a;
    }
  }
}

function disc(rgb: Float32Array, w: number, h: number, cx: number, cy: number, r: number, colour: RGB, strength: number): void {
  for (let y = Math.max(0, Math.floor(cy - r - 1)); y <= Math.min(h - 1, Math.ceil(cy + r + 1)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r - 1)); x <= Math.min(w - 1, Math.ceil(cx + r + 1)); x++) {
      const a = strength * clamp01(r + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy));
      if (a > 0) for (let k = 0; k < 3; k++) rgb[3 * (y * w + x) + k] += (colour[k] - rgb[3 * (y * w + x) + k]) * a;
    }
  }
}

function smoothstep(a: number, b: number, v: number): number {
  const t = clamp01((v - a) / (b - a));
  return t * t * (3 - 2 * t);
}

/** RGB bytes as an RGB PNG (pngjs) or a JPEG (jpeg-js), as a phone or scanner would write them. */
export function encode(rgb: Uint8Array, w: number, h: number, encoding: Look['encoding']): Uint8Array {
  if (encoding.format === 'jpeg') {
    const rgba = new Uint8Array(w * h * 4);
    for (let p = 0; p < w * h; p++) {
      rgba[4 * p] = rgb[3 * p];
      rgba[4 * p + 1] = rgb[3 * p + 1];
      rgba[4 * p + 2] = rgb[3 * p + 2];
      rgba[4 * p + 3] = 255;
    }
    return jpeg.encode({ width: w, height: h, data: rgba }, encoding.quality).data;
  }
  const png = new PNG({ width: w, height: h });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 6 });
}
