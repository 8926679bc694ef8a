/**
 * `node dist/bench/real/bench-real.js`: how well DigitNet reads real
 * handwriting by writers outside MNIST, delivered as people deliver
 * pictures. A measurement, not a test: it prints figures and asserts
 * nothing.
 *
 * Data: UCI optdigits (optdigits.ts; fetched into .cache/ on first use).
 * Split: rows 0–1199 are dev (may be used to tune preprocessing, recipes,
 * thresholds), rows 1200–1796 are held-out (never used for tuning; the
 * headline figure). No model it reports is trained on optdigits.
 *
 * Each digit is redrawn from its 8×8 grid and put on a page (render.ts,
 * page.ts) under each condition; non-digits (non-digits.ts) and numbers
 * (numbers.ts) are drawn the same way. Every picture goes through the
 * reader (reader.ts), the one seam between this bench and DigitNet.
 * The model's MNIST test accuracy is printed beside the figures.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadDigitModel } from '../../src/cli/digit-model.js';
import { nonNegativeInt, positiveInt } from '../../src/cli/parse.js';
import { ProgressBar } from '../../src/cli/progress.js';
import { inputOf } from '../../src/data/dataset.js';
import { defaultDataDir, loadPair } from '../../src/data/mnist.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { DigitNetError } from '../../src/errors.js';
import { DEFAULT_KERNELS, loadKernels } from '../../src/kernels/index.js';
import { describeShape, type Network } from '../../src/nn/network.js';
import { evaluateNetwork } from '../../src/train/evaluate.js';
import { numbersSplit, plan, runJob } from './jobs.js';
import { loadOptdigits, SPLITS, type Split } from './optdigits.js';
import { type Condition, CONDITIONS } from './page.js';
import { runAll } from './pool.js';
import { createReader } from './reader.js';
import { mnistGridRows } from './mnist-grid.js';
import { report, type Source } from './report.js';
import { tally } from './tally.js';

interface Flags {
  source: Source;
  model?: string;
  split: Split | 'all';
  conditions: Condition[];
  seed: number;
  json?: string;
  limit?: number;
  workers: number;
}

function conditionList(value: string): Condition[] {
  const names = value.split(',').map((s) => s.trim());
  const bad = names.find((n) => !(CONDITIONS as readonly string[]).includes(n));
  if (bad !== undefined || names.length === 0) throw new InvalidArgumentError(`'${bad ?? value}' is not a condition; choose from ${CONDITIONS.join(', ')}.`);
  return [...new Set(names)] as Condition[];
}

async function main(flags: Flags): Promise<void> {
  const start = performance.now();
  const log = (line: string) => process.stderr.write(line + '\n');
  const { network, path } = loadDigitModel(flags.model);
  const mnist = await mnistAccuracy(network, log);
  const data = flags.source === 'optdigits' ? loadOptdigits(log) : mnistGridRows(loadPair(defaultDataDir(), 't10k'));
  const splits = flags.split === 'all' ? SPLITS : [flags.split];
  const jobs = plan({ splits, conditions: flags.conditions, limit: flags.limit });
  const read = createReader(flags.model);
  // One picture in this thread first: it loads the decoder here before any worker does (sharp asks for that).
  await runJob(jobs[0], data, flags.seed, read);
  const outcomes = await runAll(jobs, { data, seed: flags.seed, modelFile: flags.model, workers: flags.workers, read, onProgress: progress(start) });
  const figures = tally(outcomes, splits.includes('held-out') ? 'held-out' : 'dev', numbersSplit(splits));
  const info = {
    source: flags.source,
    model: path,
    shape: describeShape(network),
    seed: flags.seed,
    mnist,
    seconds: (performance.now() - start) / 1000,
    pictures: jobs.length,
    workers: flags.workers,
  };
  process.stdout.write(report(figures, info));
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ ...info, split: flags.split, conditions: flags.conditions, limit: flags.limit ?? null, ...figures }, null, 1) + '\n');
}

/**
 * The model's MNIST test accuracy. A model with an 11th "not a digit" output
 * is scored one image at a time, that answer counting as wrong; a 10-output
 * model through the (faster) kernels, as `digitnet eval` does.
 */
async function mnistAccuracy(network: Network, log: (line: string) => void): Promise<{ correct: number; total: number }> {
  const test = loadPair(defaultDataDir(), 't10k');
  if (network.outputSize === test.classes) {
    const kernels = await loadKernels(DEFAULT_KERNELS, (reason) => log(`bench-real: ${reason}`));
    const { correct, total } = evaluateNetwork(network, test, kernels);
    return { correct, total };
  }
  let correct = 0;
  const input = new Float64Array(test.inputSize);
  for (let i = 0; i < test.count; i++) if (network.predict(inputOf(test, i, input)) === test.labels[i]) correct++;
  return { correct, total: test.count };
}

/** A bar on a terminal; otherwise a line every 10%. */
function progress(start: number): (done: number, total: number) => void {
  const bar = ProgressBar.create(process.stderr);
  let lastTenth = 0;
  return (done, total) => {
    const seconds = `${((performance.now() - start) / 1000).toFixed(0)} s`;
    if (bar) {
      bar.update('pictures', done, total, `${done}/${total}, ${seconds}`);
      if (done === total) bar.clear();
      return;
    }
    const tenth = Math.floor((10 * done) / total);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      process.stderr.write(`bench-real: ${done}/${total} pictures, ${seconds}\n`);
    }
  };
}

const program = new Command('bench-real')
  .description('accuracy on real handwriting (UCI optdigits) rendered as photos and scans, with non-digits and numbers')
  .option('--model <file>', 'model file (default: models/default.json)')
  .addOption(
    new Option('--source <digits>', "whose digits: optdigits' writers, or MNIST's test digits through the same 8×8 grid and redrawing (a control for what the grid costs)")
      .choices(['optdigits', 'mnist-grid'])
      .default('optdigits'),
  )
  .addOption(new Option('--split <split>', 'which optdigits rows: dev (0–1199), held-out (1200–1796), or all, reported apart').choices(['dev', 'held-out', 'all']).default('all'))
  .option('--conditions <list>', `comma-separated, from ${CONDITIONS.join(', ')}`, conditionList, [...CONDITIONS])
  .option('--seed <n>', 'render seed', nonNegativeInt, 1)
  .option('--json <file>', 'also write every figure as JSON')
  .option('--limit <n>', 'quick run: the first N rows of each split under every condition, at most N of each non-digit kind and N numbers', positiveInt)
  .option('--workers <n>', 'worker threads (1: run in this thread)', positiveInt, Math.min(4, availableParallelism()))
  .addHelpText('after', '\nData: .cache/optdigits/digits.csv.gz (fetched with apt-get download python3-sklearn if missing).\nProgress goes to stderr, figures to stdout.')
  .exitOverride()
  .action(main);

program.parseAsync().catch((e: unknown) => {
  // Commander has printed its message; bad usage exits 2, as in the digitnet CLI.
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (!(e instanceof DigitNetError)) throw e;
  process.stderr.write(`bench-real: ${e.message}\n`);
  process.exit(exitCodeOf(e));
});
