/**
 * The real-handwriting bench's figures as text tables: what the split is,
 * digits per condition and split, per digit, the confusion matrix,
 * non-digits, numbers, and MNIST beside them.
 */
import { CONDITIONS } from './page.js';
import { HELD_OUT_START, ROWS, SPLITS } from './optdigits.js';
import { type DigitCell, emptyCell, type Figures } from './tally.js';

export interface RunInfo {
  /** Whose digits: optdigits' writers, or MNIST's test digits through the same 8×8 grid (a control). */
  source: Source;
  model: string;
  shape: string;
  seed: number;
  mnist: { correct: number; total: number };
  seconds: number;
  pictures: number;
  workers: number;
}

export type Source = 'optdigits' | 'mnist-grid';

const pct = (n: number, d: number) => (d > 0 ? `${((100 * n) / d).toFixed(1)}%` : '-');

export function report(figures: Figures, info: RunInfo): string {
  return [
    header(info),
    digitTable(figures),
    perDigitTable(figures),
    confusionTable(figures),
    lookTable(figures),
    nonDigitTable(figures),
    numberTable(figures),
    `${info.pictures} pictures in ${info.seconds.toFixed(0)} s (${info.workers} worker${info.workers === 1 ? '' : 's'}).`,
  ]
    .filter((s) => s !== '')
    .join('\n\n') + '\n';
}

function header(info: RunInfo): string {
  const source =
    info.source === 'optdigits'
      ? [
          'Real handwriting: UCI optdigits (sklearn\'s copy: 1,797 digits by writers outside MNIST), each 8×8 grid',
          'redrawn as a stroke and photographed/scanned: pens, papers, lighting, PNG or JPEG; read as `digitnet predict` does.',
          `Split: dev = rows 0–${HELD_OUT_START - 1} (may be used for tuning); held-out = rows ${HELD_OUT_START}–${ROWS - 1} (never tuned on: the headline).`,
          'No optdigits row is ever trained on.',
        ]
      : [
          `Control: MNIST test digits 0–${ROWS - 1} (MNIST's writers; never trained on) counted into 8×8 grids as optdigits was made,`,
          'then redrawn and photographed/scanned exactly as the optdigits digits are. What the grid and the redrawing cost, apart from the writers.',
          `"dev" = test digits 0–${HELD_OUT_START - 1}, "held-out" = ${HELD_OUT_START}–${ROWS - 1}.`,
        ];
  return [
    ...source,
    `Model ${info.model}: ${info.shape}. MNIST test accuracy: ${pct(info.mnist.correct, info.mnist.total)} (${info.mnist.correct} / ${info.mnist.total}). Seed ${info.seed}.`,
  ].join('\n');
}

function digitTable(figures: Figures): string {
  const splits = SPLITS.filter((s) => figures.digits[s]);
  if (splits.length === 0) return '';
  const head = `${'condition'.padEnd(10)}${splits.map((s) => `${`${s} n`.padStart(13)}${'right'.padStart(8)}${'refused'.padStart(9)}`).join('')}`;
  const row = (name: string, cells: (DigitCell | undefined)[]) =>
    `${name.padEnd(10)}${cells.map((c) => (c ? `${String(c.total).padStart(13)}${pct(c.correct, c.total).padStart(8)}${pct(c.refused, c.total).padStart(9)}` : ''.padStart(30))).join('')}`;
  const lines = CONDITIONS.filter((c) => splits.some((s) => figures.digits[s]?.[c])).map((c) => row(c, splits.map((s) => figures.digits[s]?.[c])));
  lines.push(row('all', splits.map((s) => sumCells(Object.values(figures.digits[s] ?? {})))));
  return ['Single digits: share read right, share refused, per condition', head, ...lines].join('\n');
}

function perDigitTable(figures: Figures): string {
  const splits = SPLITS.filter((s) => figures.perDigit[s]);
  if (splits.length === 0) return '';
  const head = `${'digit'.padEnd(10)}${Array.from({ length: 10 }, (_, d) => String(d).padStart(7)).join('')}`;
  const lines = splits.map((s) => `${s.padEnd(10)}${(figures.perDigit[s] ?? []).map((c) => pct(c.correct, c.total).padStart(7)).join('')}`);
  return ['Single digits: share read right per digit, all conditions', head, ...lines].join('\n');
}

function confusionTable(figures: Figures): string {
  const rows = figures.confusion;
  if (rows.every((r) => r.every((v) => v === 0))) return '';
  const cell = (v: string | number) => String(v).padStart(6);
  const lines = [`${'true\\read'.padEnd(10)}${Array.from({ length: 10 }, (_, d) => cell(d)).join('')}${cell('none')}${'right'.padStart(8)}`];
  rows.forEach((r, d) => {
    const total = r.reduce((a, b) => a + b, 0);
    lines.push(`${String(d).padEnd(10)}${r.map(cell).join('')}${pct(r[d], total).padStart(8)}`);
  });
  return [`Confusion matrix, ${figures.confusionSplit} digits, all conditions (none = refused, "not a digit" or not one digit)`, ...lines].join('\n');
}

function lookTable(figures: Figures): string {
  const entries = Object.entries(figures.byLook).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '';
  const lines = entries.map(([key, c]) => `${key.padEnd(18)}${String(c.total).padStart(6)}${pct(c.correct, c.total).padStart(8)}${pct(c.refused, c.total).padStart(9)}`);
  return [`Single digits by how they were drawn, ${figures.confusionSplit}, all conditions`, `${''.padEnd(18)}${'n'.padStart(6)}${'right'.padStart(8)}${'refused'.padStart(9)}`, ...lines].join('\n');
}

function nonDigitTable(figures: Figures): string {
  const kinds = Object.entries(figures.nonDigits);
  if (kinds.length === 0) return '';
  const lines = [`${'kind'.padEnd(10)}${'n'.padStart(6)}${'rejected'.padStart(10)}${'refused'.padStart(9)}  digits answered most`];
  for (const [kind, c] of kinds) {
    const top = c.answers
      .map((n, d) => ({ n, d }))
      .filter((a) => a.n > 0)
      .sort((a, b) => b.n - a.n)
      .slice(0, 3)
      .map((a) => `${a.d} (${pct(a.n, c.total)})`)
      .join(', ');
    lines.push(`${kind.padEnd(10)}${String(c.total).padStart(6)}${pct(c.rejected, c.total).padStart(10)}${pct(c.refused, c.total).padStart(9)}  ${top || '-'}`);
  }
  return ['Non-digits: share answered "not a digit" or refused (rejected), should be 100%', ...lines].join('\n');
}

function numberTable(figures: Figures): string {
  const n = figures.numbers;
  if (n.total === 0) return '';
  const lines = [`${'digits'.padEnd(10)}${'n'.padStart(6)}${'split right'.padStart(13)}${'all right'.padStart(11)}`];
  for (const [length, c] of Object.entries(n.byLength).sort()) {
    lines.push(`${length.padEnd(10)}${String(c.total).padStart(6)}${pct(c.countRight, c.total).padStart(13)}${pct(c.allRight, c.total).padStart(11)}`);
  }
  lines.push(`${'all'.padEnd(10)}${String(n.total).padStart(6)}${pct(n.countRight, n.total).padStart(13)}${pct(n.allRight, n.total).padStart(11)}`);
  lines.push(`Digits inside numbers read right in place: ${pct(n.digitsRight, n.digits)} (${n.digitsRight} / ${n.digits}).`);
  lines.push(`Split right but a digit too unsure to read ("unclear digits" or "not a digit"): ${pct(n.splitButUnsure, n.total)} (${n.splitButUnsure}).`);
  return [`Numbers: 2–6 ${n.split} digits in one picture; split right (the right number of digits found), read entirely right`, ...lines].join('\n');
}

function sumCells(cells: DigitCell[]): DigitCell {
  const sum = emptyCell();
  for (const c of cells) {
    sum.total += c.total;
    sum.correct += c.correct;
    sum.refused += c.refused;
    sum.notDigit += c.notDigit;
    sum.wrongCount += c.wrongCount;
  }
  return sum;
}
