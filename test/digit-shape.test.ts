/**
 * Shapes no digit has (src/read/digit-shape.ts): a mark inside a loop and
 * three loops are turned away whatever the network says, and strokes that
 * meet in three places unless the network is sure; a 0, an 8, a 4, a 0
 * with a one-pixel speck, a slashed or dotted 0, and MNIST's own digits
 * are not. The picture path says why, on the CLI's line and in the JSON.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { describeReading } from '../src/cli/predict-command.js';
import { loadMnist } from '../src/data/mnist.js';
import type { RasterImage } from '../src/data/raster.js';
import { answerDigit } from '../src/read/answer.js';
import { SURE_OF_DIGIT, shapeVeto } from '../src/read/digit-shape.js';
import { readPicture } from '../src/read/read-picture.js';
import { readingJson } from '../src/read/reading-json.js';
import { drawStroke } from './helpers.js';

const SIDE = 28;

/** A w-pixel-thick ring of radii rx, ry around (cx, cy), added to a 28×28 input. */
function ring(input: Float32Array, cx: number, cy: number, rx: number, ry: number, w = 1.6): Float32Array {
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const r = Math.hypot((x - cx) / rx, (y - cy) / ry);
      if (Math.abs(r - 1) * Math.min(rx, ry) < w) input[y * SIDE + x] = 1;
    }
  }
  return input;
}

function dot(input: Float32Array, x: number, y: number, size = 2): Float32Array {
  for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) input[(y + dy) * SIDE + x + dx] = 1;
  return input;
}

/** A stroke of half-width w along (x0, y0)–(x1, y1), added to a 28×28 input. */
const line = (input: Float32Array, x0: number, y0: number, x1: number, y1: number, w = 1.3) => drawStroke(input, SIDE, x0, y0, x1, y1, w);

const blank = () => new Float32Array(SIDE * SIDE);
/** Three long strokes that cross each other in three places, like a scribbled triangle. */
const tangle = () => line(line(line(blank(), 2, 22, 26, 18), 6, 26, 16, 2), 12, 2, 24, 26);
/** Eyes and a mouth big enough that a picture's clean-up keeps them (it drops specks under 5% of the largest mark's ink). */
const face = () => {
  const f = dot(dot(ring(blank(), 14, 14, 9, 10), 9, 9, 3), 16, 9, 3);
  for (let y = 17; y < 19; y++) f.fill(1, y * SIDE + 11, y * SIDE + 17);
  return f;
};

test('a face (eyes and mouth inside its head) is a mark inside a loop', () => {
  assert.equal(shapeVeto(face()), 'a mark inside a loop');
});

test('a 0, a 0 with a one-pixel speck inside, an 8 and an empty input pass', () => {
  assert.equal(shapeVeto(ring(blank(), 14, 14, 6, 9)), null);
  assert.equal(shapeVeto(dot(ring(blank(), 14, 14, 6, 9), 14, 14, 1)), null);
  assert.equal(shapeVeto(ring(ring(blank(), 14, 9, 5, 5), 14, 19, 6, 5)), null);
  assert.equal(shapeVeto(blank()), null);
});

test('a slashed or a dotted zero passes: one mark across the middle of the loop; one mark off the middle does not', () => {
  const slashed = ring(blank(), 14, 14, 7, 10);
  for (let t = -6; t <= 6; t++) dot(slashed, 13 + Math.round(t / 2), 13 + t, 2);
  assert.equal(shapeVeto(slashed), null);
  assert.equal(shapeVeto(dot(ring(blank(), 14, 14, 7, 10), 13, 13, 3)), null);
  const mouthOnly = ring(blank(), 14, 14, 9, 10);
  for (let y = 18; y < 20; y++) mouthOnly.fill(1, y * SIDE + 11, y * SIDE + 17);
  assert.equal(shapeVeto(mouthOnly), 'a mark inside a loop');
});

test('strokes that cross in three places are a tangle, unless the network is sure of a digit', () => {
  assert.equal(shapeVeto(tangle()), 'a tangle of strokes');
  assert.equal(shapeVeto(tangle(), SURE_OF_DIGIT - 0.01), 'a tangle of strokes');
  assert.equal(shapeVeto(tangle(), SURE_OF_DIGIT), null);
  // Two of the three strokes cross once: a digit may do that (a 4, a 7 with a bar).
  assert.equal(shapeVeto(line(line(blank(), 2, 22, 26, 18), 6, 26, 16, 2)), null);
});

test('an 8 of two loops, a 4 with its crossing and a # of four crossings', () => {
  assert.equal(shapeVeto(ring(ring(blank(), 14, 8, 5, 5), 14, 19, 6, 5)), null);
  const four = line(line(line(blank(), 16, 3, 16, 25), 16, 3, 5, 17), 4, 17, 23, 17);
  assert.equal(shapeVeto(four), null);
  const hash = line(line(line(line(blank(), 3, 10, 24, 10), 3, 18, 24, 18), 10, 3, 10, 24), 18, 3, 18, 24);
  // A # also closes a loop in its middle, but only one: it is the crossings that rule it out.
  assert.equal(shapeVeto(hash), 'a tangle of strokes');
});

test('three loops are more than any digit has; pinholes of 1–2 pixels do not count', () => {
  const chain = ring(ring(ring(blank(), 14, 6, 4, 4), 14, 14, 4, 4), 14, 22, 4, 4);
  assert.equal(shapeVeto(chain), 'more than two loops');
  // An 8 beside a blot with a pinhole: the pinhole counts as a loop only from 3 pixels.
  const withPinhole = (holePixels: number) => {
    const eight = ring(ring(blank(), 12, 9, 5, 5), 12, 19, 6, 5);
    for (let y = 1; y <= 3; y++) eight.fill(1, y * SIDE + 21, y * SIDE + 26);
    eight.fill(0, 2 * SIDE + 22, 2 * SIDE + 22 + holePixels);
    return eight;
  };
  assert.equal(shapeVeto(withPinhole(2)), null);
  assert.equal(shapeVeto(withPinhole(3)), 'more than two loops');
});

const { network } = loadDigitModel(undefined);

test('almost no MNIST test digit has a shape that rules it out', () => {
  const { test: mnist } = loadMnist();
  let [loopsOrMarks, tangles] = [0, 0];
  for (let n = 0; n < mnist.count; n++) {
    const input = Float32Array.from(mnist.images.subarray(n * 784, (n + 1) * 784), (v) => v / 255);
    // A confidence of 1 leaves out the tangle check; the shipped model's own confidence puts it back.
    if (shapeVeto(input, 1) !== null) loopsOrMarks++;
    else if (answerDigit(network, input).shape === 'a tangle of strokes') tangles++;
  }
  // 6 and 24 of 10,000 when measured (8s with a tiny third loop; ragged or oddly joined digits the model was unsure of).
  assert.ok(loopsOrMarks <= 20, `${loopsOrMarks} of ${mnist.count} MNIST test digits turned away by a loop or a mark inside one`);
  assert.ok(tangles <= 40, `${tangles} of ${mnist.count} MNIST test digits turned away as a tangle`);
});

test('the answer is "not a digit" with the shape said, even where the network would answer', () => {
  const answer = answerDigit(network, face());
  assert.equal(answer.digit, null);
  assert.equal(answer.shape, 'a mark inside a loop');
  assert.equal(answerDigit(network, ring(blank(), 14, 14, 6, 9)).shape, undefined);
});

test('a picture of a face says why on the CLI line and in the JSON', () => {
  const scale = 8;
  const input = face();
  const w = SIDE * scale;
  const data = new Uint8Array(w * w * 4);
  for (let p = 0; p < w * w; p++) {
    const x = Math.floor((p % w) / scale);
    const y = Math.floor(Math.floor(p / w) / scale);
    data.fill(input[y * SIDE + x] > 0 ? 30 : 230, 4 * p, 4 * p + 3);
    data[4 * p + 3] = 255;
  }
  const picture: RasterImage = { width: w, height: w, data };
  const reading = readPicture(network, picture, { name: 'face.png' });
  assert.equal(reading.text, null);
  assert.equal(reading.reason, 'not a digit');
  assert.match(describeReading(reading), /^not a digit \(a mark inside a loop; best guess \d, \d+\.\d%\)$/);
  assert.equal(readingJson(reading).digits[0].shape, 'a mark inside a loop');
});
