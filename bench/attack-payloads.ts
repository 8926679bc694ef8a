/**
 * Hostile image files for bench/attack.ts, small to send and costly to
 * decode (issue 14): a decompression-bomb PNG (7000×7000 grey zeros, tens of
 * kB, 49 MB decoded) and a progressive-JPEG "scan bomb" (one real image
 * followed by thousands of empty AC scans, each of which makes libjpeg
 * walk every block of the image again).
 */
import sharp from 'sharp';
import { rawPng } from '../test/png-bytes.js';

export const BOMB_SIDE = 7000;

/** A 7000×7000 8-bit grey PNG of zeros: about 50 kB on the wire, 49 megapixels decoded (the limit is 50). */
export function decompressionBombPng(): Uint8Array {
  return rawPng(BOMB_SIDE, BOMB_SIDE, 8, 0, new Uint8Array(BOMB_SIDE * BOMB_SIDE));
}

/**
 * A progressive grey 7000×7000 JPEG padded with empty AC scans up to
 * `maxBytes`. Each scan is a 10-byte SOS header and a few dozen bytes of
 * end-of-band runs (EOB14, 32,767 blocks each) over a one-symbol Huffman
 * table; libjpeg only warns about the repeated progression, so a decoder
 * that lets warnings through decodes every scan.
 */
export async function scanBombJpeg(maxBytes: number): Promise<{ bytes: Uint8Array; scans: number }> {
  const side = BOMB_SIDE;
  const base = await sharp(Buffer.alloc(side * side, 128), { raw: { width: side, height: side, channels: 1 }, limitInputPixels: false })
    .jpeg({ progressive: true, quality: 50 })
    .toBuffer();
  // DHT: class 1 (AC), table 1, one code of length 1 for symbol 0xE0 (EOB14: a run of 2^14 + 14 extra bits).
  const dht = Uint8Array.of(0xff, 0xc4, 0x00, 0x14, 0x11, 1, ...new Array<number>(15).fill(0), 0xe0);
  const blocks = Math.ceil(side / 8) ** 2;
  const scan = Uint8Array.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x01, 0x01, 0x3f, 0x00, ...eobRuns(blocks)]);
  const scans = Math.floor((maxBytes - base.length - dht.length - 16) / scan.length);
  const out = new Uint8Array(base.length - 2 + dht.length + scans * scan.length + 2);
  out.set(base.subarray(0, base.length - 2));
  let at = base.length - 2;
  out.set(dht, at);
  at += dht.length;
  for (let i = 0; i < scans; i++, at += scan.length) out.set(scan, at);
  out.set([0xff, 0xd9], at);
  return { bytes: out, scans };
}

/** Entropy-coded data skipping `blocks` blocks: code "0" (EOB14) and 14 one-bits (run 32,767), repeated; 0xFF stuffed. */
function eobRuns(blocks: number): number[] {
  const bits: number[] = [];
  for (let run = 0; run < Math.ceil(blocks / 32767); run++) bits.push(0, ...new Array<number>(14).fill(1));
  while (bits.length % 8) bits.push(1);
  const bytes: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const byte = bits.slice(i, i + 8).reduce((v, b) => (v << 1) | b, 0);
    bytes.push(byte);
    if (byte === 0xff) bytes.push(0);
  }
  return bytes;
}
