/**
 * What decoding with sharp adds to plain decoding (image-decode.test.ts):
 * a large photo reduced while it is decoded (maxSide), EXIF orientation
 * honoured, CMYK JPEGs turned to sRGB, the work done off the event loop,
 * and a 12-megapixel phone photo stored sideways read right end to end.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { decodeImage } from '../src/data/decode.js';
import { imageBytesToInput } from '../src/data/image-file.js';
import { WORKING_SIDE } from '../src/data/image.js';
import { DigitNetError } from '../src/errors.js';
import { userDigit } from './image-files.js';
import { correlation } from './image-metrics.js';
import { photoFile } from './photo-file.js';

// MNIST test digit 7, a 9: read without its EXIF orientation (a quarter turn) the shipped model calls it a 6.
const nine = userDigit(7, 'grey');
const upright = photoFile(nine.pixels, { width: 4000, height: 3000, format: 'jpeg' });
const sideways = photoFile(nine.pixels, { width: 4000, height: 3000, format: 'jpeg', orientation: 6 });

test('maxSide reduces while decoding, keeps the aspect ratio, and never enlarges', async () => {
  const photo = await upright;
  const reduced = await decodeImage(photo, 'photo.jpg', { maxSide: WORKING_SIDE });
  assert.deepEqual([reduced.width, reduced.height, reduced.data.length], [1024, 768, 1024 * 768 * 4]);
  const full = await decodeImage(photo, 'photo.jpg');
  assert.deepEqual([full.width, full.height, full.data.length], [4000, 3000, 4000 * 3000 * 4]);
  const small = await photoFile(nine.pixels, { width: 300, height: 200, format: 'png' });
  const same = await decodeImage(small, 'small.png', { maxSide: WORKING_SIDE });
  assert.deepEqual([same.width, same.height], [300, 200]);
  await assert.rejects(decodeImage(small, 'small.png', { maxSide: 0 }), (e: unknown) => e instanceof DigitNetError && e.kind === 'usage');
});

test('EXIF orientation is honoured: a photo stored sideways comes out upright', async () => {
  const stored = await sharp(await sideways).metadata();
  assert.deepEqual([stored.width, stored.height, stored.orientation], [3000, 4000, 6]);
  const image = await decodeImage(await sideways, 'sideways.jpg', { maxSide: WORKING_SIDE });
  assert.deepEqual([image.width, image.height], [1024, 768]);
  const a = await imageBytesToInput(await upright, 'upright.jpg');
  const b = await imageBytesToInput(await sideways, 'sideways.jpg');
  assert.ok(correlation(a, b) > 0.98, `r = ${correlation(a, b)}`);
});

test('a CMYK JPEG comes out as sRGB RGBA', async () => {
  const cmyk = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 40, b: 50 } } }).toColourspace('cmyk').jpeg().toBuffer();
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
  const image = await decodeImage(cmyk, 'cmyk.jpg');
  const [r, g, b, a] = image.data.subarray(4 * 100, 4 * 101);
  assert.ok(Math.abs(r - 200) < 30 && Math.abs(g - 40) < 30 && Math.abs(b - 50) < 30 && a === 255, `${[r, g, b, a]}`);
});

test('decoding runs off the event loop', async () => {
  const photo = await upright;
  let ticks = 0;
  let decoding = true;
  const spin = (): void => {
    ticks++;
    if (decoding) setImmediate(spin);
  };
  setImmediate(spin);
  await decodeImage(photo, 'photo.jpg'); // full size, the slowest way
  decoding = false;
  // Decoded on the event loop, the spinner would get a turn or two at most.
  assert.ok(ticks > 20, `${ticks} turns of the event loop while decoding`);
});

test('many decodes at once, failing ones among them, all finish (each waits its turn)', async () => {
  const photo = await upright;
  const cut = photo.subarray(0, photo.length >> 1);
  const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => decodeImage(i % 3 ? photo : cut, `photo${i}.jpg`, { maxSide: 256 })));
  results.forEach((r, i) => {
    if (i % 3) assert.deepEqual(r.status === 'fulfilled' && [r.value.width, r.value.height], [256, 192], `photo${i}.jpg`);
    else assert.match(r.status === 'rejected' ? String(r.reason.message) : '', new RegExp(`^photo${i}\\.jpg: corrupt or truncated JPEG \\(`));
  });
});

test('a 12-megapixel phone photo, stored sideways, is read right', async () => {
  const { network } = loadDigitModel(undefined);
  assert.equal(network.predict(await imageBytesToInput(await sideways, 'sideways.jpg')), nine.label);
});
