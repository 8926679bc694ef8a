import { shown } from '../errors.js';

/**
 * Typed arrays ↔ base64 text, little-endian, without Node's Buffer so the
 * browser can use it too; and the small shape checks the file parsers share.
 */

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function bytesToBase64(bytes: Uint8Array): string {
  // btoa takes a "binary string"; build it in slices so huge arrays do not overflow the call stack.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes, or null when `text` is not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export type NumberKind = 'float16' | 'float32' | 'float64' | 'uint32';
const WIDTH: Record<NumberKind, number> = { float16: 2, float32: 4, float64: 8, uint32: 4 };

/** The largest finite float16. */
export const FLOAT16_MAX = 65504;
/** The smallest magnitude that rounds to float16 infinity: halfway from 65504 to 65536, where ties go to even (65536). */
export const FLOAT16_OVERFLOW = 65520;

/** Little-endian base64 of `values`; float16 throws a RangeError for a value beyond ±FLOAT16_MAX once rounded. */
export function encodeNumbers(values: ArrayLike<number>, kind: NumberKind): string {
  const w = WIDTH[kind];
  const bytes = new Uint8Array(values.length * w);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (kind === 'float16') view.setUint16(i * w, toFloat16Bits(values[i]), true);
    else if (kind === 'float32') view.setFloat32(i * w, values[i], true);
    else if (kind === 'float64') view.setFloat64(i * w, values[i], true);
    else view.setUint32(i * w, values[i], true);
  }
  return bytesToBase64(bytes);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The IEEE 754 half-precision bits of v (taken as float32 first), rounded
 * to the nearest, ties to even; subnormals kept. Node 20 has no
 * DataView.setFloat16.
 */
export function toFloat16Bits(v: number): number {
  f32[0] = v;
  if (!(Math.abs(f32[0]) < FLOAT16_OVERFLOW)) throw new RangeError(`${v} does not fit in float16 (at most ±${FLOAT16_MAX})`);
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  let mantissa = x & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign; // under half the smallest subnormal: ±0
    mantissa |= 0x800000; // the implicit 1, now explicit
    return sign | roundShift(mantissa, 14 - exponent);
  }
  // Rounding up may carry into the exponent: still right (below FLOAT16_OVERFLOW it never reaches infinity).
  return sign | ((exponent << 10) + roundShift(mantissa, 13));
}

/** m >> shift, rounded to the nearest, ties to even. */
function roundShift(m: number, shift: number): number {
  const kept = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return rest > halfway || (rest === halfway && (kept & 1) === 1) ? kept + 1 : kept;
}

/** The number whose float16 bits are h (NaN or ±Infinity for those bit patterns). */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Decode `count` numbers (any count when omitted), or explain in a few words why not. */
export function decodeNumbers(text: unknown, kind: NumberKind, count?: number): { values: number[] } | { error: string } {
  if (typeof text !== 'string') return { error: 'expected a base64 string' };
  const bytes = base64ToBytes(text);
  if (!bytes) return { error: 'not valid base64' };
  const w = WIDTH[kind];
  if (count === undefined) {
    if (bytes.length % w !== 0) return { error: `${bytes.length} bytes is not a whole number of ${kind} values` };
    count = bytes.length / w;
  }
  if (bytes.length !== count * w) return { error: `expected ${count} ${kind} values (${count * w} bytes), found ${bytes.length} bytes` };
  const view = new DataView(bytes.buffer);
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const v =
      kind === 'float16' ? fromFloat16Bits(view.getUint16(i * w, true))
      : kind === 'float32' ? view.getFloat32(i * w, true)
      : kind === 'float64' ? view.getFloat64(i * w, true)
      : view.getUint32(i * w, true);
    if (!Number.isFinite(v)) return { error: `value ${i} is not a finite number` };
    values[i] = v;
  }
  return { values };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE, as zip and gzip), continuing from `crc` to cover several pieces. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * CRC-32 of numbers as little-endian float64s: the checksum of parameters in
 * model files and checkpoints, whatever their encoding (JSON text, float32 or
 * float64 base64) as long as it holds these values. −0 counts as 0 because
 * JSON writes −0 as 0.
 */
export function crc32OfNumbers(values: ArrayLike<number>, crc = 0): number {
  const CHUNK = 4096;
  const bytes = new Uint8Array(CHUNK * 8);
  const view = new DataView(bytes.buffer);
  for (let start = 0; start < values.length; start += CHUNK) {
    const n = Math.min(CHUNK, values.length - start);
    for (let i = 0; i < n; i++) view.setFloat64(i * 8, values[start + i] || 0, true);
    crc = crc32(bytes.subarray(0, n * 8), crc);
  }
  return crc;
}

/** "crc32:1a2b3c4d", as files store it. */
export function formatChecksum(crc: number): string {
  return `crc32:${crc.toString(16).padStart(8, '0')}`;
}

/** Why a file's "checksum" does not hold for `computed` (the CRC of the values read), or null when it holds or the file has none. */
export function checksumProblem(stored: unknown, computed: number): string | null {
  if (stored === undefined) return null;
  if (typeof stored !== 'string' || !/^crc32:[0-9a-f]{8}$/.test(stored)) return `bad "checksum" ${shown(stored)} (expected "crc32:" and 8 hex digits)`;
  const actual = formatChecksum(computed);
  return actual === stored ? null : `the parameters do not match the file's checksum (${stored}, computed ${actual}): the file is damaged`;
}
