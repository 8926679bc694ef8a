/**
 * The IDX file format of MNIST (http://yann.lecun.com/exdb/mnist/):
 * two zero bytes, a type byte (0x08 = unsigned byte), the number of
 * dimensions, then each dimension as a big-endian uint32, then the data.
 * Every way a file can be wrong gets its own message naming the file, because
 * a user will have to go and fix it. Pure (no Node APIs) so the browser parses
 * the same bytes the same way; mnist.ts unpacks gzipped files before this.
 */
import { DigitNetError } from '../errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** True for bytes that start with the gzip signature. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parse IDX bytes (already unpacked if they were gzipped). `name` is used in error messages. */
export function parseIdx(bytes: Uint8Array, name = 'IDX file'): IdxArray {
  if (isGzip(bytes)) throw new DigitNetError(`${name}: gzipped; unpack it before parsing`);
  if (bytes.length < 4) {
    throw new DigitNetError(`${name}: too short to be an IDX file (${bytes.length} bytes)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DigitNetError(`${name}: wrong magic number 0x${hex(bytes, 0, 4)} (an IDX file starts with 0x0000)`);
  }
  if (bytes[2] !== UBYTE) {
    throw new DigitNetError(`${name}: unsupported IDX data type 0x${hex(bytes, 2, 1)} (only unsigned bytes, 0x08, are supported)`);
  }
  const ndims = bytes[3];
  if (ndims === 0) throw new DigitNetError(`${name}: IDX header declares 0 dimensions`);
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new DigitNetError(`${name}: truncated header (${ndims} dimensions need ${headerLength} bytes, file has ${bytes.length})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const bodyLength = bytes.length - headerLength;
  if (bodyLength < count) {
    throw new DigitNetError(
      `${name}: truncated: dimensions ${dims.join('×')} need ${count} bytes of data, the file has ${bodyLength}`,
    );
  }
  if (bodyLength > count) {
    throw new DigitNetError(
      `${name}: dimensions ${dims.join('×')} disagree with the file length (${count} bytes of data expected, ${bodyLength} found)`,
    );
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/** Images and their labels from IDX, checked to agree; labels as written, whatever their range. */
export interface IdxImages {
  /** count × rows × columns pixel bytes. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** rows × columns. */
  inputSize: number;
}

/**
 * Parse an images file (count×rows×columns) and its labels file (count);
 * the names start every error. Any labels: the caller decides the classes.
 */
export function parseIdxImages(imageBytes: Uint8Array, labelBytes: Uint8Array, imagesName: string, labelsName: string): IdxImages {
  const images = parseIdx(imageBytes, imagesName);
  const labels = parseIdx(labelBytes, labelsName);
  if (images.dims.length !== 3) {
    throw new DigitNetError(`${imagesName}: expected 3 dimensions (count×rows×columns), found ${images.dims.length}`);
  }
  if (labels.dims.length !== 1) {
    throw new DigitNetError(`${labelsName}: expected 1 dimension (count), found ${labels.dims.length}`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DigitNetError(`${labelsName} has ${labels.dims[0]} labels but ${imagesName} has ${count} images`);
  }
  return { images: images.data, labels: labels.data, count, inputSize: rows * cols };
}

/**
 * The whole file's length (header and data) that the IDX header at the start
 * of `bytes` declares; null when `bytes` is too short to hold the header, or
 * does not start with a header parseIdx accepts (parseIdx then says why).
 */
export function declaredIdxLength(bytes: Uint8Array): number | null {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE || bytes[3] === 0) return null;
  const headerLength = 4 + 4 * bytes[3];
  if (bytes.length < headerLength) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let count = 1;
  for (let i = 0; i < bytes[3]; i++) count *= view.getUint32(4 + 4 * i, false);
  return headerLength + count;
}

/** Build IDX bytes; the inverse of parseIdx, used by tests and tools. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex(bytes: Uint8Array, start: number, length: number): string {
  return Array.from(bytes.subarray(start, start + length), (b) => b.toString(16).padStart(2, '0')).join('');
}
