/**
 * Splitting a number into its digits (src/data/segment.ts), on ink maps of
 * numbers made from MNIST test digits enlarged 2–4× (test/number-image.ts)
 * and of hand-drawn strokes. The rate bars are set below what was measured
 * with these seeds (printed with each test), with margin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inkMap } from '../src/data/ink.js';
import { defaultDataDir, loadPair } from '../src/data/mnist.js';
import { type InkBox, segmentDigits, type Segmentation } from '../src/data/segment.js';
import { Random } from '../src/random.js';
import { composeNumber, type DigitBitmap, drawStrokes, mnistBitmap, type NumberImage } from './number-image.js';

const mnist = loadPair(defaultDataDir(), 't10k');
const digitAt = (n: number): Uint8Array => mnist.images.subarray(n * 784, (n + 1) * 784);

/** The indices of the first `count` test digits labelled `label`. */
function firstOf(label: number, count: number): number[] {
  const found: number[] = [];
  for (let n = 0; n < mnist.count && found.length < count; n++) if (mnist.labels[n] === label) found.push(n);
  return found;
}

/** The first test digit of each class, enlarged `scale` times. */
const exemplar = (label: number, scale: number): DigitBitmap => mnistBitmap(digitAt(firstOf(label, 1)[0]), scale);

function segment(img: NumberImage): Segmentation {
  return segmentDigits(img.ink, img.w, img.h);
}

/** The fraction of box a's area that box b covers. */
function covered(a: InkBox, b: InkBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? (w * h) / (a.width * a.height) : 0;
}

/** Per region, the fraction of each placed digit's ink it holds. */
function inkShares(img: NumberImage, s: Segmentation): number[][] {
  const total = img.boxes.map(() => 0);
  for (let p = 0; p < img.ink.length; p++) if (img.owner[p] >= 0) total[img.owner[p]] += img.ink[p];
  return s.regions.map(({ box, ink }) => {
    const share = img.boxes.map(() => 0);
    for (let y = 0; y < box.height; y++) {
      for (let x = 0; x < box.width; x++) {
        const owner = img.owner[(box.y + y) * img.w + box.x + x];
        if (owner >= 0) share[owner] += ink[y * box.width + x];
      }
    }
    return share.map((v, i) => v / total[i]);
  });
}

/** Why `s` is not a correct reading of `img` (one region per placed digit, in order, with its ink), or '' if it is. */
function misreading(img: NumberImage, s: Segmentation): string {
  if (s.touching.length > 0) return `reported ${s.touching.length} touching blob(s)`;
  if (s.regions.length !== img.boxes.length) return `${s.regions.length} regions for ${img.boxes.length} digits`;
  const shares = inkShares(img, s);
  for (let i = 0; i < img.boxes.length; i++) {
    const box = s.regions[i].box;
    if (covered(img.boxes[i], box) < 0.8) return `region ${i} covers ${covered(img.boxes[i], box).toFixed(2)} of its digit's box`;
    if (shares[i][i] < 0.9) return `region ${i} holds ${shares[i][i].toFixed(2)} of its digit's ink`;
  }
  return '';
}

/** True if some region holds most of the ink of two or more digits: a misreading nobody is told about. */
function silentlyMerged(img: NumberImage, s: Segmentation): boolean {
  return inkShares(img, s).some((share) => share.filter((v) => v >= 0.5).length >= 2);
}

test('single MNIST digits, 5 of each class at 2×, 3× and 4×, come back as one region with their ink', () => {
  for (let label = 0; label < 10; label++) {
    for (const n of firstOf(label, 5)) {
      for (const scale of [2, 3, 4]) {
        const img = composeNumber([mnistBitmap(digitAt(n), scale)], { gaps: [] });
        assert.equal(misreading(img, segment(img)), '', `digit #${n} (${label}) at ${scale}×`);
      }
    }
  }
});

test('2,000 single MNIST digits: at least 99% come back as exactly one region', () => {
  let right = 0;
  const wrong: string[] = [];
  for (let n = 0; n < 2000; n++) {
    const img = composeNumber([mnistBitmap(digitAt(n), 2 + (n % 3))], { gaps: [] });
    const s = segment(img);
    if (s.regions.length === 1 && s.touching.length === 0) right++;
    else wrong.push(`#${n} (${mnist.labels[n]}): ${s.regions.length} regions, ${s.touching.length} touching`);
  }
  console.log(`single digits read as one region: ${(right / 20).toFixed(2)}%; wrong: ${wrong.join('; ')}`);
  // Measured: 99.65%. 7 of 2,000 wrong: four 4s joined thinly at the bar, a 0 and a 6 cut in two, a 5 in
  // two odd pieces reported as touching.
  assert.ok(right >= 0.99 * 2000);
});

/** Hand-drawn digits in several pieces: [name, strokes]. Coordinates are fractions of a 48×72 box. */
const PIECES: [string, [number, number][][]][] = [
  // A 5 whose top bar was written separately and does not touch the body.
  ['5 with a detached bar', [[[0.3, 0.02], [0.95, 0.02]], [[0.3, 0.17], [0.25, 0.45], [0.6, 0.4], [0.88, 0.55], [0.88, 0.8], [0.6, 0.97], [0.1, 0.9]]]],
  // A 4 whose stem was lifted where it crosses the bar: an L and the stem in two pieces.
  ['4 broken at the crossing', [[[0.55, 0], [0.05, 0.6], [0.95, 0.6]], [[0.72, 0.05], [0.72, 0.49]], [[0.72, 0.71], [0.72, 1]]]],
  // A 7 whose bar and stem do not meet.
  ['7 with a separate bar', [[[0.05, 0.02], [0.95, 0.02]], [[0.9, 0.16], [0.4, 1]]]],
];

test('a digit written in separate pieces (5 with a detached bar, broken 4, 7 with a separate bar) is one region', () => {
  for (const [name, strokes] of PIECES) {
    const digit = drawStrokes(strokes, 48, 72, 7);
    const img = composeNumber([digit], { gaps: [] });
    assert.equal(misreading(img, segment(img)), '', name);
    // ... and next to other digits too, a narrow gap either side.
    const number = composeNumber([exemplar(3, 2.5), digit, exemplar(2, 2.5)], { gaps: [6, 6] });
    assert.equal(misreading(number, segment(number)), '', `${name} in a number`);
  }
});

/** The number `digits` from each class's first test digit at `scale`, every gap `gap`, baselines moved by `offsets`. */
function numberOf(digits: string, scale: number, gap: number, offsets: number[]): NumberImage {
  const bitmaps = [...digits].map((c) => exemplar(Number(c), scale));
  return composeNumber(bitmaps, { gaps: bitmaps.slice(1).map(() => gap), offsets: bitmaps.map((_, i) => offsets[i % offsets.length]) });
}

test('37, 2026 and a 6-digit postcode, with gaps from wide to none and uneven baselines, are read digit by digit', () => {
  for (const digits of ['37', '2026', '560034']) {
    for (const scale of [2, 3]) {
      const height = 20 * scale;
      for (const [kind, gap] of [['wide', height / 2], ['narrow', height / 10], ['zero', 0]] as const) {
        for (const offsets of [[0], [0, 3, -2, 4, -3, 1]]) {
          const img = numberOf(digits, scale, Math.round(gap), offsets.map((o) => o * scale));
          const s = segment(img);
          const name = `${digits} at ${scale}×, ${kind} gaps, offsets ${offsets.join(',')}`;
          assert.equal(misreading(img, s), '', name);
          const centres = s.regions.map((r) => r.box.x + r.box.width / 2);
          assert.deepEqual(centres, [...centres].sort((a, b) => a - b), `${name}: left to right`);
        }
      }
    }
  }
});

/** True if some ink pixel of digit 0 has an 8-neighbour of digit 1: the two are one blob. */
function inkJoins(img: NumberImage): boolean {
  for (let y = 1; y < img.h - 1; y++) {
    for (let x = 1; x < img.w - 1; x++) {
      if (img.owner[y * img.w + x] !== 0) continue;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (img.owner[(y + dy) * img.w + x + dx] === 1) return true;
    }
  }
  return false;
}

test('two digits whose ink overlaps by 2–4 pixels are cut into two split regions (or reported as touching), not read as one', () => {
  let touching = 0;
  for (const pair of ['20', '28', '36', '63', '09']) {
    for (const overlap of [2, 3, 4]) {
      const img = numberOf(pair, 3, -overlap, [0, 6]);
      const name = `${pair}, boxes overlapping by ${overlap} pixels`;
      assert.ok(inkJoins(img), `${name}: the ink should join`);
      const s = segment(img);
      assert.ok(!silentlyMerged(img, s), `${name}: read as one region`);
      if (s.touching.length > 0) {
        assert.deepEqual([s.regions.length, s.touching.length], [0, 1], name);
        touching++;
      } else {
        assert.equal(misreading(img, s), '', name);
        assert.ok(s.regions.every((r) => r.split), `${name}: regions marked split`);
      }
    }
  }
  // Measured: all 15 cut right, none reported touching. Deeper overlaps fare worse: from 5 pixels on, the
  // cut through this 09 takes most of the 9 (the count is right, the ink is not); at 12 pixels this 63 is
  // read as one region; random pairs overlapping by 1–4 pixels are merged silently 7% of the time.
  console.log(`overlapping pairs: ${15 - touching} of 15 cut, ${touching} reported touching`);
});

test('two zeros written into each other, beside a 7, are reported as touching rather than read as one digit', () => {
  const img = composeNumber([exemplar(0, 3), exemplar(0, 3), exemplar(7, 3)], { gaps: [-8, 30] });
  const s = segment(img);
  assert.equal(s.regions.length, 1);
  assert.ok(covered(img.boxes[2], s.regions[0].box) > 0.9, 'the 7 is read');
  assert.equal(s.touching.length, 1);
  assert.ok(covered(img.boxes[0], s.touching[0]) > 0.9 && covered(img.boxes[1], s.touching[0]) > 0.9, 'the 00 is reported');
  // Measured: so from 6 to 10 pixels of overlap; at 12 or more the 00 is narrow enough for one digit and is
  // read as one region, and at 4 it is cut in two.
});

/** Gaps between digits, in pixels, for a digit height h. */
const GAPS = {
  wide: (rng: Random, h: number) => Math.round(h * (0.2 + 0.4 * rng.next())),
  narrow: (rng: Random, h: number) => 1 + rng.int(Math.max(1, Math.round(0.1 * h))),
  zero: () => 0,
  overlapping: (rng: Random) => -1 - rng.int(4),
};
type GapKind = keyof typeof GAPS;

/**
 * A random number of 2–6 MNIST test digits, enlarged 2–4× (each digit ±10%),
 * baselines moved up to ±5% of the height, gaps of the kinds given (one drawn per gap).
 */
function randomNumber(rng: Random, kinds: GapKind[]): NumberImage {
  const length = 2 + rng.int(5);
  const scale = 2 + 2 * rng.next();
  const digits = Array.from({ length }, () => mnistBitmap(digitAt(rng.int(mnist.count)), scale * (0.9 + 0.2 * rng.next())));
  const h = Math.max(...digits.map((d) => d.height));
  const gaps = digits.slice(1).map(() => GAPS[kinds[rng.int(kinds.length)]](rng, h));
  const offsets = digits.map(() => Math.round((rng.next() - 0.5) * 0.1 * h));
  return composeNumber(digits, { gaps, offsets });
}

interface Rates {
  /** The right number of regions, nothing reported touching. */
  counted: number;
  /** ... and each region in order with its digit's box and ink (misreading() is ''). */
  right: number;
  /** Some region holds most of two digits' ink. */
  merged: number;
}

/** The rates over `count` random numbers. */
function measure(seed: number, count: number, kinds: GapKind[]): Rates {
  const rng = new Random(seed);
  const rates = { counted: 0, right: 0, merged: 0 };
  for (let i = 0; i < count; i++) {
    const img = randomNumber(rng, kinds);
    const s = segment(img);
    if (s.regions.length === img.boxes.length && s.touching.length === 0) rates.counted += 1 / count;
    if (misreading(img, s) === '') rates.right += 1 / count;
    if (silentlyMerged(img, s)) rates.merged += 1 / count;
  }
  return rates;
}

const percent = (v: number): string => `${(100 * v).toFixed(1)}%`;
const summary = (r: Rates): string => `counted ${percent(r.counted)}, read right ${percent(r.right)}, merged silently ${percent(r.merged)}`;

test('random numbers of 2–6 MNIST digits with gaps from wide to none: at least 98% counted right', () => {
  const mixed = measure(1, 500, ['wide', 'narrow', 'zero']);
  const byKind = (['wide', 'narrow', 'zero', 'overlapping'] as const).map((kind) => ({ kind, ...measure(2, 300, [kind]) }));
  console.log(`500 numbers, gaps of mixed kinds: ${summary(mixed)}`);
  for (const m of byKind) console.log(`300 numbers, ${m.kind} gaps: ${summary(m)}`);
  // Measured: mixed counted 99.0%, read right 98.4%; read right with wide gaps 99.3%, narrow 99.0%,
  // zero 98.0%, overlapping 79.0% (merged silently 15.7%).
  assert.ok(mixed.counted >= 0.98, summary(mixed));
  assert.ok(mixed.right >= 0.97, summary(mixed));
  for (const m of byKind.slice(0, 3)) assert.ok(m.right >= 0.97, `${m.kind}: ${summary(m)}`);
  assert.ok(byKind[3].right >= 0.75, `overlapping: ${summary(byKind[3])}`);
});

test('a grey picture of 2026 (dark pen, noisy paper) goes through inkMap and is read digit by digit', () => {
  const rng = new Random(5);
  for (const gap of [24, 0]) {
    const img = numberOf('2026', 3, gap, [0, 3, -2, 2]);
    const grey = Uint8Array.from(img.ink, (v) => Math.max(0, Math.min(255, Math.round(200 - 170 * v + 6 * rng.gaussian()))));
    const ink = inkMap(grey, img.w, img.h);
    const s = segmentDigits(ink, img.w, img.h);
    assert.equal(misreading({ ...img, ink }, s), '', `gap ${gap}`);
  }
});

test('a blank ink map has no regions and nothing touching', () => {
  assert.deepEqual(segmentDigits(new Float32Array(64 * 48), 64, 48), { regions: [], touching: [] });
  assert.deepEqual(segmentDigits(new Float32Array(0), 0, 0), { regions: [], touching: [] });
  assert.throws(() => segmentDigits(new Float32Array(10), 4, 4), RangeError);
});

test('a dot far from the digits is dropped; a region holds only its own ink', () => {
  const img = numberOf('47', 3, 30, [0]);
  for (let y = 5; y < 8; y++) for (let x = img.w - 8; x < img.w - 5; x++) img.ink[y * img.w + x] = 1;
  const s = segment(img);
  assert.equal(misreading(img, s), '');
  for (const [i, region] of s.regions.entries()) {
    const owned = inkShares(img, { regions: [region], touching: [] })[0];
    assert.ok(owned.every((v, j) => j === i || v === 0), `region ${i} holds another digit's ink`);
  }
});

test('a picture 1,100 × 700 pixels (blobs of 100,000 pixels) is labelled without recursion', () => {
  const img = composeNumber([exemplar(8, 35), exemplar(0, 35)], { gaps: [40] });
  assert.ok(img.w >= 1000 && img.h >= 700, `${img.w}×${img.h}`);
  assert.equal(misreading(img, segment(img)), '');
});
