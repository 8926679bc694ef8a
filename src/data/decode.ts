/**
 * Decode a PNG or JPEG file's bytes into RGBA pixels, the one place that
 * knows about image file formats. The header is checked first
 * (image-header.ts) so absurd sizes and non-images never reach a decoder;
 * the decoder's own errors become one-line DigitNetErrors naming the file.
 *
 * The decoder is `sharp` (libvips, native, prebuilt): it runs on libuv's
 * thread pool, so a server decoding an upload keeps answering meanwhile,
 * and given `maxSide` it reduces while decoding (a JPEG is shrunk 2, 4 or
 * 8 times in the DCT domain), so a 12-megapixel photo never exists at full
 * size in memory. Every PNG colour type and bit depth, EXIF orientation,
 * ICC profiles and CMYK come out as 8-bit sRGB RGBA. Node only: in a
 * browser, decode with the browser itself (canvas ImageData is already a
 * RasterImage).
 */
import { availableParallelism } from 'node:os';
import type { OutputInfo, SharpConstructor } from 'sharp';
import { DigitNetError, oneLineMessage } from '../errors.js';
import { MAX_IMAGE_PIXELS, readImageHeader } from './image-header.js';
import type { RasterImage } from './raster.js';

export interface DecodeOptions {
  /** Reduce (never enlarge, aspect kept) so neither side exceeds this many pixels. Default: full size. */
  maxSide?: number;
}

/**
 * The most time libvips may spend on one image, in (whole) seconds. The
 * slowest honest file, a 50 MP interlaced PNG, takes about 2 s here and a
 * 12 MP photo a tenth of that; the budget is for a hostile file, which could
 * otherwise hold a thread of libuv's small pool indefinitely.
 */
export const DECODE_TIMEOUT_SECONDS = 10;

/**
 * Images decoded at once, one per core; more wait their turn. This bounds
 * the memory a burst of uploads can take (a reduced JPEG needs little, but
 * an interlaced PNG is decoded whole first: a few hundred MB at 50 MP) and
 * leaves threads of libuv's pool (4 by default, shared with fs and zlib) free.
 */
const MAX_DECODES = Math.max(1, availableParallelism());
let decoding = 0;
const waiting: (() => void)[] = [];

/** Run `fn` when a decode slot is free; a finished decode hands its slot straight to the next in line. */
async function inDecodeSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (decoding < MAX_DECODES) decoding++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else decoding--;
  }
}

let loading: Promise<SharpConstructor> | undefined;

/**
 * sharp, loaded on first use: loading libvips costs ~60 ms and ~30 MB,
 * which `train` and `eval` (and programs importing DigitNet only to train)
 * need not pay.
 */
function loadSharp(): Promise<SharpConstructor> {
  loading ??= import('sharp').then(
    ({ default: sharp }) => {
      // Each picture is decoded once: libvips's operation cache would only hold memory.
      sharp.cache(false);
      // One libvips thread per image; the server's parallelism is across images (MAX_DECODES). A second
      // thread saves only ~5% on one 12 MP JPEG on 2 cores, and one is sharp's own default on glibc Linux.
      sharp.concurrency(1);
      return sharp;
    },
    (e: unknown) => {
      // A broken install, not a bad image: a plain Error (the CLI's "internal error", the server's 500).
      throw new Error(`cannot load the image decoder, sharp: ${oneLineMessage(e)}`);
    },
  );
  return loading;
}

/** Load the decoder now rather than at the first decode (a caller with other work to overlap). */
export async function prepareDecoder(): Promise<void> {
  await loadSharp();
}

/**
 * Decode PNG or JPEG bytes to 8-bit RGBA, upright per EXIF orientation,
 * reduced to `options.maxSide` if given; `name` (the file name) starts
 * every error message.
 */
export async function decodeImage(bytes: Uint8Array, name = 'image', options: DecodeOptions = {}): Promise<RasterImage> {
  const header = readImageHeader(bytes, name);
  const { maxSide } = options;
  if (maxSide !== undefined && !(Number.isInteger(maxSide) && maxSide >= 1)) {
    throw new DigitNetError(`maxSide must be a whole number of pixels, at least 1, got ${maxSide}`, 'usage');
  }
  const sharp = await loadSharp();
  let output: { data: Buffer; info: OutputInfo };
  try {
    // A Buffer view, no copy: sharp reads a Buffer as an encoded file (some typed arrays it takes for raw pixels).
    let pipeline = sharp(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      // Refuse truncated or undecodable data; libjpeg's mere warnings (stray bytes between markers, common
      // in phone photos) are let through.
      failOn: 'error',
      // The header check's limit again, this time as the decoder itself sees the file.
      limitInputPixels: MAX_IMAGE_PIXELS,
      // Stream top to bottom, so a reduced decode holds a few rows of the full-size image, not all of it.
      sequentialRead: true,
      // Phones store pictures sideways and say so in EXIF; maxSide applies to the upright picture.
      autoOrient: true,
    }).timeout({ seconds: DECODE_TIMEOUT_SECONDS });
    if (maxSide !== undefined) {
      pipeline = pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: true });
    }
    // Grey and palette to RGB, CMYK and ICC profiles to sRGB, 16-bit samples to 8, alpha added if missing.
    const rgba = pipeline.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' });
    output = await inDecodeSlot(() => rgba.toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw decodeError(e, header.format === 'png' ? 'PNG' : 'JPEG', name);
  }
  const { data, info } = output;
  if (info.channels !== 4 || data.length !== info.width * info.height * 4) {
    throw new DigitNetError(`${name}: corrupt image (decoded ${data.length} bytes for ${info.width}×${info.height}, ${info.channels} channels)`);
  }
  return { width: info.width, height: info.height, data };
}

/** libvips's reason for failing, as one DigitNetError naming the file. */
function decodeError(e: unknown, kind: 'PNG' | 'JPEG', name: string): DigitNetError {
  const reason = vipsReason(e);
  if (/pixel limit|out of memory|allocate/i.test(reason)) {
    return new DigitNetError(`${name}: the ${kind} is too large to decode here (${reason}): scale it down first`);
  }
  if (/^timeout\b/.test(reason)) {
    // "timeout: 90% complete; killed for image "temp-44"": the first part is the useful one.
    return new DigitNetError(`${name}: decoding the ${kind} took over ${DECODE_TIMEOUT_SECONDS} s and was stopped (${reason.split(';')[0]})`);
  }
  // A PNG's chunks were checked complete, so a PNG that fails here is corrupt, not cut off.
  return new DigitNetError(`${name}: ${kind === 'PNG' ? 'corrupt PNG' : 'corrupt or truncated JPEG'} (${reason})`);
}

/**
 * libvips reports every message its loaders logged, one per line, often
 * repeated and prefixed with the loader's name ("VipsJpeg: premature end
 * of JPEG image" three times): the distinct messages, on one line.
 */
function vipsReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const lines = message
    .split('\n')
    .map((line) => line.replace(/^Input buffer has corrupt header: /, '').replace(/^(Vips\w*|vips\w*|\w+load\w*): /, '').replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  const reason = [...new Set(lines)].join('; ') || 'unknown decoder error';
  return reason.length > 200 ? `${reason.slice(0, 199)}…` : reason;
}
