/**
 * Reading a file the user named, with the one-line errors a missing,
 * unreadable or oversized file deserves. The size is checked before the file
 * is read, and the read stops past the limit even when the size lies (a pipe,
 * /dev/zero, a file still growing), so no file costs more than its limit.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DigitNetError } from '../errors.js';

/**
 * The most a model file or checkpoint can hold. The largest network
 * (nn/network.ts MAX_PARAMETERS, 10 million) takes about 250 MB as JSON
 * numbers and 320 MB in a checkpoint (params, velocities and the best
 * params as base64 float64); past 512 MiB Node cannot even hold the text.
 */
export const MAX_FILE_BYTES = 400 * 2 ** 20;

/** The file's bytes, refused past `maxBytes`; `kind` ("model file", "checkpoint") names it in the errors. */
export function readFileCapped(path: string, kind: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(e, path, kind);
  }
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) throw tooLarge(path, kind, size, maxBytes);
    let buffer: Buffer = Buffer.allocUnsafe(Math.min(maxBytes, size > 0 ? size : 2 ** 16) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw tooLarge(path, kind, null, maxBytes);
        buffer = grow(buffer, Math.min(maxBytes + 1, buffer.length * 2));
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.subarray(0, length);
      length += n;
    }
  } catch (e) {
    throw e instanceof DigitNetError ? e : unreadable(e, path, kind);
  } finally {
    closeSync(fd);
  }
}

/** The file's text, refused past MAX_FILE_BYTES. */
export function readTextFile(path: string, kind: string): string {
  return readFileCapped(path, kind, MAX_FILE_BYTES).toString('utf8');
}

/** "12.3 MiB", or bytes when small. */
export function sizeText(bytes: number): string {
  return bytes < 2 ** 20 ? `${bytes} bytes` : `${(bytes / 2 ** 20).toFixed(1).replace(/\.0$/, '')} MiB`;
}

function grow(buffer: Buffer, size: number): Buffer {
  const bigger = Buffer.allocUnsafe(size);
  buffer.copy(bigger);
  return bigger;
}

/** `size` null: a file whose size fstat cannot tell (a pipe) that kept going. */
function tooLarge(path: string, kind: string, size: number | null, maxBytes: number): DigitNetError {
  const is = size === null ? 'is' : `is ${sizeText(size)},`;
  return new DigitNetError(`${kind} ${path} ${is} more than the ${sizeText(maxBytes)} DigitNet reads`, 'too-large');
}

function unreadable(e: unknown, path: string, kind: string): DigitNetError {
  const code = (e as NodeJS.ErrnoException).code;
  return new DigitNetError(code === 'ENOENT' ? `${kind} not found: ${path}` : `cannot read ${kind} ${path}: ${code ?? (e as Error).message}`, code === 'ENOENT' ? 'not-found' : 'bad-data');
}
