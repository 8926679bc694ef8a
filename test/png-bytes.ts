/**
 * PNG files built byte by byte, for what pngjs's encoder cannot write
 * (palette images) or must not be asked to (a header declaring
 * 50,000×50,000 pixels with no data behind it). Chunks carry the project's
 * own CRC-32 (Node 20 has no zlib.crc32), the one PNG and model files share.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../src/io/encoding.js';

/** One chunk: length, type, data, CRC of type and data. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** An IHDR chunk: size, bit depth, colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA), no interlace. */
export function ihdr(width: number, height: number, bitDepth: number, colorType: number): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = bitDepth;
  data[9] = colorType;
  return chunk('IHDR', data);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A PNG from packed scanlines (`rows`: height rows of ceil(width·bits/8)
 * bytes each, no filter byte), with any extra chunks (PLTE, tRNS) before
 * the image data. For bit depths and colour types pngjs cannot write.
 */
export function rawPng(width: number, height: number, bitDepth: number, colorType: number, rows: Uint8Array, extra: Uint8Array[] = []): Uint8Array {
  const stride = rows.length / height;
  const raw = new Uint8Array(height * (stride + 1)); // each row: filter byte 0, then the row
  for (let y = 0; y < height; y++) raw.set(rows.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return concat([PNG_SIGNATURE, ihdr(width, height, bitDepth, colorType), ...extra, chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** An 8-bit palette PNG: `indices` one byte per pixel, `palette` RGB triples, optional per-entry alpha (tRNS). */
export function palettePng(width: number, height: number, indices: Uint8Array, palette: Uint8Array, alpha?: Uint8Array): Uint8Array {
  return rawPng(width, height, 8, 3, indices, [chunk('PLTE', palette), ...(alpha ? [chunk('tRNS', alpha)] : [])]);
}
