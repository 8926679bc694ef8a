/**
 * `npm run bench`: how fast each kernel set trains on MNIST. Not a test: it
 * prints numbers, it asserts nothing. Each kernel set runs in a child process
 * of its own, so that the peak RSS it reports is that kernel set's alone.
 * Training goes through the real trainer (chunks, shuffles, an evaluation of
 * the 10,000 validation images after every epoch), as `digitnet train` does.
 *
 * Reported per kernel set: the first epoch apart (V8 is still compiling),
 * the median of the later ("warm") epochs, dense-equivalent GFLOP/s, the
 * median evaluation time, the data load time and the peak RSS.
 *
 * FLOPs are counted as if every input were nonzero (the wasm kernels skip
 * zero pixels, so theirs is an effective rate). Per example, with ΣIO over
 * the layers: forward 2ΣIO, BP2 2ΣIO over the layers after the first (no δ
 * is needed for the pixels), weight gradients 2ΣIO; plus the update, 2 per
 * parameter per batch. For [784, 30, 25, 10] and batch 10 that is
 * 105,000 per example, 5.25 GFLOP per epoch of 50,000.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { layerList, oneOf, positiveInt } from '../src/cli/parse.js';
import { loadMnist } from '../src/data/mnist.js';
import { KERNEL_NAMES, loadKernels } from '../src/kernels/index.js';
import type { KernelsName } from '../src/kernels/types.js';
import { Network, type NetworkSpec } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { type EpochEvent, train } from '../src/train/trainer.js';

interface Flags {
  kernels: KernelsName[];
  layers: number[];
  batchSize: number;
  epochs?: number;
  trainSize?: number;
  child?: KernelsName;
}

/** What a child reports. */
interface Measurement {
  kernels: KernelsName;
  loadSeconds: number;
  epochs: Pick<EpochEvent, 'seconds' | 'evalSeconds' | 'correct'>[];
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

async function measure(flags: Flags, kernelsName: KernelsName): Promise<Measurement> {
  const t0 = performance.now();
  const data = loadMnist({ trainSize: flags.trainSize });
  const loadSeconds = (performance.now() - t0) / 1000;
  const kernels = await loadKernels(kernelsName, (reason) => {
    throw new Error(reason); // a benchmark of the fallback would be a lie
  });
  const spec: NetworkSpec = { sizes: flags.layers, activations: flags.layers.slice(1).map(() => 'sigmoid'), cost: 'quadratic' };
  const rng = new Random(1);
  const net = Network.create(spec, rng);
  const epochs: Measurement['epochs'] = [];
  await train(net, data, {
    epochs: flags.epochs ?? DEFAULT_EPOCHS[kernelsName],
    batchSize: flags.batchSize,
    eta: 1.3,
    kernels,
    rng,
    onEvent: (e) => {
      if (e.type === 'epoch') epochs.push({ seconds: e.seconds, evalSeconds: e.evalSeconds, correct: e.correct });
    },
  });
  return { kernels: kernelsName, loadSeconds, epochs, trainCount: data.train.count, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function report(flags: Flags, results: Measurement[]): void {
  const N = results[0]?.trainCount ?? 0;
  const perEpoch = flopsPerExample(flags.layers, flags.batchSize) * N;
  console.log(
    `[${flags.layers.join(', ')}] sigmoid, quadratic cost, batch ${flags.batchSize}, ${N} training images: ` +
      `${(perEpoch / 1e9).toFixed(2)} GFLOP per epoch (dense-equivalent)`,
  );
  const rows = [['kernels', 'epochs', 'first epoch', 'warm epoch (median)', 'GFLOP/s', 'eval 10k (median)', 'data load', 'peak RSS', 'validation']];
  for (const r of results) {
    const warm = median(r.epochs.slice(1).map((e) => e.seconds));
    const evals = median((r.epochs.length > 1 ? r.epochs.slice(1) : r.epochs).map((e) => e.evalSeconds));
    const last = r.epochs[r.epochs.length - 1];
    rows.push([
      r.kernels,
      String(r.epochs.length),
      `${r.epochs[0].seconds.toFixed(3)} s`,
      Number.isNaN(warm) ? 'n/a (1 epoch)' : `${warm.toFixed(3)} s`,
      Number.isNaN(warm) ? 'n/a' : (perEpoch / warm / 1e9).toFixed(1),
      `${evals.toFixed(4)} s`,
      `${r.loadSeconds.toFixed(2)} s`,
      `${r.peakRssMiB.toFixed(0)} MiB`,
      `${last.correct} / 10000`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

function runChild(flags: Flags, kernelsName: KernelsName): Measurement {
  const args = [fileURLToPath(import.meta.url), '--child', kernelsName, '--layers', flags.layers.join(','), '--batch-size', String(flags.batchSize)];
  if (flags.epochs !== undefined) args.push('--epochs', String(flags.epochs));
  if (flags.trainSize !== undefined) args.push('--train-size', String(flags.trainSize));
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`the ${kernelsName} run failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as Measurement;
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
  .addOption(new Option('--child <kernels>', 'internal: measure one kernel set and print JSON').hideHelp())
  .action(async (flags: Flags) => {
    const sizes = flags.layers;
    if (sizes[0] !== 784 || sizes[sizes.length - 1] !== 10) throw new Error('--layers must start with 784 (pixels) and end with 10 (classes)');
    if (flags.child) {
      process.stdout.write(JSON.stringify(await measure(flags, flags.child)));
      return;
    }
    report(flags, flags.kernels.map((k) => runChild(flags, k)));
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
