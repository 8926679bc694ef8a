/**
 * Images in CSV, as Kaggle's digit-recognizer ships them: one image a row,
 * `label,pixel0,…,pixel783` (train.csv) or `pixel0,…,pixel783` (test.csv),
 * with that header or none. Pixels are whole numbers 0–255; a row holds any
 * square number of them (784 for 28×28). Parsed by csv-parse as a stream,
 * each row turned into bytes as it arrives, so a 76 MB file never exists
 * as 33 million strings at once. The size is checked before reading, and
 * every way a file can be wrong is one line naming the file and the line.
 */
import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { DigitNetError, shown } from '../errors.js';
import { sizeText } from '../io/read-text.js';
import { type ClassLabels, describeLabels, MAX_LABEL } from './classes.js';

/**
 * The most a CSV file may hold: 256 MiB. Kaggle's train.csv is 73 MiB, all
 * 60,000 MNIST training images as CSV 105 MiB; parsing runs at about
 * 25 MB/s, so the largest file takes some ten seconds.
 */
export const MAX_CSV_BYTES = 256 * 2 ** 20;

export interface CsvImages {
  /** count × pixels bytes, row-major. */
  images: Uint8Array;
  /** Each row's label as written (0–255), or null when the file has no label column. */
  labels: Uint8Array | null;
  count: number;
  pixels: number;
  /** The file line each row ended on, to name in errors found after reading. */
  lines: Uint32Array;
}

export interface CsvExpect {
  /** The pixels per row the caller needs (a model's inputs); by default the header's or first row's, a square count. */
  pixels?: number;
  /** Refuse labels outside these classes, at their line (a test file checked against its training file). */
  classes?: ClassLabels;
}

/** The most characters one row (or one field) may hold. */
const MAX_RECORD_CHARS = 4 * 2 ** 20;

/** Read a CSV of images; `path` (as the user gave it) starts every error. */
export async function readCsvImages(path: string, expect: CsvExpect = {}): Promise<CsvImages> {
  checkCsvSize(path);
  const rows = new CsvRows(path, expect);
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    // Row widths are checked here, to say "783 pixels, expected 784" rather than csv-parse's words.
    relax_column_count: true,
    // A row of the widest network's inputs is about 1 MB of text: a longer line or field is no image, and
    // buffering it (a file of zeros with no newline) would cost seconds and hundreds of MB before any error.
    max_record_size: MAX_RECORD_CHARS,
    // Each row becomes bytes the moment it is parsed; nothing is passed on down the stream.
    on_record: (record: string[], context) => {
      rows.add(record, context.lines);
      return null;
    },
  });
  try {
    await pipeline(createReadStream(path), byteLimit(path), parser, async (records: AsyncIterable<unknown>) => {
      for await (const _ of records); // drains the stream: every record was taken in on_record
    });
  } catch (e) {
    throw csvFailure(e, path);
  }
  return rows.finish();
}

/** Refuse a missing or oversized file from its size, before reading any of it. */
function checkCsvSize(path: string): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new DigitNetError(`${path} is a folder, not a CSV file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof DigitNetError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new DigitNetError(code === 'ENOENT' ? `CSV file not found: ${path}` : `cannot read CSV file ${path}: ${code ?? (e as Error).message}`, code === 'ENOENT' ? 'not-found' : 'bad-data');
  }
  if (size > MAX_CSV_BYTES) throw tooLarge(path, sizeText(size));
}

/** Passes bytes through, and fails past MAX_CSV_BYTES even when the file's size lied (a pipe, a growing file). */
function byteLimit(path: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > MAX_CSV_BYTES ? tooLarge(path, 'more') : null, chunk);
    },
  });
}

function tooLarge(path: string, size: string): DigitNetError {
  return new DigitNetError(`CSV file ${path} is ${size === 'more' ? 'more' : `${size}, more`} than the ${sizeText(MAX_CSV_BYTES)} DigitNet reads`, 'too-large');
}

/** Our own errors as they are; csv-parse's (an unclosed quote…) with the file and line; the file system's in one line. */
function csvFailure(e: unknown, path: string): DigitNetError {
  if (e instanceof DigitNetError) return e;
  if (e instanceof CsvError && e.code === 'CSV_MAX_RECORD_SIZE') {
    return new DigitNetError(`${path}: a line or field longer than ${MAX_RECORD_CHARS / 2 ** 20} MiB of text, more than any row of images holds`);
  }
  if (e instanceof CsvError) {
    const line = typeof e.lines === 'number' ? ` line ${e.lines}` : '';
    return new DigitNetError(`${path}${line}: not valid CSV (${e.message.replace(/^Invalid /, '').replace(/:? on line \d+\.?$/, '')})`);
  }
  const code = (e as NodeJS.ErrnoException).code;
  return new DigitNetError(`cannot read CSV file ${path}: ${code ?? (e as Error).message}`);
}

/** A whole number 0–255 written plainly ("0", "17", "255"), else −1. Hand-rolled: it runs 33 million times on Kaggle's file. */
function byteValue(s: string): number {
  const n = s.length;
  if (n === 0 || n > 3) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    v = v * 10 + digit;
  }
  return v <= 255 ? v : -1;
}

/** Whether `n` is a perfect square ≥ 1: the pixels of a square image. */
function isSquare(n: number): boolean {
  const side = Math.round(Math.sqrt(n));
  return n >= 1 && side * side === n;
}

/** What the first row says of the rest: whether a label comes first, and how many pixels follow. */
interface Layout {
  labelled: boolean;
  pixels: number;
  header: boolean;
}

/** Rows taken in one at a time: the layout from the first, then each row checked and stored as bytes. */
class CsvRows {
  private layout: Layout | null = null;
  private images = new Uint8Array(0);
  private labels = new Uint8Array(0);
  private lines = new Uint32Array(0);
  private count = 0;

  constructor(
    private readonly name: string,
    private readonly expect: CsvExpect,
  ) {}

  add(record: string[], line: number): void {
    if (this.layout === null) {
      this.layout = layoutOf(record, line, this.name, this.expect.pixels);
      if (this.layout.header) return;
    }
    const { labelled, pixels } = this.layout;
    if (record.length !== pixels + (labelled ? 1 : 0)) {
      const found = record.length - (labelled ? 1 : 0);
      throw this.error(line, `${found} pixel${found === 1 ? '' : 's'}, expected ${pixels}`);
    }
    this.reserve(pixels);
    const base = this.count * pixels;
    const offset = labelled ? 1 : 0;
    for (let k = 0; k < pixels; k++) {
      const v = byteValue(record[k + offset]);
      if (v < 0) throw this.error(line, `pixel ${k} is ${shown(record[k + offset])}, not a whole number 0–255`);
      this.images[base + k] = v;
    }
    if (labelled) this.labels[this.count] = this.label(record[0], line);
    this.lines[this.count] = line;
    this.count++;
  }

  finish(): CsvImages {
    if (this.layout === null) throw new DigitNetError(`${this.name}: empty file (no rows)`);
    if (this.count === 0) throw new DigitNetError(`${this.name}: a header and no rows of pixels`);
    const { labelled, pixels } = this.layout;
    return {
      images: this.images.slice(0, this.count * pixels),
      labels: labelled ? this.labels.slice(0, this.count) : null,
      count: this.count,
      pixels,
      lines: this.lines.slice(0, this.count),
    };
  }

  private label(text: string, line: number): number {
    const v = byteValue(text);
    if (v < 0) {
      const problem = /^[+-]?\d+$/.test(text) ? `label ${text} is out of range 0–${MAX_LABEL}` : `label ${shown(text)} is not a whole number`;
      throw this.error(line, problem);
    }
    const classes = this.expect.classes;
    if (classes && (v < classes.first || v >= classes.first + classes.count)) {
      throw this.error(line, `label ${v} is outside the training data's ${describeLabels(classes)}`);
    }
    return v;
  }

  /** Room for one more row, doubling as needed. */
  private reserve(pixels: number): void {
    if (this.count < this.labels.length) return;
    const rows = Math.max(1024, this.labels.length * 2);
    const grow = <T extends Uint8Array | Uint32Array>(old: T, make: (n: number) => T, n: number): T => {
      const bigger = make(n);
      bigger.set(old);
      return bigger;
    };
    this.images = grow(this.images, (n) => new Uint8Array(n), rows * pixels);
    this.labels = grow(this.labels, (n) => new Uint8Array(n), rows);
    this.lines = grow(this.lines, (n) => new Uint32Array(n), rows);
  }

  private error(line: number, problem: string): DigitNetError {
    return new DigitNetError(`${this.name} line ${line}: ${problem}`);
  }
}

/**
 * The layout the first row shows. A header is a first row whose first field
 * is not a number; it has a label column when that field is "label".
 * Without one, the count says: a square number of values is pixels only, one
 * more is a label and pixels (n² + 1 is never a square, so it is never both).
 */
function layoutOf(record: string[], line: number, name: string, pixels: number | undefined): Layout {
  const header = byteValue(record[0]) < 0 && !/^[+-]?\d+$/.test(record[0]);
  const width = record.length;
  const labelled = header ? record[0].trim().toLowerCase() === 'label' : pixels !== undefined ? width === pixels + 1 : isSquare(width - 1);
  const found = width - (labelled ? 1 : 0);
  const what = header ? 'header names' : 'values';
  if (pixels !== undefined && found !== pixels) {
    throw new DigitNetError(`${name} line ${line}: ${width} ${what}, expected ${pixels} pixels (or a label and ${pixels} pixels)`);
  }
  if (pixels === undefined && !isSquare(found)) {
    throw new DigitNetError(`${name} line ${line}: ${width} ${what}: neither a square image's pixels (784 for 28×28) nor a label and such pixels`);
  }
  return { labelled, pixels: found, header };
}
