/**
 * Choosing the confidence floor for "not a digit" (src/read/answer.ts
 * MIN_CONFIDENCE) on data the report does not use: the dev digits (every
 * 3rd dev row under every condition) and non-digits 100–199 of each kind
 * (the report draws 0–99). Each picture is read once; then for each floor
 * the share of digits turned away and of non-digits still answered as a
 * digit is counted. The model's own "not a digit" output counts as well,
 * and so do the shapes no digit has (src/read/digit-shape.ts).
 *
 *   node dist/bench/real/calibrate.js [--model FILE] [--seed N]
 */
import { Command } from 'commander';
import { loadDigitModel } from '../../src/cli/digit-model.js';
import { readImage } from '../../src/cli/predict-image.js';
import { DigitNetError } from '../../src/errors.js';
import { NON_DIGIT_KINDS, renderNonDigit } from './non-digits.js';
import { gridOf, loadOptdigits, splitRows } from './optdigits.js';
import { CONDITIONS } from './page.js';
import { renderDigit } from './render.js';

interface Seen {
  /** The best digit's probability, or -1 when nothing was read (refused, or not one mark). */
  confidence: number;
  notDigit: number;
  right: boolean;
  /** Its shape rules out a digit whatever the floor (src/read/digit-shape.ts). */
  vetoed: boolean;
}

const FLOORS = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

async function main(): Promise<void> {
  const flags = new Command('calibrate').option('--model <file>').option('--seed <n>', 'render seed', '1').parse().opts<{ model?: string; seed: string }>();
  const seed = Number(flags.seed);
  const { network } = loadDigitModel(flags.model);
  const data = loadOptdigits((line) => process.stderr.write(line + '\n'));
  const read = async (bytes: Uint8Array, name: string, label: number | null): Promise<Seen> => {
    try {
      const r = await readImage(network, bytes, name, 'auto');
      if (r.digits.length !== 1) return { confidence: -1, notDigit: 0, right: false, vetoed: false };
      const d = r.digits[0];
      return { confidence: d.confidence, notDigit: d.notDigit, right: d.best === label, vetoed: d.shape !== undefined };
    } catch (e) {
      if (e instanceof DigitNetError) return { confidence: -1, notDigit: 0, right: false, vetoed: false };
      throw e;
    }
  };
  const digits: Seen[] = [];
  for (const [i, row] of splitRows('dev').entries()) {
    if (i % 3 !== 0) continue;
    const condition = CONDITIONS[(i / 3) % CONDITIONS.length];
    const picture = renderDigit(gridOf(data, row), row, condition, seed);
    digits.push(await read(picture.bytes, picture.name, data.labels[row]));
  }
  const others: Seen[] = [];
  for (const kind of NON_DIGIT_KINDS) {
    for (let index = 100; index < 200; index++) {
      const picture = renderNonDigit(kind, index, CONDITIONS[index % CONDITIONS.length], seed);
      others.push(await read(picture.bytes, picture.name, null));
    }
  }
  const taken = (s: Seen, floor: number) => s.confidence >= 0 && !s.vetoed && s.confidence >= floor && s.confidence > s.notDigit;
  console.log(`${digits.length} dev digits, ${others.length} non-digits (indices 100–199 of each kind)`);
  console.log('floor   digits turned away   digits taken and right   non-digits answered as a digit');
  for (const floor of FLOORS) {
    const away = digits.filter((s) => !taken(s, floor)).length / digits.length;
    const right = digits.filter((s) => taken(s, floor) && s.right).length / digits.length;
    const answered = others.filter((s) => taken(s, floor)).length / others.length;
    console.log(`${floor.toFixed(1).padEnd(8)}${pct(away).padStart(19)}${pct(right).padStart(25)}${pct(answered).padStart(33)}`);
  }
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

main().catch((e: unknown) => {
  process.stderr.write(`calibrate: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
