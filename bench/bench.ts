/**
 * `npm run bench`: how fast each kernel set trains on MNIST. Not a test: it
 * prints numbers, it asserts nothing. Each kernel set runs in a child process
 * of its own, so that the peak RSS it reports is that kernel set's alone.
 * Training goes through the real trainer (chunks, shuffles, an evaluation of
 * the 10,000 validation images after every epoch), as `digitnet train` does.
 *
 * Reported per kernel set: the first epoch apart (V8 is still compiling),
 * the median of the later ("warm") epochs, dense-equivalent GFLOP/s, the
 * median evaluation time, the data load time and the peak RSS; and the
 * median CPU time per warm epoch, training and evaluation, every thread's.
 *
 * FLOPs are counted as if every input were nonzero (the wasm kernels skip
 * zero pixels, so theirs is an effective rate). Per example, with ΣIO over
 * the layers: forward 2ΣIO, BP2 2ΣIO over the layers after the first (no δ
 * is needed for the pixels), weight gradients 2ΣIO; plus the update, 2 per
 * parameter per batch. For [784, 30, 25, 10] and batch 10 that is
 * 105,000 per example, 5.25 GFLOP per epoch of 50,000.
 *
 * `--threads 1,2` runs the wasm kernels once per thread count (each in its
 * own process) and adds the speed-up over the first count. `--preset best`
 * trains a preset's recipe (its activations, cost, batch, η, L2, momentum)
 * rather than the sigmoid/quadratic network of --layers.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { layerList, oneOf, positiveInt, threadCount } from '../src/cli/parse.js';
import { loadMnist } from '../src/data/mnist.js';
import { KERNEL_NAMES, loadKernels } from '../src/kernels/index.js';
import type { KernelsName } from '../src/kernels/types.js';
import type { ActivationName } from '../src/nn/activations.js';
import type { NetworkSpec } from '../src/nn/network.js';
import { preset, PRESET_NAMES, type PresetName, specOf, type TrainConfig } from '../src/train/config.js';
import { runTraining } from '../src/train/run.js';
import type { EpochEvent } from '../src/train/trainer.js';

interface Flags {
  kernels: KernelsName[];
  layers: number[];
  batchSize: number;
  epochs?: number;
  trainSize?: number;
  threads: number[];
  preset?: PresetName;
  child?: KernelsName;
  childThreads?: number;
}

/** What a child reports. */
interface Measurement {
  kernels: KernelsName;
  threads: number;
  loadSeconds: number;
  epochs: (Pick<EpochEvent, 'seconds' | 'evalSeconds' | 'correct'> & { cpuSeconds: number })[];
  trainCount: number;
  peakRssMiB: number;
}

/** Epochs per kernel set unless --epochs says otherwise: the reference is 20× slower. */
const DEFAULT_EPOCHS: Record<KernelsName, number> = { wasm: 5, reference: 3 };

/** Dense-equivalent floating-point operations per example (see the header). */
function flopsPerExample(sizes: readonly number[], batchSize: number): number {
  let flops = 0;
  for (let l = 1; l < sizes.length; l++) {
    const io = sizes[l - 1] * sizes[l];
    flops += 2 * io; // forward
    flops += 2 * io; // weight gradient
    if (l > 1) flops += 2 * io; // BP2 into the layer below
    flops += (2 * (io + sizes[l])) / batchSize; // the update, once per batch
  }
  return flops;
}

async function measure(flags: Flags, kernelsName: KernelsName, threads: number): Promise<Measurement> {
  const t0 = performance.now();
  const data = loadMnist({ trainSize: flags.trainSize });
  const loadSeconds = (performance.now() - t0) / 1000;
  const kernels = await loadKernels(
    kernelsName,
    (reason) => {
      throw new Error(reason); // a benchmark of the fallback would be a lie
    },
    undefined,
    threads,
  );
  const config = { ...benchConfig(flags), epochs: flags.epochs ?? DEFAULT_EPOCHS[kernelsName] };
  const epochs: Measurement['epochs'] = [];
  // CPU time of every thread of the process: on a busy machine a steadier measure of the work than the clock.
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  let cpuBefore = cpu();
  await runTraining(config, data, {
    kernels,
    onEvent: (e) => {
      if (e.type !== 'epoch') return;
      const now = cpu();
      epochs.push({ seconds: e.seconds, evalSeconds: e.evalSeconds, correct: e.correct, cpuSeconds: now - cpuBefore });
      cpuBefore = now;
    },
  });
  return { kernels: kernelsName, threads, loadSeconds, epochs, trainCount: data.train.count, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

/** The network and its update rule: a preset's, or sigmoid and quadratic cost on --layers with η 1.3. */
/**
 * The run a bench times: a preset's network and SGD step, or the reference
 * recipe on --layers and --batch-size; seed 1. No schedule, early stop,
 * augmentation or non-digits: the bench times the kernels' epochs alone.
 */
function benchConfig(flags: Flags): TrainConfig {
  const plain = { schedule: { kind: 'none' } as const, earlyStop: null, augment: 0, pens: 0, styles: 0, nonDigits: 0, seed: 1 };
  if (flags.preset) return { ...preset(flags.preset), ...plain };
  const hidden = flags.layers.slice(2).map((): ActivationName => 'sigmoid');
  return { ...preset('reference'), ...plain, layers: flags.layers, hidden, batchSize: flags.batchSize };
}

function network(flags: Flags): { spec: NetworkSpec; batchSize: number } {
  const config = benchConfig(flags);
  return { spec: specOf(config), batchSize: config.batchSize };
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function report(flags: Flags, results: Measurement[]): void {
  const N = results[0]?.trainCount ?? 0;
  const { spec, batchSize } = network(flags);
  const perEpoch = flopsPerExample(spec.sizes, batchSize) * N;
  const what = flags.preset ? `--preset ${flags.preset}: ` : '';
  console.log(
    `${what}[${spec.sizes.join(', ')}] ${[...new Set(spec.activations)].join('/')}, ${spec.cost} cost, batch ${batchSize}, ${N} training images: ` +
      `${(perEpoch / 1e9).toFixed(2)} GFLOP per epoch (dense-equivalent)`,
  );
  const rows = [['kernels', 'threads', 'epochs', 'first epoch', 'warm epoch (median)', 'speed-up', 'GFLOP/s', 'CPU per epoch', 'eval 10k (median)', 'data load', 'peak RSS', 'validation']];
  const warmOf = (r: Measurement) => median(r.epochs.slice(1).map((e) => e.seconds));
  for (const r of results) {
    const warm = warmOf(r);
    const evals = median((r.epochs.length > 1 ? r.epochs.slice(1) : r.epochs).map((e) => e.evalSeconds));
    const last = r.epochs[r.epochs.length - 1];
    // Against the same kernels' first thread count, as listed.
    const base = results.find((b) => b.kernels === r.kernels)!;
    rows.push([
      r.kernels,
      String(r.threads),
      String(r.epochs.length),
      `${r.epochs[0].seconds.toFixed(3)} s`,
      Number.isNaN(warm) ? 'n/a (1 epoch)' : `${warm.toFixed(3)} s`,
      Number.isNaN(warm) ? 'n/a' : `${(warmOf(base) / warm).toFixed(2)}×`,
      Number.isNaN(warm) ? 'n/a' : (perEpoch / warm / 1e9).toFixed(1),
      `${median((r.epochs.length > 1 ? r.epochs.slice(1) : r.epochs).map((e) => e.cpuSeconds)).toFixed(3)} s`,
      `${evals.toFixed(4)} s`,
      `${r.loadSeconds.toFixed(2)} s`,
      `${r.peakRssMiB.toFixed(0)} MiB`,
      `${last.correct} / 10000`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

function runChild(flags: Flags, kernelsName: KernelsName, threads: number): Measurement {
  const args = [fileURLToPath(import.meta.url), '--child', kernelsName, '--child-threads', String(threads), '--layers', flags.layers.join(','), '--batch-size', String(flags.batchSize)];
  if (flags.epochs !== undefined) args.push('--epochs', String(flags.epochs));
  if (flags.trainSize !== undefined) args.push('--train-size', String(flags.trainSize));
  if (flags.preset !== undefined) args.push('--preset', flags.preset);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`the ${kernelsName} run on ${threads} thread(s) failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as Measurement;
}

/** Each kernel set once per thread count (the reference kernels have one thread). */
function runs(flags: Flags): [KernelsName, number][] {
  return flags.kernels.flatMap((k): [KernelsName, number][] => (k === 'wasm' ? flags.threads.map((t): [KernelsName, number] => [k, t]) : [[k, 1]]));
}

const program = new Command('bench')
  .description(
    'train on MNIST with each kernel set, each in its own process, and print per kernel set: first epoch, median warm epoch, ' +
      'dense-equivalent GFLOP/s, median evaluation time (10,000 images), data load time and peak RSS',
  )
  .addOption(
    new Option('--kernels <list>', 'kernel sets to run, comma-separated')
      .argParser((v) => v.split(',').map((k) => oneOf(KERNEL_NAMES)(k.trim())))
      .default(['wasm', 'reference'], 'wasm,reference'),
  )
  .addOption(new Option('--layers <sizes>', 'layer sizes, input first (784 … 10 for MNIST)').argParser(layerList).default([784, 30, 25, 10], '784,30,25,10'))
  .option('--batch-size <n>', 'examples per mini-batch', positiveInt, 10)
  .option('--epochs <n>', `epochs per kernel set (default: ${DEFAULT_EPOCHS.wasm} for wasm, ${DEFAULT_EPOCHS.reference} for reference); the first is reported apart`, positiveInt)
  .option('--train-size <n>', 'train on the first N of the 50,000 images', positiveInt)
  .addOption(
    new Option('--threads <list>', 'thread counts to run the wasm kernels with, comma-separated; speed-ups are against the first')
      .argParser((v) => v.split(',').map((t) => threadNumber(t.trim())))
      .default([1], '1'),
  )
  .addOption(new Option('--preset <name>', "train a preset's recipe (network, batch, η, L2, momentum) instead of --layers and --batch-size").choices(PRESET_NAMES))
  .addOption(new Option('--child <kernels>', 'internal: measure one kernel set and print JSON').hideHelp())
  .addOption(new Option('--child-threads <n>', 'internal: its thread count').argParser(positiveInt).default(1).hideHelp())
  .action(async (flags: Flags) => {
    const sizes = flags.layers;
    if (sizes[0] !== 784 || sizes[sizes.length - 1] !== 10) throw new Error('--layers must start with 784 (pixels) and end with 10 (classes)');
    if (flags.child) {
      process.stdout.write(JSON.stringify(await measure(flags, flags.child, flags.childThreads ?? 1)));
      return;
    }
    report(flags, runs(flags).map(([k, t]) => runChild(flags, k, t)));
  });

/** A thread count for the table: a number ('auto' would not say what was measured). */
function threadNumber(value: string): number {
  const n = threadCount(value);
  if (n === 'auto') throw new InvalidArgumentError('must list thread counts (numbers), not auto.');
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
