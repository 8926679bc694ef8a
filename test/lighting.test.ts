/**
 * Photos as people take them (test/paper-scenes.ts): the preprocessing must
 * find the digit under a 110-level gradient, a soft shadow and a vignette,
 * on ruled and squared paper, with dust and the page's edge in view, and
 * give the network nearly the input it gets from the same digit evenly lit.
 * A blank page under the same light has no digit.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { join } from 'node:path';
import { toMnistInput, workingInk } from '../src/data/image.js';
import { loadModel } from '../src/io/model-file.js';
import { packageRoot } from '../src/paths.js';
import { answerDigit } from '../src/read/answer.js';
import { readPicture } from '../src/read/read-picture.js';
import type { RasterImage } from '../src/data/raster.js';
import { loadMnist } from '../src/data/mnist.js';
import { DigitNetError } from '../src/errors.js';
import { Random } from '../src/random.js';
import { shiftedCorrelation } from './image-metrics.js';
import { paperScene, rimShadowScene, SCENES } from './paper-scenes.js';

const { test: mnist } = loadMnist();
const digitAt = (n: number): Uint8Array => mnist.images.subarray(n * 784, (n + 1) * 784);
const DIGITS = 20;

/**
 * For digits 0 … count−1, the best correlation within ±1 pixel between the input of the digit
 * evenly lit and under the scene (each picture named for the error a refusal would throw), sorted;
 * its least and median are reported as a diagnostic.
 */
function correlationsWithEvenLight(t: TestContext, count: number, even: (n: number) => RasterImage, lit: (n: number) => RasterImage, scene: string): number[] {
  const r: number[] = [];
  for (let n = 0; n < count; n++) {
    r.push(shiftedCorrelation(toMnistInput(even(n), { name: `even #${n}` }), toMnistInput(lit(n), { name: `${scene} #${n}` })));
  }
  r.sort((a, b) => a - b);
  t.diagnostic(`best correlation within ±1 pixel with the evenly lit input: min ${r[0].toFixed(3)}, median ${r[count >> 1].toFixed(3)}`);
  return r;
}

for (const scene of SCENES.filter((s) => s !== 'even')) {
  test(`${scene}: the digit comes out as it does evenly lit`, (t) => {
    const r = correlationsWithEvenLight(t, DIGITS, (n) => paperScene(digitAt(n), 'even', n), (n) => paperScene(digitAt(n), scene, n), scene);
    assert.ok(r[0] >= 0.85 && r[DIGITS >> 1] >= 0.95, `min ${r[0].toFixed(3)}, median ${r[DIGITS >> 1].toFixed(3)}`);
  });
}

// "auto" takes the ink to be the side of the paper with more mass, and here the bright corners can
// outweigh a bold digit: read as light ink, no mark stood out, and 5 of these 40 pictures were
// refused as "no digit found" (a held-out picture of the benchmark showed it). The other side is
// now read before refusing.
test('a bold digit at the rim of a deep shadow with bright corners is read as the dark ink it is', (t) => {
  const r = correlationsWithEvenLight(t, 2 * DIGITS, (n) => rimShadowScene(digitAt(n), n, 0), (n) => rimShadowScene(digitAt(n), n), 'rim shadow');
  assert.ok(r[0] >= 0.9 && r[DIGITS] >= 0.95, `min ${r[0].toFixed(3)}, median ${r[DIGITS].toFixed(3)}`);
});

test('a blank page under uneven light has no digit', () => {
  const blank = new Uint8Array(784);
  for (const scene of SCENES) {
    assert.throws(
      () => toMnistInput(paperScene(blank, scene, 1), { name: `blank ${scene}` }),
      (e: unknown) => e instanceof DigitNetError && /no digit found/.test(e.message),
      scene,
    );
  }
  // Both sides are read here before refusing: the shadow's rim is no dark mark, its corners no light one.
  assert.throws(
    () => toMnistInput(rimShadowScene(blank, 1), { name: 'blank rim shadow' }),
    (e: unknown) => e instanceof DigitNetError && /no digit found/.test(e.message),
  );
});

/** An MNIST digit as the pad draws it: black ink on a clean white canvas 10× its size, one RGBA pixel per canvas pixel. */
function padDrawing(digit: Uint8Array): RasterImage {
  const side = 280;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = 255 - digit[Math.floor(y / 10) * 28 + Math.floor(x / 10)];
      data.fill(v, (y * side + x) * 4, (y * side + x) * 4 + 3);
    }
  }
  return { width: side, height: side, data };
}

// On a clean canvas the full reading finds even light too, or a paper level
// a little off where a bold stroke fills its window: over 200 MNIST digits
// drawn this way the two inputs correlated at 0.994 or better (within ±1
// pixel), and the shipped model answered the same digit for every one.
test('a drawing read with `drawing` (no search for uneven light or ruled lines) gives what the full reading gives', () => {
  const network = loadModel(join(packageRoot(), 'models/default.json')).network;
  for (let n = 0; n < 50; n++) {
    const image = padDrawing(digitAt(n));
    const full = toMnistInput(image, { ink: 'dark' });
    const quick = toMnistInput(image, { ink: 'dark', drawing: true });
    const r = shiftedCorrelation(full, quick);
    assert.ok(r >= 0.98, `digit #${n}: correlation ${r.toFixed(3)}`);
    assert.equal(answerDigit(network, quick).digit, answerDigit(network, full).digit, `digit #${n}`);
  }
});

/** Three MNIST digits thickened by 2 pixels (a broad marker), 7× enlarged side by side under a dark band of the page's edge. */
function boldNumber(first: number, seed: number): { image: RasterImage; truth: Uint8Array } {
  const w = 440;
  const h = 236;
  const rng = new Random(seed);
  const data = new Uint8Array(w * h * 4);
  const truth = new Uint8Array(w * h);
  const digits = [0, 1, 2].map((i) => thicken(digitAt(first + i), 2));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = Math.floor(x / 146);
      const u = Math.floor((x - i * 146) / (146 / 28));
      const v = Math.floor((y - 20) / 7);
      const inked = y >= 24 && i < 3 && v >= 0 && v < 28 && u < 28 && digits[i][v * 28 + u] === 1;
      truth[y * w + x] = inked ? 1 : 0;
      const grey = Math.round((inked ? 120 : y < 24 ? 85 : 195) + 3 * rng.gaussian());
      data.fill(Math.max(0, Math.min(255, grey)), 4 * (y * w + x), 4 * (y * w + x) + 3);
      data[4 * (y * w + x) + 3] = 255;
    }
  }
  return { image: { width: w, height: h, data }, truth };
}

/** The 28×28 digit's ink (> 64) grown by `r` pixels each way, as 0/1. */
function thicken(digit: Uint8Array, r: number): Uint8Array {
  const out = new Uint8Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      for (let dy = -r; dy <= r && !out[y * 28 + x]; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const X = x + dx;
          const Y = y + dy;
          if (X >= 0 && X < 28 && Y >= 0 && Y < 28 && digit[Y * 28 + X] > 64) out[y * 28 + x] = 1;
        }
      }
    }
  }
  return out;
}

// Bold digits covering much of the picture, beside the page's edge: the
// large-scale paper level is the ink's where they fill its window, and the
// noise floor taken from the median deviation rose past 255, so 15 of these
// 20 pictures were refused as "no digit found" though plain to the eye.
// Now none is; in 15 of 20 the ink found lies on the digits (in the others
// the paper between such broad strokes is taken for light ink: a limit).
test('bold digits that fill much of the picture beside the page edge are not refused as "no digit found"', (t) => {
  let onDigits = 0;
  for (let s = 0; s < 20; s++) {
    const { image, truth } = boldNumber(3 * s, s);
    const { ink } = workingInk(image, {});
    let found = 0;
    let stray = 0;
    ink.forEach((v, p) => {
      if (v > 0 && truth[p]) found++;
      else if (v > 0) stray++;
    });
    const digitPixels = truth.reduce((a, b) => a + b, 0);
    if (found >= 0.2 * digitPixels && stray < 0.01 * (truth.length - digitPixels)) onDigits++;
  }
  t.diagnostic(`ink found on the digits in ${onDigits} of 20`);
  assert.ok(onDigits >= 14, `ink found on the digits in only ${onDigits} of 20`);
});

test("what is left of a page's edge beside a digit, fainter than the writing, is no mark", () => {
  // A dark 5 on light paper, and along the left side a grey strip (the table beyond the page) over
  // 40% of the height, too short to be taken for the page's edge by its length alone.
  const n = [...mnist.labels].indexOf(5);
  const [w, h, k, left, top] = [300, 260, 7, 30, 40];
  const data = new Uint8Array(w * h * 4).fill(255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const digitX = Math.floor((x - left) / k);
      const digitY = Math.floor((y - top) / k);
      const inDigit = digitX >= 0 && digitX < 28 && digitY >= 0 && digitY < 28;
      let grey = 232;
      if (x < 12 && y > 0.3 * h && y < 0.7 * h) grey = 180;
      if (inDigit) grey = Math.min(grey, 232 - Math.round((200 * digitAt(n)[digitY * 28 + digitX]) / 255));
      data.fill(grey, 4 * (y * w + x), 4 * (y * w + x) + 3);
    }
  }
  const { ink, w: iw, h: ih } = workingInk({ width: w, height: h, data }, { name: 'edge' });
  let leftInk = 0;
  for (let y = 0; y < ih; y++) for (let x = 0; x < Math.round((12 * iw) / w); x++) leftInk += ink[y * iw + x];
  assert.equal(leftInk, 0, 'the grey strip at the side is paper');
  const network = loadModel(join(packageRoot(), 'models/default.json')).network;
  const answer = answerDigit(network, toMnistInput({ width: w, height: h, data }, { name: 'edge' }));
  assert.equal(answer.digit, 5);
});

test('a faint ruled line that runs from the left edge into the digit and stops there is paper, not a second digit', () => {
  // The light model can lose a faint line's pixels beyond a digit near the right side; what is left
  // runs from the left edge into the digit. A dark 3, and such a line through its middle.
  const n = [...mnist.labels].indexOf(3);
  const [w, h, k, left, top] = [320, 220, 6, 170, 30];
  const digitTop = top + 4 * k;
  const line = top + 14 * k;
  const data = new Uint8Array(w * h * 4).fill(255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = Math.floor((x - left) / k);
      const dy = Math.floor((y - top) / k);
      const v = dx >= 0 && dx < 28 && dy >= 0 && dy < 28 ? digitAt(n)[dy * 28 + dx] : 0;
      let grey = 240 - Math.round((210 * v) / 255);
      if (y >= line && y < line + 2 && x < left + 14 * k) grey = Math.min(grey, 215);
      data.fill(grey, 4 * (y * w + x), 4 * (y * w + x) + 3);
    }
  }
  assert.ok(digitTop < line);
  const picture = { width: w, height: h, data };
  const network = loadModel(join(packageRoot(), 'models/default.json')).network;
  const reading = readPicture(network, picture, { name: 'ruled' });
  assert.equal(reading.touching.length, 0, 'no touching digits');
  assert.equal(reading.text, '3');
});
