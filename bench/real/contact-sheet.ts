/**
 * Contact sheets of the real-handwriting bench's pictures, to check the
 * renders by eye: each picture shrunk into a cell, and beside it the 28×28
 * input the current preprocessing makes of it (blank where it refuses).
 * One row per condition (digits) or per kind (non-digits); numbers fill
 * rows in order. The legend (each cell's file name) goes to stdout.
 * Uses dev rows only.
 *
 * Run: node dist/bench/real/contact-sheet.js digits|non-digits|numbers [--out FILE] [--seed N] [--columns N]
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { positiveInt } from '../../src/cli/parse.js';
import { decodeImage } from '../../src/data/decode.js';
import { imageBytesToInput } from '../../src/data/image-file.js';
import { resample } from '../../src/data/resample.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { DigitNetError } from '../../src/errors.js';
import { NON_DIGIT_KINDS, renderNonDigit } from './non-digits.js';
import { renderNumber } from './numbers.js';
import { gridOf, loadOptdigits, type Optdigits, splitRows } from './optdigits.js';
import { CONDITIONS, encode } from './page.js';
import { renderDigit, type Rendered } from './render.js';

type SheetKind = 'digits' | 'non-digits' | 'numbers';

interface Flags {
  out?: string;
  seed: number;
  columns: number;
}

const GAP = 4;
const INPUT = 56;

/** Rows of pictures for one kind of sheet. */
function pictures(kind: SheetKind, data: Optdigits, seed: number, columns: number): Rendered[][] {
  const dev = splitRows('dev');
  if (kind === 'digits') {
    return CONDITIONS.map((c, ci) => Array.from({ length: columns }, (_, i) => renderDigit(gridOf(data, dev[(ci * columns + i) * 17]), dev[(ci * columns + i) * 17], c, seed)));
  }
  if (kind === 'non-digits') {
    return NON_DIGIT_KINDS.map((k) => Array.from({ length: columns }, (_, i) => renderNonDigit(k, i, CONDITIONS[i % CONDITIONS.length], seed)));
  }
  return Array.from({ length: 7 }, (_, r) => Array.from({ length: columns }, (_, i) => renderNumber(data, dev, r * columns + i, CONDITIONS[r], seed)));
}

async function cellPixels(picture: Rendered, cellW: number, cellH: number): Promise<{ rgb: Float32Array[]; w: number; h: number; input: Float32Array | null }> {
  const image = await decodeImage(picture.bytes, picture.name);
  const scale = Math.min(cellW / image.width, cellH / image.height);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const rgb = [0, 1, 2].map((k) => {
    const channel = new Uint8Array(image.width * image.height);
    for (let p = 0; p < channel.length; p++) channel[p] = image.data[4 * p + k];
    return resample(channel, image.width, image.height, { x: 0, y: 0, width: image.width, height: image.height }, w, h);
  });
  let input: Float32Array | null = null;
  try {
    input = await imageBytesToInput(picture.bytes, picture.name);
  } catch (e) {
    if (!(e instanceof DigitNetError)) throw e;
  }
  return { rgb, w, h, input };
}

async function sheet(rows: Rendered[][], cellW: number, cellH: number): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  const columns = Math.max(...rows.map((r) => r.length));
  const stepX = cellW + INPUT + 2 * GAP;
  const stepY = Math.max(cellH, INPUT) + GAP;
  const width = columns * stepX + GAP;
  const height = rows.length * stepY + GAP;
  const out = new Uint8Array(width * height * 3).fill(60);
  const put = (x: number, y: number, v: [number, number, number]) => out.set(v.map((c) => Math.round(Math.min(255, Math.max(0, c)))), 3 * (y * width + x));
  for (const [r, row] of rows.entries()) {
    for (const [c, picture] of row.entries()) {
      const { rgb, w, h, input } = await cellPixels(picture, cellW, cellH);
      const x0 = GAP + c * stepX;
      const y0 = GAP + r * stepY;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) put(x0 + x, y0 + y, [rgb[0][y * w + x], rgb[1][y * w + x], rgb[2][y * w + x]]);
      for (let y = 0; y < INPUT; y++) {
        for (let x = 0; x < INPUT; x++) {
          const v = input ? 255 * input[Math.floor(y / 2) * 28 + Math.floor(x / 2)] : 0;
          put(x0 + cellW + GAP + x, y0 + y, input ? [v, v, v] : [120, 0, 0]);
        }
      }
    }
  }
  return { bytes: encode(out, width, height, { format: 'png' }), width, height };
}

const program = new Command('contact-sheet')
  .description('draw a contact sheet of the real-handwriting bench pictures (dev rows), with the 28×28 network input beside each')
  .argument('<kind>', 'digits, non-digits or numbers')
  .option('--out <file>', 'PNG to write (default /tmp/real-sheet-KIND.png)')
  .option('--seed <n>', 'render seed', positiveInt, 1)
  .option('--columns <n>', 'pictures per row', positiveInt, 6)
  .action(async (kind: string, flags: Flags) => {
    if (kind !== 'digits' && kind !== 'non-digits' && kind !== 'numbers') throw new DigitNetError(`kind must be digits, non-digits or numbers, got '${kind}'`, 'usage');
    const data = loadOptdigits((line) => process.stderr.write(line + '\n'));
    const rows = pictures(kind, data, flags.seed, flags.columns);
    const [cellW, cellH] = kind === 'numbers' ? [300, 120] : [140, 140];
    const out = flags.out ?? `/tmp/real-sheet-${kind}.png`;
    const { bytes, width, height } = await sheet(rows, cellW, cellH);
    writeFileSync(out, bytes);
    rows.forEach((row, r) => process.stdout.write(`row ${r + 1}: ${row.map((p) => p.name).join('  ')}\n`));
    process.stdout.write(`${out}: ${width}×${height}\n`);
  });

program.parseAsync().catch((e: unknown) => {
  if (!(e instanceof DigitNetError)) throw e;
  process.stderr.write(`contact-sheet: ${e.message}\n`);
  process.exit(exitCodeOf(e));
});
