/**
 * One image file through the whole pipeline `digitnet predict` runs:
 * read (refusing what cannot be a picture before reading it), decode,
 * preprocess to MNIST's 28×28, feed the network. Every failure is a
 * one-line DigitNetError naming the file, so the caller can report it and
 * go on with the next file.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { decodeImage } from '../data/decode.js';
import type { RasterImage } from '../data/raster.js';
import { WORKING_SIDE } from '../data/image.js';
import { imageBytesToInput } from '../data/image-file.js';
import type { InkPolarity } from '../data/ink.js';
import { DigitNetError } from '../errors.js';
import type { Network } from '../nn/network.js';
import { predictDigit } from '../nn/probabilities.js';
import { type PictureReading, readPicture } from '../read/read-picture.js';

/**
 * Larger files are refused unread. A 50-megapixel photo (the decoder's
 * limit) is 10–40 MB as JPEG and rarely over 150 MB as PNG; reading an
 * arbitrary multi-gigabyte file into memory to find that out is the blow-up
 * we must avoid.
 */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

export interface Prediction {
  digit: number;
  /** The ten outputs as probabilities (sum 1). */
  probabilities: number[];
  /** The 784 inputs the network saw. */
  input: Float32Array;
}

export function readImageFile(path: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new DigitNetError(`${path}: is a folder, not an image`);
    if (!stat.isFile()) throw new DigitNetError(`${path}: not a regular file`);
    size = stat.size;
  } catch (e) {
    throw asFileError(e, path);
  }
  if (size > MAX_IMAGE_FILE_BYTES) {
    throw new DigitNetError(`${path}: the file is ${size} bytes, over the ${MAX_IMAGE_FILE_BYTES / 2 ** 20} MiB limit for an image file`, 'too-large');
  }
  try {
    return readFileSync(path);
  } catch (e) {
    throw asFileError(e, path);
  }
}

export async function predictImage(network: Network, bytes: Uint8Array, name: string, ink: InkPolarity): Promise<Prediction> {
  const input = await imageBytesToInput(bytes, name, ink);
  return { ...predictDigit(network, input), input };
}

/**
 * The picture in the file at `path`, decoded at working size; a rejected
 * promise (never a throw) for a file that cannot be read or decoded, so a
 * caller may start it early and meet its error when it waits for it.
 */
export async function decodeImageFile(path: string): Promise<RasterImage> {
  return decodeImage(readImageFile(path), path, { maxSide: WORKING_SIDE });
}

/** What is written in the picture: a digit, a number, or "not a digit" (read/read-picture.ts). */
export async function readImage(network: Network, bytes: Uint8Array, name: string, ink: InkPolarity): Promise<PictureReading> {
  const image = await decodeImage(bytes, name, { maxSide: WORKING_SIDE });
  return readPicture(network, image, { name, ink });
}

/**
 * Where --show writes what the network saw: photo.jpg → photo.mnist.png,
 * beside the picture. `taken` (output → picture, for one run) keeps
 * photo.png and photo.jpg from overwriting each other: the second gets
 * photo.jpg.mnist.png.
 */
export function showPath(path: string, taken: Map<string, string>): string {
  const ext = extname(path);
  let out = join(dirname(path), `${ext ? basename(path, ext) : basename(path)}.mnist.png`);
  const owner = taken.get(resolve(out));
  if (owner !== undefined && owner !== resolve(path)) out = join(dirname(path), `${basename(path)}.mnist.png`);
  taken.set(resolve(out), resolve(path));
  return out;
}

function asFileError(e: unknown, path: string): DigitNetError {
  if (e instanceof DigitNetError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DigitNetError(`${path}: file not found`, 'not-found');
  if (code === 'EACCES' || code === 'EPERM') return new DigitNetError(`${path}: permission denied`);
  return new DigitNetError(`${path}: cannot read it (${code ?? (e as Error).message})`);
}
