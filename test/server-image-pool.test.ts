/**
 * The server's image pool (worker threads reading uploads): the same
 * reading as `digitnet predict` gives, bad images as the same one-line
 * DigitNetErrors, and more jobs than threads all answered in their turn.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { readImage } from '../src/cli/predict-image.js';
import { DigitNetError } from '../src/errors.js';
import { ImagePool } from '../src/server/image-pool.js';
import { badImages, userDigit } from './image-files.js';

const { network } = loadDigitModel(undefined);
let pool: ImagePool;

before(async () => {
  pool = await ImagePool.create(network, 2);
});

after(async () => {
  await pool.close();
});

test('the pool reads a picture exactly as predict does', async () => {
  for (const digit of [userDigit(0, 'grey'), userDigit(1, 'jpeg'), userDigit(5, 'rgb')]) {
    const here = await readImage(network, digit.bytes, 'here', 'auto');
    const there = await pool.read(digit.bytes, 'there');
    assert.equal(there.text, here.text, digit.variant);
    assert.deepEqual(
      there.digits.map((d) => d.probabilities),
      here.digits.map((d) => d.probabilities),
    );
    assert.deepEqual(there.digits[0].input, here.digits[0].input);
  }
});

test('a bad image from the pool is a DigitNetError with the one-line message predict gives', async () => {
  for (const bad of badImages(userDigit(0, 'grey').bytes)) {
    await assert.rejects(pool.read(bad.bytes, bad.name), (e: unknown) => {
      assert.ok(e instanceof DigitNetError, bad.name);
      assert.match(e.message, bad.message);
      assert.ok(e.message.startsWith(`${bad.name}: `));
      return true;
    });
  }
});

test('more jobs than threads are all answered, each with its own picture', async () => {
  const digits = Array.from({ length: 7 }, (_, i) => userDigit(i, 'grey'));
  const readings = await Promise.all(digits.map((d, i) => pool.read(d.bytes, `digit ${i}`)));
  assert.deepEqual(
    readings.map((r) => r.text),
    digits.map((d) => String(d.label)),
  );
});
