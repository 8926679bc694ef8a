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

export type NumberKind = 'float32' | 'float64' | 'uint32';
const WIDTH: Record<NumberKind, number> = { float32: 4, float64: 8, uint32: 4 };

export function encodeNumbers(values: ArrayLike<number>, kind: NumberKind): string {
  const w = WIDTH[kind];
  const bytes = new Uint8Array(values.length * w);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (kind === 'float32') view.setFloat32(i * w, values[i], true);
    else if (kind === 'float64') view.setFloat64(i * w, values[i], true);
    else view.setUint32(i * w, values[i], true);
  }
  return bytesToBase64(bytes);
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
    const v = kind === 'float32' ? view.getFloat32(i * w, true) : kind === 'float64' ? view.getFloat64(i * w, true) : view.getUint32(i * w, true);
    if (!Number.isFinite(v)) return { error: `value ${i} is not a finite number` };
    values[i] = v;
  }
  return { values };
}
