/** Decoding PNG and JPEG files: every PNG colour type, and one clear error for every kind of bad file. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import { decodeImage } from '../src/data/decode.js';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, readImageHeader } from '../src/data/image-header.js';
import { DigitNetError } from '../src/errors.js';
import { chunk, concat, ihdr, palettePng, PNG_SIGNATURE, rawPng } from './png-bytes.js';

/** Pixel p's [R, G, B, A]. */
function rgba(data: Uint8Array | Uint8ClampedArray, p: number): number[] {
  return Array.from(data.subarray(4 * p, 4 * p + 4));
}

test('decodes 8-bit grey, grey+alpha, RGB and RGBA PNGs', async () => {
  const grey = await decodeImage(rawPng(3, 2, 8, 0, Uint8Array.of(0, 100, 255, 7, 8, 9)));
  assert.equal(grey.width, 3);
  assert.equal(grey.height, 2);
  assert.deepEqual(rgba(grey.data, 1), [100, 100, 100, 255]);
  assert.deepEqual(rgba(grey.data, 5), [9, 9, 9, 255]);

  const greyAlpha = await decodeImage(rawPng(2, 1, 8, 4, Uint8Array.of(10, 0, 200, 128)));
  assert.deepEqual(rgba(greyAlpha.data, 0), [10, 10, 10, 0]);
  assert.deepEqual(rgba(greyAlpha.data, 1), [200, 200, 200, 128]);

  const rgb = await decodeImage(rawPng(1, 1, 8, 2, Uint8Array.of(1, 2, 3)));
  assert.deepEqual(rgba(rgb.data, 0), [1, 2, 3, 255]);

  const rgbaPng = await decodeImage(rawPng(1, 1, 8, 6, Uint8Array.of(1, 2, 3, 4)));
  assert.deepEqual(rgba(rgbaPng.data, 0), [1, 2, 3, 4]);
});

test('decodes palette PNGs, with and without transparency (tRNS)', async () => {
  const palette = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255);
  const plain = await decodeImage(palettePng(3, 1, Uint8Array.of(2, 0, 1), palette));
  assert.deepEqual([0, 1, 2].map((p) => rgba(plain.data, p)), [[0, 0, 255, 255], [255, 0, 0, 255], [0, 255, 0, 255]]);
  const see = await decodeImage(palettePng(3, 1, Uint8Array.of(2, 0, 1), palette, Uint8Array.of(0, 90)));
  assert.deepEqual([0, 1, 2].map((p) => rgba(see.data, p)), [[0, 0, 255, 255], [255, 0, 0, 0], [0, 255, 0, 90]]);
});

test('decodes 16-bit PNGs to 8 bits and 1-bit grey PNGs to 0 and 255', async () => {
  // 16-bit samples big-endian: 0x0000, 0x8080 (= 128·257), 0xffff.
  const deep = await decodeImage(rawPng(3, 1, 16, 0, Uint8Array.of(0, 0, 0x80, 0x80, 0xff, 0xff)));
  assert.deepEqual([0, 1, 2].map((p) => rgba(deep.data, p)[0]), [0, 128, 255]);
  const deepRgba = await decodeImage(rawPng(1, 1, 16, 6, Uint8Array.of(0xff, 0xff, 0, 0, 0x80, 0x80, 0x80, 0x80)));
  assert.deepEqual(rgba(deepRgba.data, 0), [255, 0, 128, 128]);
  const bits = await decodeImage(rawPng(8, 1, 1, 0, Uint8Array.of(0b10110000)));
  assert.deepEqual([0, 1, 2, 3, 4, 7].map((p) => rgba(bits.data, p)[0]), [255, 0, 255, 255, 0, 0]);
});

test('decodes a JPEG to RGBA of the right size and nearly the right colours', async () => {
  const width = 40;
  const height = 30;
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([(p % width) * 6, 120, 200, 255], 4 * p);
  const image = await decodeImage(jpeg.encode({ width, height, data }, 95).data, 'x.jpg');
  assert.equal(image.width, width);
  assert.equal(image.height, height);
  assert.equal(image.data.length, width * height * 4);
  for (const p of [0, 17, 615, width * height - 1]) {
    const [r, g, b, a] = rgba(image.data, p);
    assert.ok(Math.abs(r - (p % width) * 6) < 10 && Math.abs(g - 120) < 10 && Math.abs(b - 200) < 10 && a === 255, `pixel ${p}: ${[r, g, b, a]}`);
  }
});

/** Rejects with a DigitNetError whose message is one line, starts with the file name and matches `pattern`. */
async function rejects(bytes: Uint8Array, pattern: RegExp, name = 'digit.png'): Promise<void> {
  await assert.rejects(
    () => decodeImage(bytes, name),
    (e: unknown) => {
      assert.ok(e instanceof DigitNetError, `not a DigitNetError: ${e}`);
      assert.ok(e.message.startsWith(`${name}: `), e.message);
      assert.ok(!e.message.includes('\n'), e.message);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

const iend = chunk('IEND', new Uint8Array(0));
const idat = chunk('IDAT', Uint8Array.of(0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01));

test('an empty file, text, and other image formats are refused by name', async () => {
  await rejects(new Uint8Array(0), /the file is empty/);
  await rejects(new TextEncoder().encode('hello, this is not a picture'), /not a PNG or JPEG image \(unknown file signature\)/);
  await rejects(new TextEncoder().encode('GIF89a\x01\x00\x01\x00'), /not a PNG or JPEG image \(it looks like a GIF image\)/);
  await rejects(new TextEncoder().encode('RIFF\x00\x00\x00\x00WEBPVP8 '), /it looks like a WebP image/);
  await rejects(new TextEncoder().encode('\0\0\0\x18ftypheic\0\0\0\0'), /it looks like a HEIC\/AVIF image/);
  await rejects(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), /it looks like an SVG or other text file/);
});

test('a PNG declaring 50,000×50,000 pixels is refused at once, without allocating', async () => {
  const bomb = concat([PNG_SIGNATURE, ihdr(50_000, 50_000, 8, 6), idat, iend]);
  const before = process.memoryUsage().arrayBuffers;
  await rejects(bomb, /declares 50000×50000 pixels, more than the limit of 20000 per side and 50 megapixels/);
  // Refused from the header: nothing near its 10 GB was allocated (no timing here: the machine may be busy).
  assert.ok(process.memoryUsage().arrayBuffers - before < 1e6, 'no big buffer allocated');
});

test('the limits are per side and in total; 0×0 is refused too', async () => {
  assert.equal(MAX_IMAGE_SIDE, 20_000);
  assert.equal(MAX_IMAGE_PIXELS, 50_000_000);
  await rejects(concat([PNG_SIGNATURE, ihdr(20_001, 1, 8, 0), idat, iend]), /declares 20001×1 pixels/);
  await rejects(concat([PNG_SIGNATURE, ihdr(10_000, 5_001, 8, 0), idat, iend]), /declares 10000×5001 pixels/);
  assert.deepEqual(readImageHeader(rawPng(2_000, 1_000, 8, 0, new Uint8Array(2_000_000))), { format: 'png', width: 2_000, height: 1_000 });
  await rejects(concat([PNG_SIGNATURE, ihdr(0, 0, 8, 6), idat, iend]), /the PNG declares an empty image \(0×0 pixels\)/);
  await rejects(concat([PNG_SIGNATURE, ihdr(5, 0, 8, 6), idat, iend]), /empty image \(5×0 pixels\)/);
});

/** A JPEG header by hand: SOI, an APP0 segment, then a baseline SOF0 frame of the given size. */
function jpegHeader(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x0b, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  return Uint8Array.from([0xff, 0xd8, ...app0, 0xff, 0xff, ...sof0, 0xff, 0xd9]); // FF FF: a fill byte before SOF0
}

test('JPEG size limits come from the frame header, before decoding', async () => {
  assert.deepEqual(readImageHeader(jpegHeader(64, 48)), { format: 'jpeg', width: 64, height: 48 });
  const before = process.memoryUsage().arrayBuffers;
  await rejects(jpegHeader(60_000, 60_000), /the JPEG declares 60000×60000 pixels, more than the limit/, 'photo.jpg');
  assert.ok(process.memoryUsage().arrayBuffers - before < 1e6, 'no big buffer allocated');
  await rejects(jpegHeader(0, 0), /the JPEG declares an empty image \(0×0 pixels\)/, 'photo.jpg');
  await rejects(Uint8Array.of(0xff, 0xd8, 0xff), /truncated JPEG \(the file ends before its frame header\)/, 'photo.jpg');
});

test('a tiny file declaring a large image within the limits (a decompression bomb) is refused before decoding', async () => {
  const before = process.memoryUsage().arrayBuffers;
  await rejects(concat([PNG_SIGNATURE, ihdr(7_000, 7_000, 8, 6), idat, iend]), /corrupt PNG \(8 bytes of compressed image data are too few for 7000×7000 pixels\)/);
  await rejects(jpegHeader(7_000, 7_000), /corrupt or truncated JPEG \(37 bytes are too few for 7000×7000 pixels\)/, 'photo.jpg');
  assert.ok(process.memoryUsage().arrayBuffers - before < 1e6, 'no big buffer allocated');
});

/** A real 60×50 grey PNG and JPEG of a gradient. */
function sampleFiles(): { png: Uint8Array; jpg: Uint8Array } {
  const rows = Uint8Array.from({ length: 60 * 50 }, (_, i) => (i * 7) % 256);
  const data = new Uint8Array(60 * 50 * 4);
  for (let p = 0; p < rows.length; p++) data.set([rows[p], rows[p], rows[p], 255], 4 * p);
  return { png: rawPng(60, 50, 8, 0, rows), jpg: jpeg.encode({ width: 60, height: 50, data }, 90).data };
}

test('truncated PNGs say so, wherever they are cut', async () => {
  const { png } = sampleFiles();
  await rejects(png.subarray(0, 20), /truncated PNG \(20 bytes, no complete IHDR header\)/);
  await rejects(png.subarray(0, 33), /truncated PNG \(the file ends after 33 bytes without an IEND chunk\)/);
  await rejects(png.subarray(0, Math.floor(png.length * 0.6)), /truncated PNG \(the file ends inside its "IDAT" chunk/);
  await rejects(png.subarray(0, png.length - 12), /truncated PNG .*without an IEND chunk/);
});

test('corrupt PNGs and JPEGs give the decoder’s reason on one line', async () => {
  const { png, jpg } = sampleFiles();
  const flipped = Uint8Array.from(png);
  flipped[50] ^= 0xff; // inside the compressed image data
  await rejects(flipped, /^digit\.png: corrupt PNG \(.+\)$/);
  await rejects(rawPng(2, 2, 8, 5, new Uint8Array(8)), /corrupt PNG \(colour type 5 with bit depth 8 does not exist\)/);
  await rejects(concat([PNG_SIGNATURE, ihdr(5, 5, 8, 0), iend]), /corrupt PNG \(no image data: the file has no IDAT chunk\)/);
  await rejects(concat([PNG_SIGNATURE, chunk('tEXt', new Uint8Array(13)), iend]), /corrupt PNG \(the first chunk is not a 13-byte IHDR header\)/);
  await rejects(jpg.subarray(0, Math.floor(jpg.length * 0.7)), /^photo\.jpg: corrupt or truncated JPEG \(.+\)$/, 'photo.jpg');
  await rejects(jpg.subarray(0, 300), /corrupt or truncated JPEG/, 'photo.jpg');
});

test('a JPEG of thousands of scans (a scan bomb) and one of 16 colour components are refused from the bytes, before decoding', async () => {
  // A frame header, then 200 start-of-scan segments (each FF DA, length 8, one component, a spectral range).
  const head = jpegHeader(64, 48);
  const sos = [0xff, 0xda, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0];
  const bomb = Uint8Array.from([...head.subarray(0, head.length - 2), ...Array.from({ length: 200 }, () => sos).flat(), 0xff, 0xd9]);
  await rejects(bomb, /unsupported JPEG \(more than 100 scans: a picture needs a dozen at most\)/, 'bomb.jpg');
  const header = jpegHeader(64, 48);
  const sof = header.indexOf(0xc0);
  header[sof + 8] = 16; // the SOF0 segment's component count
  await rejects(header, /unsupported JPEG \(16 colour components; at most 4\)/, 'many.jpg');
  // A real progressive JPEG passes.
  const { jpg } = sampleFiles();
  assert.equal(readImageHeader(jpg, 'ok.jpg').format, 'jpeg');
});
