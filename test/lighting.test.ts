/**
 * Photos as people take them (test/paper-scenes.ts): the preprocessing must
 * find the digit under a 110-level gradient, a soft shadow and a vignette,
 * on ruled and squared paper, with dust and the page's edge in view, and
 * give the network nearly the input it gets from the same digit evenly lit.
 * A blank page under the same light has no digit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toMnistInput } from '../src/data/image.js';
import { loadMnist } from '../src/data/mnist.js';
import { DigitNetError } from '../src/errors.js';
import { shiftedCorrelation } from './image-metrics.js';
import { paperScene, SCENES } from './paper-scenes.js';

const { test: mnist } = loadMnist();
const digitAt = (n: number): Uint8Array => mnist.images.subarray(n * 784, (n + 1) * 784);
const DIGITS = 20;

for (const scene of SCENES.filter((s) => s !== 'even')) {
  test(`${scene}: the digit comes out as it does evenly lit`, (t) => {
    const r: number[] = [];
    for (let n = 0; n < DIGITS; n++) {
      const even = toMnistInput(paperScene(digitAt(n), 'even', n), { name: `even #${n}` });
      const lit = toMnistInput(paperScene(digitAt(n), scene, n), { name: `${scene} #${n}` });
      r.push(shiftedCorrelation(even, lit));
    }
    r.sort((a, b) => a - b);
    t.diagnostic(`best correlation within ±1 pixel with the evenly lit input: min ${r[0].toFixed(3)}, median ${r[DIGITS >> 1].toFixed(3)}`);
    assert.ok(r[0] >= 0.85 && r[DIGITS >> 1] >= 0.95, `min ${r[0].toFixed(3)}, median ${r[DIGITS >> 1].toFixed(3)}`);
  });
}

test('a blank page under uneven light has no digit', () => {
  const blank = new Uint8Array(784);
  for (const scene of SCENES) {
    assert.throws(
      () => toMnistInput(paperScene(blank, scene, 1), { name: `blank ${scene}` }),
      (e: unknown) => e instanceof DigitNetError && /no digit found/.test(e.message),
      scene,
    );
  }
});
