/**
 * What kind of image a file is and how big it says it is, read from its
 * bytes without decoding (PNG signature and IHDR chunk; JPEG SOI and SOFn
 * marker), and for a PNG, that its chunks run complete to IEND. This runs
 * before any decoder so that a file declaring 50,000×50,000 pixels is
 * refused at once, before anything allocates width×height×4 bytes, and a
 * cut-off file is called truncated. Pure byte reading, browser-safe.
 */
import { DigitNetError } from '../errors.js';

/** The most pixels a decoded image may have: 50 MP covers 48–50 MP phone photos (8160×6120). */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** The longest side a decoded image may have, in pixels. */
export const MAX_IMAGE_SIDE = 20_000;
/** JPEG scans and colour components beyond what any camera or encoder writes (see checkJpegScans). */
export const MAX_JPEG_SCANS = 100;
export const MAX_JPEG_COMPONENTS = 4;

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Formats we recognise only to name them in the error. */
const OTHER_FORMATS: { name: string; test: (b: Uint8Array) => boolean }[] = [
  { name: 'a GIF image', test: (b) => ascii(b, 0, 4) === 'GIF8' },
  { name: 'a WebP image', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP' },
  { name: 'a BMP image', test: (b) => ascii(b, 0, 2) === 'BM' },
  { name: 'a TIFF image', test: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' },
  { name: 'a HEIC/AVIF image', test: (b) => ascii(b, 4, 4) === 'ftyp' && /^(hei[cx]|hev[cx]|mif1|msf1|avi[fs])$/.test(ascii(b, 8, 4)) },
  { name: 'a video or other ISO media file', test: (b) => ascii(b, 4, 4) === 'ftyp' },
  { name: 'a PDF document', test: (b) => ascii(b, 0, 4) === '%PDF' },
  { name: 'an SVG or other text file', test: (b) => /^\s*</.test(ascii(b, 0, 16)) },
];

/**
 * Identify the format and read the declared size; throw a DigitNetError
 * naming `name` if the bytes are not a PNG or JPEG, if the size is 0 or
 * beyond MAX_IMAGE_SIDE / MAX_IMAGE_PIXELS, if a PNG's chunks stop short of
 * IEND, or if the file is too small to hold that many pixels at all.
 */
export function readImageHeader(bytes: Uint8Array, name = 'image'): ImageHeader {
  if (bytes.length === 0) throw new DigitNetError(`${name}: the file is empty`);
  let header: ImageHeader;
  if (startsWith(bytes, PNG_SIGNATURE)) header = readPngHeader(bytes, name);
  else if (startsWith(bytes, [0xff, 0xd8, 0xff])) header = readJpegHeader(bytes, name);
  else {
    const other = OTHER_FORMATS.find((f) => f.test(bytes));
    const what = other ? `it looks like ${other.name}` : 'unknown file signature';
    throw new DigitNetError(`${name}: not a PNG or JPEG image (${what})`);
  }
  checkSize(header, name);
  if (header.format === 'png') checkPngChunks(bytes, header, name);
  else {
    checkJpegLength(bytes, header, name);
    checkJpegScans(bytes, name);
  }
  return header;
}

function checkSize({ format, width, height }: ImageHeader, name: string): void {
  const kind = format.toUpperCase();
  if (width === 0 || height === 0) {
    throw new DigitNetError(`${name}: the ${kind} declares an empty image (${width}×${height} pixels)`);
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new DigitNetError(
      `${name}: the ${kind} declares ${width}×${height} pixels, more than the limit of ` +
        `${MAX_IMAGE_SIDE} per side and ${MAX_IMAGE_PIXELS / 1e6} megapixels: scale it down first`,
    );
  }
}

/** Samples per pixel of each PNG colour type. */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Deflate's best case is 258 bytes from 2 bits: 1032 to 1; 1040 leaves room for the zlib wrapper. */
const DEFLATE_MAX_RATIO = 1040;

/** The bit depths each PNG colour type allows (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/**
 * PNG: signature, then the IHDR chunk: length 13, "IHDR", width, height
 * (big-endian uint32), bit depth, colour type, compression, filter, interlace.
 */
function readPngHeader(bytes: Uint8Array, name: string): ImageHeader {
  if (bytes.length < 8 + 8 + 13) throw new DigitNetError(`${name}: truncated PNG (${bytes.length} bytes, no complete IHDR header)`);
  if (ascii(bytes, 12, 4) !== 'IHDR' || uint32(bytes, 8) !== 13) {
    throw new DigitNetError(`${name}: corrupt PNG (the first chunk is not a 13-byte IHDR header)`);
  }
  const [depth, colorType, compression, filter, interlace] = bytes.subarray(24, 29);
  if (!(PNG_DEPTHS[colorType] ?? []).includes(depth)) {
    throw new DigitNetError(`${name}: corrupt PNG (colour type ${colorType} with bit depth ${depth} does not exist)`);
  }
  if (compression !== 0 || filter !== 0 || interlace > 1) {
    throw new DigitNetError(`${name}: corrupt PNG (unknown compression, filter or interlace method in IHDR)`);
  }
  return { format: 'png', width: uint32(bytes, 16), height: uint32(bytes, 20) };
}

/**
 * Walk the chunks (length, type, data, CRC) to the IEND chunk, so that a
 * cut-off file gets a plain "truncated" error instead of a decoder's riddle.
 */
function checkPngChunks(bytes: Uint8Array, { width, height }: ImageHeader, name: string): void {
  let p = 8;
  let imageData = false;
  let compressed = 0;
  while (p + 8 <= bytes.length) {
    const length = uint32(bytes, p);
    const type = ascii(bytes, p + 4, 4);
    if (p + 12 + length > bytes.length) {
      throw new DigitNetError(`${name}: truncated PNG (the file ends inside its ${JSON.stringify(type)} chunk, after ${bytes.length} bytes)`);
    }
    if (type === 'IDAT') {
      imageData = true;
      compressed += length;
    }
    if (type === 'IEND') {
      if (!imageData) throw new DigitNetError(`${name}: corrupt PNG (no image data: the file has no IDAT chunk)`);
      // Deflate packs at most 1032 bytes into one, so fewer compressed bytes than this cannot be whole:
      // refusing them keeps a tiny file from making the decoder allocate for a huge image.
      const rowBytes = 1 + Math.ceil((width * PNG_CHANNELS[bytes[25]] * bytes[24]) / 8);
      if (compressed * DEFLATE_MAX_RATIO < height * rowBytes) {
        throw new DigitNetError(`${name}: corrupt PNG (${compressed} bytes of compressed image data are too few for ${width}×${height} pixels)`);
      }
      return;
    }
    p += 12 + length;
  }
  throw new DigitNetError(`${name}: truncated PNG (the file ends after ${bytes.length} bytes without an IEND chunk)`);
}

/** SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * JPEG: walk the marker segments after SOI (each FF xx, then a big-endian
 * length that counts itself) until a SOFn segment: precision, height, width.
 */
function readJpegHeader(bytes: Uint8Array, name: string): ImageHeader {
  let p = 2;
  while (p < bytes.length) {
    if (bytes[p] !== 0xff) throw new DigitNetError(`${name}: corrupt JPEG (expected a marker at byte ${p})`);
    while (p < bytes.length && bytes[p] === 0xff) p++; // fill bytes
    if (p >= bytes.length) break;
    const marker = bytes[p++];
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue; // TEM, RSTn, SOI: no length
    if (marker === 0xd9 || marker === 0xda) {
      throw new DigitNetError(`${name}: corrupt JPEG (no frame header before the image data)`);
    }
    if (p + 2 > bytes.length) break;
    const length = (bytes[p] << 8) | bytes[p + 1];
    if (length < 2) throw new DigitNetError(`${name}: corrupt JPEG (segment length ${length} at byte ${p})`);
    if (isStartOfFrame(marker)) {
      if (p + 8 > bytes.length) break;
      const height = (bytes[p + 3] << 8) | bytes[p + 4];
      const width = (bytes[p + 5] << 8) | bytes[p + 6];
      const components = bytes[p + 7];
      // Grey, YCbCr, CMYK: at most 4. A 16-component frame only makes the decoder allocate 4× the memory.
      if (components < 1 || components > MAX_JPEG_COMPONENTS) {
        throw new DigitNetError(`${name}: unsupported JPEG (${components} colour components; at most ${MAX_JPEG_COMPONENTS})`);
      }
      return { format: 'jpeg', width, height };
    }
    p += length;
  }
  throw new DigitNetError(`${name}: truncated JPEG (the file ends before its frame header)`);
}

/**
 * A progressive JPEG has a handful of scans (libjpeg's own encoder writes
 * 10); each is a full pass over the image for the decoder, so a small file
 * of thousands of empty scans holds a decoding thread for minutes. Count
 * the start-of-scan markers (FF DA: entropy-coded data never holds FF
 * followed by anything but 00 or a restart marker) and refuse too many.
 */
function checkJpegScans(bytes: Uint8Array, name: string): void {
  let scans = 0;
  for (let i = bytes.indexOf(0xff); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(0xff, i + 1)) {
    if (bytes[i + 1] === 0xda && ++scans > MAX_JPEG_SCANS) {
      throw new DigitNetError(`${name}: unsupported JPEG (more than ${MAX_JPEG_SCANS} scans: a picture needs a dozen at most)`);
    }
  }
}

/**
 * Every 8×8 block of a baseline or progressive JPEG costs at least one bit
 * (its DC code), so a file with fewer bytes than blocks/8 cannot be whole;
 * refusing it keeps a few bytes from making the decoder allocate for a huge image.
 */
function checkJpegLength(bytes: Uint8Array, { width, height }: ImageHeader, name: string): void {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  if (bytes.length * 8 < blocks) {
    throw new DigitNetError(`${name}: corrupt or truncated JPEG (${bytes.length} bytes are too few for ${width}×${height} pixels)`);
  }
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function uint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}
