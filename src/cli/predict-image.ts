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
import type { Threads } from '../kernels/types.js';
import { idleCores } from '../kernels/wasm/node-threads.js';
import type { Network } from '../nn/network.js';
import { predictDigit } from '../nn/probabilities.js';
import { type PictureReading, readPicture } from '../read/read-picture.js';
import { ImagePool } from '../server/image-pool.js';
import { loadDigitModel } from './digit-model.js';

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

/** Pictures below which `--threads auto` reads on this thread: starting a reader thread (sharp included) costs about as much as reading a few. */
const PICTURES_FOR_THREADS = 8;

/** How many threads read `count` pictures: as asked, or for 'auto' every idle core when there are enough pictures (one: read here). */
export function threadsForPictures(threads: Threads, count: number): number {
  if (threads !== 'auto') return threads;
  return count >= PICTURES_FOR_THREADS ? idleCores() : 1;
}

/**
 * Each picture read on a pool of `threads` reader threads (the server's,
 * server/image-pool.ts; each reads as `readImage` does, with `ink`), yielded
 * in order with its reading to come. A few per thread are in flight at once,
 * so memory stays bounded however many files there are.
 */
export async function readingsOnThreads(images: string[], model: string | undefined, threads: number, ink: InkPolarity): Promise<AsyncGenerator<[string, Promise<PictureReading>]>> {
  const { network } = loadDigitModel(model);
  const pool = await ImagePool.create(network, threads);
  const start = (file: string): Promise<PictureReading> => {
    let reading: Promise<PictureReading>;
    try {
      reading = pool.read(readImageFile(file), file, ink);
    } catch (e) {
      reading = Promise.reject(e);
    }
    reading.catch(() => {}); // met when awaited, in turn; until then it is not "unhandled"
    return reading;
  };
  return (async function* () {
    const window = 4 * threads;
    const pending: Promise<PictureReading>[] = [];
    try {
      for (let i = 0; i < images.length; i++) {
        while (pending.length < window && i + pending.length < images.length) pending.push(start(images[i + pending.length]));
        yield [images[i], pending.shift()!] as [string, Promise<PictureReading>];
      }
    } finally {
      await pool.close();
    }
  })();
}
