/**
 * `npm run bench:fine-tune`: does fine-tuning on a few of someone's digits
 * help on the rest of them, and does MNIST hold? A measurement, not a test:
 * it prints a table and asserts nothing.
 *
 * The digits are real handwriting, UCI optdigits (bench/real/optdigits.ts),
 * redrawn as bench:real redraws them, each "set" in one pen on one paper,
 * evenly lit (bench/real/one-hand.ts). optdigits has no writer labels, so a
 * set is the rows of one split (13 writers mixed) in one look, not one
 * person's hand. Each picture is read as `digitnet train --fine-tune` reads
 * a folder (decode at working size, then toMnistInput: predict's whole-ink
 * input); pictures with no digit found are dropped, as that command skips them.
 *
 * For each set and split seed the digits are split in half per digit
 * (seeded): one half held out, the other a pool to tune on. For k = 5, 10,
 * 20 per digit (nested: the first k of the pool) the shipped model is
 * fine-tuned with the library recipe (src/train/fine-tune.ts, its defaults,
 * as the CLI and the page run it; nothing held out inside it, as the held-out
 * half is ours) and scored on the held-out half and the MNIST test set before
 * and after. Nothing is tuned here: the recipe's defaults are used as shipped.
 *
 * A control: MNIST test digits (never trained on) put through an 8×8 grid
 * and redrawn in the same hand (bench/real/mnist-grid.ts), scored before and
 * after too. What fine-tuning gains on them is what it learnt of our
 * redrawing rather than of optdigits' writers.
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { exitCodeOf } from '../src/cli/exit-codes.js';
import { nonNegativeInt, positiveInt } from '../src/cli/parse.js';
import type { Dataset } from '../src/data/dataset.js';
import { decodeImage } from '../src/data/decode.js';
import { toMnistInput, WORKING_SIDE } from '../src/data/image.js';
import { loadMnist } from '../src/data/mnist.js';
import { DigitNetError } from '../src/errors.js';
import { DEFAULT_KERNELS, loadKernels } from '../src/kernels/index.js';
import type { Kernels } from '../src/kernels/types.js';
import type { Network } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { evaluateNetwork } from '../src/train/evaluate.js';
import { datasetOfInputs, fineTune, fineTuneSettings, type Score } from '../src/train/fine-tune.js';
import { describeHand, drawHand, type Hand, renderInHand } from './real/one-hand.js';
import { gridOf, loadOptdigits, type Optdigits, ROWS, type Split, splitRows } from './real/optdigits.js';
import { mnistGrid } from './real/mnist-grid.js';
import { itemSeed } from './real/render.js';

interface Flags {
  model?: string;
  split: Split;
  sets: number;
  seeds: number;
  perDigit: number[];
  seed: number;
  redrawn: number;
}

/** One set's digits as the network's inputs, with their labels; and MNIST test digits redrawn in the same hand. */
interface SetDigits {
  hand: Hand;
  inputs: Float32Array[];
  labels: number[];
  dropped: number;
  redrawn: Dataset;
}

/** One fine-tuning run's scores. */
interface Run {
  set: number;
  splitSeed: number;
  k: number;
  heldBefore: Score;
  heldAfter: Score;
  mnistBefore: Score;
  mnistAfter: Score;
  redrawnBefore: Score;
  redrawnAfter: Score;
}

const log = (line: string) => process.stderr.write(`bench-fine-tune: ${line}\n`);

async function main(flags: Flags): Promise<void> {
  const start = performance.now();
  const { network, path } = loadDigitModel(flags.model);
  const data = loadOptdigits(log);
  const mnist = loadMnist();
  const kernels = await loadKernels(DEFAULT_KERNELS, log);
  const rows = splitRows(flags.split);
  if (flags.sets * flags.redrawn > mnist.test.count) throw new DigitNetError(`--redrawn ${flags.redrawn} × ${flags.sets} sets is more than the ${mnist.test.count} MNIST test digits`);
  const runs: Run[] = [];
  const sets: SetDigits[] = [];
  for (let s = 0; s < flags.sets; s++) {
    const hand = drawHand(itemSeed(flags.seed, 1, s));
    // Each set its own MNIST test digits for the control, from index 0 on.
    const controls = Array.from({ length: flags.redrawn }, (_, n) => s * flags.redrawn + n);
    const digits = await readSet(data, rows, hand, flags.seed, { mnistTest: mnist.test, indices: controls, classes: network.sizes[network.sizes.length - 1] });
    sets.push(digits);
    log(`set ${s + 1}: ${describeHand(digits.hand)}; ${digits.labels.length} digits read, ${digits.dropped} with no digit found (${seconds(start)})`);
    for (let r = 1; r <= flags.seeds; r++) {
      const context = { network, kernels, mnistTrain: mnist.train, mnistTest: mnist.test };
      runs.push(...(await runSplit(digits, { set: s, splitSeed: r, seed: itemSeed(flags.seed, 4, s, r), perDigit: flags.perDigit }, context)));
      log(`set ${s + 1}, split ${r} done (${seconds(start)})`);
    }
  }
  process.stdout.write(report(runs, sets, { ...flags, model: path, seconds: (performance.now() - start) / 1000 }));
}

function seconds(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(0)} s`;
}

interface Control {
  mnistTest: Dataset;
  indices: number[];
  classes: number;
}

/**
 * Every row of the split drawn in the set's hand and read as the fine-tuning
 * command reads a picture; and the control's MNIST test digits, through an
 * 8×8 grid (real/mnist-grid.ts), drawn and read the same way.
 */
async function readSet(data: Optdigits, rows: number[], hand: Hand, seed: number, control: Control): Promise<SetDigits> {
  const digits = await readGrids(rows.map((row) => ({ grid: gridOf(data, row), label: data.labels[row], row })), hand, seed);
  // Rows past optdigits' own, so the control's renders draw their own seeds.
  const mnistRows = control.indices.map((n) => ({ grid: mnistGrid(control.mnistTest, n), label: control.mnistTest.labels[n], row: ROWS + n }));
  const redrawn = await readGrids(mnistRows, hand, seed);
  return { hand, ...digits, redrawn: datasetOfInputs(redrawn.inputs, redrawn.labels, control.classes) };
}

async function readGrids(items: { grid: Uint8Array; label: number; row: number }[], hand: Hand, seed: number): Promise<{ inputs: Float32Array[]; labels: number[]; dropped: number }> {
  const inputs: Float32Array[] = [];
  const labels: number[] = [];
  let dropped = 0;
  for (const { grid, label, row } of items) {
    const { bytes, name } = renderInHand(grid, row, hand, seed);
    try {
      inputs.push(toMnistInput(await decodeImage(bytes, name, { maxSide: WORKING_SIDE }), { name }));
      labels.push(label);
    } catch (e) {
      if (!(e instanceof DigitNetError)) throw e;
      dropped++;
    }
  }
  return { inputs, labels, dropped };
}

interface SplitPlan {
  set: number;
  splitSeed: number;
  seed: number;
  perDigit: number[];
}

interface Context {
  network: Network;
  kernels: Kernels;
  mnistTrain: Dataset;
  mnistTest: Dataset;
}

/** One seeded half split of a set, then a fine-tuning run from the shipped model for each k. */
async function runSplit(digits: SetDigits, plan: SplitPlan, context: Context): Promise<Run[]> {
  const classes = context.network.sizes[context.network.sizes.length - 1];
  const { held, pool } = halves(digits.labels, new Random(plan.seed));
  const subset = (indices: number[]) => datasetOfInputs(indices.map((i) => digits.inputs[i]), indices.map((i) => digits.labels[i]), classes);
  const heldSet = subset(held);
  const heldBefore = scoreOf(context.network, heldSet, context.kernels);
  const redrawnBefore = scoreOf(context.network, digits.redrawn, context.kernels);
  const runs: Run[] = [];
  for (const k of plan.perDigit) {
    const short = pool.findIndex((p) => p.length < k);
    if (short >= 0) throw new DigitNetError(`set ${plan.set + 1}: only ${pool[short].length} ${short}s in the half to tune on, ${k} asked for`);
    const net = context.network.clone();
    // holdout 0: the recipe tunes on all it is given; the held-out half is ours and scored below.
    const settings = fineTuneSettings({ holdout: 0, seed: plan.seed });
    const person = subset(pool.flatMap((p) => p.slice(0, k)));
    const result = await fineTune(net, { person, mnistTrain: context.mnistTrain, mnistTest: context.mnistTest }, settings, { kernels: context.kernels });
    const scores = { heldBefore, heldAfter: scoreOf(net, heldSet, context.kernels), redrawnBefore, redrawnAfter: scoreOf(net, digits.redrawn, context.kernels) };
    runs.push({ set: plan.set, splitSeed: plan.splitSeed, k, ...scores, mnistBefore: result.before.mnist, mnistAfter: result.after.mnist });
  }
  return runs;
}

/** Per digit, a seeded shuffle: the first half (rounded down) held out, the rest, in that order, the pool to tune on. */
function halves(labels: number[], rng: Random): { held: number[]; pool: number[][] } {
  const held: number[] = [];
  const pool: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const mine = labels.flatMap((label, i) => (label === d ? [i] : []));
    rng.shuffle(mine);
    const half = Math.floor(mine.length / 2);
    held.push(...mine.slice(0, half));
    pool.push(mine.slice(half));
  }
  return { held, pool };
}

function scoreOf(net: Network, ds: Dataset, kernels: Kernels): Score {
  if (ds.count === 0) return { correct: 0, total: 0 };
  const { correct, total } = evaluateNetwork(net, ds, kernels);
  return { correct, total };
}

const pct = (s: Score) => (100 * s.correct) / s.total;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/** The table: per k, means over the runs, and the spread of each run's change. */
function report(runs: Run[], sets: SetDigits[], info: Flags & { model: string; seconds: number }): string {
  const lines = [
    `Fine-tuning ${info.model} on optdigits ${info.split} rows, ${sets.length} set${sets.length === 1 ? '' : 's'} × ${info.seeds} half split${info.seeds === 1 ? '' : 's'} (seed ${info.seed}); recipe defaults, nothing held out inside it`,
    ...sets.map((s, i) => `  set ${i + 1}: ${describeHand(s.hand)}; ${s.labels.length} digits read (${s.dropped} no digit found), ${runs.find((r) => r.set === i)?.heldBefore.total ?? 0} held out; ${s.redrawn.count} MNIST digits redrawn`),
    '',
    '| per digit | runs | held-out half before → after | change (min … max) | MNIST test before → after | change (min … max) | MNIST redrawn through 8×8 before → after | change (min … max) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const k of info.perDigit) {
    const mine = runs.filter((r) => r.k === k);
    const cells = [
      compared(mine.map((r) => [r.heldBefore, r.heldAfter]), 1),
      compared(mine.map((r) => [r.mnistBefore, r.mnistAfter]), 2),
      info.redrawn > 0 ? compared(mine.map((r) => [r.redrawnBefore, r.redrawnAfter]), 1) : '— | —',
    ];
    lines.push(`| ${k} | ${mine.length} | ${cells.join(' | ')} |`);
  }
  const each = (r: Run) =>
    `  set ${r.set + 1} split ${r.splitSeed} k ${r.k}: held-out ${r.heldBefore.correct}/${r.heldBefore.total} → ${r.heldAfter.correct}; ` +
    `MNIST ${r.mnistBefore.correct} → ${r.mnistAfter.correct}; redrawn ${r.redrawnBefore.correct}/${r.redrawnBefore.total} → ${r.redrawnAfter.correct}`;
  lines.push('', 'Each run:', ...runs.map(each), `${info.seconds.toFixed(0)} s on ${availableParallelism()} cores`);
  return lines.join('\n') + '\n';
}

/** "83.1% → 91.1% | +8.1 (+5.4 … +10.5)": means over the runs, then the mean change and its range in points. */
function compared(pairs: [Score, Score][], digits: number): string {
  const change = pairs.map(([b, a]) => pct(a) - pct(b));
  const means = `${mean(pairs.map(([b]) => pct(b))).toFixed(digits)}% → ${mean(pairs.map(([, a]) => pct(a))).toFixed(digits)}%`;
  return `${means} | ${signed(mean(change), digits)} (${signed(Math.min(...change), digits)} … ${signed(Math.max(...change), digits)})`;
}

function perDigitList(value: string): number[] {
  const ks = value.split(',').map((s) => Number(s.trim()));
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new InvalidArgumentError(`'${value}' is not a list of positive whole numbers`);
  return ks;
}

const program = new Command('bench-fine-tune')
  .description('fine-tuning the shipped model on k real digits per digit (optdigits, one pen and paper per set): held-out half and MNIST test, before and after')
  .option('--model <file>', 'model file (default: models/default.json)')
  .addOption(new Option('--split <split>', 'which optdigits rows: held-out (1200–1796) or dev (0–1199)').choices(['dev', 'held-out']).default('held-out'))
  .option('--sets <n>', 'sets, each in its own pen, paper and format', positiveInt, 4)
  .option('--seeds <n>', 'half splits per set', positiveInt, 5)
  .option('--per-digit <list>', 'tuning examples per digit, comma-separated', perDigitList, [5, 10, 20])
  .option('--seed <n>', 'base seed for the looks, renders and splits', nonNegativeInt, 1)
  .option('--redrawn <n>', 'control: MNIST test digits per set redrawn through an 8×8 grid in the set\'s hand (0: none)', nonNegativeInt, 200)
  .addHelpText('after', '\nData: .cache/optdigits/digits.csv.gz (fetched with apt-get download python3-sklearn if missing). Progress goes to stderr, the table to stdout.')
  .exitOverride()
  .action(main);

program.parseAsync().catch((e: unknown) => {
  // Commander has printed its message; bad usage exits 2, as in the digitnet CLI.
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (!(e instanceof DigitNetError)) throw e;
  process.stderr.write(`bench-fine-tune: ${e.message}\n`);
  process.exit(exitCodeOf(e));
});
