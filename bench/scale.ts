/**
 * `npm run bench:scale`: how DigitNet's time per epoch grows with the hidden
 * width, the depth, the mini-batch size and the training-set size, beside
 * PyTorch (CPU, one thread) and NumPy (float32, one BLAS thread) training the
 * same network in the same run. Not a test: it prints tables, asserts nothing.
 *
 * The network everywhere: ReLU hidden layers, softmax output with
 * cross-entropy (DigitNet's log-likelihood), He initialisation, plain SGD;
 * the recipe table adds --preset best's own rule (Nesterov momentum and L2)
 * for all three, PyTorch's SGD with momentum, nesterov and weight_decay.
 * DigitNet runs in this process with the wasm kernels (one thread) through
 * the real trainer; the peers run bench/peers/scale_peer.py, one long-lived
 * process each, so the three take turns row by row. The threads table runs
 * best's network and rule on 1 and 2 threads, each of the three given the
 * same count (the issue's "both ways"). A peer that cannot
 * start (no python3, no torch, no numpy) gets "missing" in its column.
 *
 * To stay short, the width, depth and batch rows time one pass over the
 * first --examples images (10,000 by default, after an untimed warm-up) and
 * scale it to a 50,000-image epoch; the size rows time whole epochs of
 * 5,000, 20,000 and 60,000 images (all of MNIST's training file: EMNIST is
 * not installed here, so nothing larger). Dense-equivalent GFLOP/s (the count
 * of bench.ts: every pixel counted, though DigitNet skips zero ones) shows
 * whether cost grows linearly with work: a flat column means it does.
 * Each row is timed --repeats times (DigitNet, torch, numpy in turn) and the
 * fastest of each is shown: on shared cores, the slow ones measure the others.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { Command, Option } from 'commander';
import { oneOf, positiveInt, positiveNumber } from '../src/cli/parse.js';
import type { Dataset } from '../src/data/dataset.js';
import { sliceDataset } from '../src/data/dataset.js';
import { defaultDataDir, loadMnist } from '../src/data/mnist.js';
import { loadKernels } from '../src/kernels/index.js';
import type { Kernels } from '../src/kernels/types.js';
import { Network, type NetworkSpec } from '../src/nn/network.js';
import { packageRoot } from '../src/paths.js';
import { Random } from '../src/random.js';
import { train } from '../src/train/trainer.js';

type GroupName = 'recipe' | 'threads' | 'width' | 'depth' | 'batch' | 'size';
const GROUP_NAMES: readonly GroupName[] = ['recipe', 'threads', 'width', 'depth', 'batch', 'size'];
type PeerName = 'torch' | 'numpy';
const PEER_NAMES: readonly PeerName[] = ['torch', 'numpy'];

interface Flags {
  groups: GroupName[];
  peers: PeerName[];
  examples: number;
  repeats: number;
  eta: number;
}

/** The update rule beyond plain SGD: Nesterov momentum and L2, as --preset best trains. */
interface Recipe {
  momentum: number;
  nesterov: boolean;
  /** λ: the weight decay per step is η·λ/n, n the images trained on. */
  l2: number;
}

/** One line of a table: a network, a batch size, how many images are timed and the epoch they stand for. */
interface Row {
  label: string;
  layers: number[];
  batch: number;
  timed: number;
  epoch: number;
  recipe?: Recipe;
  /** Threads for all three (DigitNet's kernels, torch.set_num_threads and the BLAS); 1 unless said. */
  threads?: number;
}

/** --preset best's update rule (src/train/config.ts). */
const BEST: Recipe = { momentum: 0.9, nesterov: true, l2: 5 };

const EPOCH = 50_000;

function rowsOf(group: GroupName, examples: number): Row[] {
  const row = (label: string, layers: number[], batch = 20, timed = examples, epoch = EPOCH): Row => ({ label, layers, batch, timed, epoch });
  switch (group) {
    case 'recipe':
      return [row('plain SGD', [784, 800, 10]), { ...row('best', [784, 800, 10]), recipe: BEST }];
    case 'threads':
      return [1, 2].map((threads) => ({ ...row(String(threads), [784, 800, 10]), recipe: BEST, threads }));
    case 'width':
      return [30, 100, 300, 800, 2000, 4000].map((w) => row(String(w), [784, w, 10]));
    case 'depth':
      return [1, 2, 3, 4, 5].map((d) => row(String(d), [784, ...Array<number>(d).fill(100), 10]));
    case 'batch':
      return [1, 10, 20, 64, 256].map((b) => row(String(b), [784, 100, 10], b));
    case 'size':
      return [5_000, 20_000, 60_000].map((n) => row(n.toLocaleString('en-US'), [784, 100, 10], 20, n, n));
  }
}

const GROUP_TITLES: Record<GroupName, string> = {
  recipe: "--preset best's network, [784, 800, 10], batch 20: plain SGD, and best's own rule (Nesterov momentum 0.9, L2 5) in all three",
  threads: "--preset best's network and rule on 1 and 2 threads, each of the three given the same number (DigitNet's kernels; torch.set_num_threads and the BLAS's)",
  width: 'hidden width W of [784, W, 10], batch 20',
  depth: 'hidden layers of 100 each, batch 20',
  batch: 'batch size on [784, 100, 10]',
  size: 'training-set size on [784, 100, 10], batch 20: whole epochs timed',
};

/** Dense-equivalent FLOPs per example, counted as bench.ts counts them (forward, BP2 above the first layer, weight gradients, the update per batch). */
function flopsPerExample(sizes: readonly number[], batchSize: number): number {
  let flops = 0;
  for (let l = 1; l < sizes.length; l++) {
    const io = sizes[l - 1] * sizes[l];
    flops += 4 * io + (l > 1 ? 2 * io : 0) + (2 * (io + sizes[l])) / batchSize;
  }
  return flops;
}

/** The bench network as DigitNet describes it. */
function specOf(layers: number[]): NetworkSpec {
  return { sizes: layers, activations: layers.slice(1).map((_, l) => (l === layers.length - 2 ? 'softmax' : 'relu')), cost: 'log-likelihood' };
}

/**
 * One epoch over the first `count` images of `all`; returns the trainer's training time (evaluation
 * excluded). With threads, two epochs, the second timed: each run starts its own worker threads,
 * tens of milliseconds that a 10,000-image pass scaled to 50,000 would count five times.
 */
async function digitnetEpoch(all: Dataset, row: Row, count: number, kernels: Kernels, eta: number): Promise<number> {
  const rng = new Random(1);
  const net = Network.create(specOf(row.layers), rng, 'he');
  // A token validation set: the trainer evaluates after each epoch, and that time is not what is measured.
  const validation = sliceDataset(all, all.count - 100, all.count);
  let seconds = NaN;
  await train(net, { train: sliceDataset(all, 0, count), validation }, {
    epochs: (row.threads ?? 1) > 1 ? 2 : 1,
    batchSize: row.batch,
    eta,
    ...(row.recipe ?? {}),
    kernels,
    rng,
    onEvent: (e) => {
      if (e.type === 'epoch') seconds = e.seconds;
    },
  });
  return seconds;
}

/** Warm up (a few batches), then time. */
async function digitnetSeconds(all: Dataset, row: Row, kernels: Kernels, eta: number): Promise<number> {
  await digitnetEpoch(all, row, Math.min(row.timed, 5 * row.batch), kernels, eta);
  return digitnetEpoch(all, row, row.timed, kernels, eta);
}

/** A peer process (scale_peer.py) answering one JSON line per request; null where it could not start. */
interface Peer {
  name: PeerName;
  ask(row: Row, eta: number): Promise<number | string>;
  close(): void;
}

function pythonPath(): string {
  return process.env.DIGITNET_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/** The next line `lines` gives, or null if the process ends first. */
function nextLine(lines: Interface, child: ChildProcess): Promise<string | null> {
  return new Promise((resolve) => {
    const onLine = (line: string) => finish(line);
    const onExit = () => finish(null);
    const finish = (value: string | null) => {
      lines.off('line', onLine);
      child.off('exit', onExit);
      resolve(value);
    };
    lines.once('line', onLine);
    child.once('exit', onExit);
  });
}

async function startPeer(name: PeerName, threads: number): Promise<Peer | string> {
  const script = join(packageRoot(), 'bench/peers/scale_peer.py');
  // The same thread count everywhere: BLAS, OpenMP and torch's own pool. glibc's malloc
  // hands each freed block of a few MB back to the kernel and maps it afresh
  // on the next step: PyTorch's temporaries then cost ~35 page faults per
  // image and its epoch time swings 2-3x run to run. Keeping freed memory
  // (no mmap, no trim) gives both peers their steady, fastest time.
  const env = {
    ...process.env,
    MNIST_DIR: defaultDataDir(),
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    MALLOC_MMAP_THRESHOLD_: String(2 ** 30),
    MALLOC_TRIM_THRESHOLD_: String(2 ** 30),
  };
  const child = spawn(pythonPath(), [script, '--impl', name, '--threads', String(threads)], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const started = await new Promise<string | null>((resolve) => {
    child.once('error', (e) => resolve(`cannot run ${pythonPath()} (${e.message})`));
    child.once('spawn', () => resolve(null));
  });
  if (started) return started;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = JSON.parse((await nextLine(lines, child)) ?? '{"missing": "the peer exited at once"}') as { ready?: string; missing?: string };
  if (!first.ready) {
    child.kill();
    return `missing (${first.missing})`;
  }
  console.log(`peer: ${first.ready}, ${threads === 1 ? 'one thread' : `${threads} threads`}`);
  return {
    name,
    async ask(row, eta) {
      // DigitNet's L2 of λ is a weight decay of λ/n per unit of η (n: the images trained on), PyTorch's weight_decay.
      const rule = row.recipe ? { momentum: row.recipe.momentum, nesterov: row.recipe.nesterov, weight_decay: row.recipe.l2 / row.timed } : {};
      child.stdin?.write(`${JSON.stringify({ layers: row.layers, batch: row.batch, examples: row.timed, eta, seed: 1, ...rule })}\n`);
      const answer = JSON.parse((await nextLine(lines, child)) ?? '{"error": "the peer exited"}') as { seconds?: number; error?: string };
      return answer.seconds ?? `failed: ${answer.error}`;
    },
    close: () => child.stdin?.end(),
  };
}

/** Seconds per epoch (scaled from the timed images) for DigitNet and each peer; a string where a peer had none. */
type Timings = Record<'digitnet' | PeerName, number | string>;

function formatTable(group: GroupName, rows: Row[], timings: Timings[], peers: (Peer | string)[]): string[] {
  const fmt = (t: number | string, digits = 3) => (typeof t === 'number' ? t.toFixed(digits) : t);
  const ratio = (peer: number | string, ours: number | string) => (typeof peer === 'number' && typeof ours === 'number' ? `${(peer / ours).toFixed(1)}×` : 'n/a');
  const rate = (row: Row, t: number | string) => (typeof t === 'number' ? ((flopsPerExample(row.layers, row.batch) * row.epoch) / t / 1e9).toFixed(1) : 'n/a');
  const names = PEER_NAMES.map((p) => (peers.some((x) => typeof x !== 'string' && x.name === p) ? p : `${p} (missing)`));
  const header = [group, 'GFLOP/epoch', 'DigitNet s', `${names[0]} s`, `${names[1]} s`, 'torch ÷ DigitNet', 'numpy ÷ DigitNet', 'GFLOP/s DigitNet / torch / numpy'];
  const lines = [header];
  rows.forEach((row, i) => {
    const t = timings[i];
    lines.push([
      row.label,
      ((flopsPerExample(row.layers, row.batch) * row.epoch) / 1e9).toFixed(1),
      fmt(t.digitnet),
      fmt(t.torch),
      fmt(t.numpy),
      ratio(t.torch, t.digitnet),
      ratio(t.numpy, t.digitnet),
      [t.digitnet, t.torch, t.numpy].map((x) => rate(row, x)).join(' / '),
    ]);
  });
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

/** DigitNet's kernels and the peers for each thread count, started when a row first asks for that count. */
class Engines {
  private readonly kernels = new Map<number, Promise<Kernels>>();
  private readonly peers = new Map<number, Promise<(Peer | string)[]>>();

  constructor(private readonly wanted: readonly PeerName[]) {}

  kernelsFor(threads: number): Promise<Kernels> {
    let k = this.kernels.get(threads);
    if (!k) {
      k = loadKernels(
        'wasm',
        (reason) => {
          throw new Error(reason); // timing the fallback would be a lie
        },
        undefined,
        threads,
      );
      this.kernels.set(threads, k);
    }
    return k;
  }

  /** One entry per PEER_NAMES: the peer, or why it is not there. */
  peersFor(threads: number): Promise<(Peer | string)[]> {
    let p = this.peers.get(threads);
    if (!p) {
      p = (async () => {
        const started = await Promise.all(PEER_NAMES.map((name) => (this.wanted.includes(name) ? startPeer(name, threads) : Promise.resolve('not asked for'))));
        started.forEach((peer, i) => typeof peer === 'string' && console.log(`peer ${PEER_NAMES[i]}, ${threads} thread(s): ${peer}; its column is skipped`));
        return started;
      })();
      this.peers.set(threads, p);
    }
    return p;
  }

  async close(): Promise<void> {
    for (const p of this.peers.values()) for (const peer of await p) if (typeof peer !== 'string') peer.close();
  }
}

/** The three timings of one row, taken in turn; each in seconds per epoch, or why there is none. */
async function timeRow(row: Row, flags: Flags, all: Dataset, engines: Engines): Promise<Timings> {
  const scale = row.epoch / row.timed;
  const threads = row.threads ?? 1;
  const peers = await engines.peersFor(threads);
  const t: Timings = { digitnet: (await digitnetSeconds(all, row, await engines.kernelsFor(threads), flags.eta)) * scale, torch: 'missing', numpy: 'missing' };
  for (const [i, name] of PEER_NAMES.entries()) {
    const peer = peers[i];
    if (typeof peer === 'string') continue;
    const s = await peer.ask(row, flags.eta);
    t[name] = typeof s === 'number' ? s * scale : s;
  }
  return t;
}

/** The fastest of the repeats, per implementation: on shared cores the slow ones are other programs' doing. */
function fastest(runs: Timings[]): Timings {
  const pick = (key: keyof Timings) => {
    const numbers = runs.map((r) => r[key]).filter((x): x is number => typeof x === 'number');
    return numbers.length > 0 ? Math.min(...numbers) : runs[0][key];
  };
  return { digitnet: pick('digitnet'), torch: pick('torch'), numpy: pick('numpy') };
}

async function runGroup(group: GroupName, flags: Flags, all: Dataset, engines: Engines): Promise<void> {
  const rows = rowsOf(group, flags.examples);
  const timings: Timings[] = [];
  for (const row of rows) {
    const runs: Timings[] = [];
    for (let r = 0; r < flags.repeats; r++) runs.push(await timeRow(row, flags, all, engines));
    timings.push(fastest(runs));
  }
  const timed = group === 'size' ? 'whole epochs' : `${flags.examples} images timed, scaled to a 50,000-image epoch`;
  console.log(`\n${GROUP_TITLES[group]}; seconds per epoch (${timed}), fastest of ${flags.repeats}`);
  for (const line of formatTable(group, rows, timings, await engines.peersFor(1))) console.log(line);
}

/** MNIST's whole training file (60,000): the library's training and validation parts joined again. */
function allTraining(): Dataset {
  const { train: t, validation: v } = loadMnist();
  const images = new Uint8Array(t.images.length + v.images.length);
  images.set(t.images);
  images.set(v.images, t.images.length);
  const labels = new Uint8Array(t.count + v.count);
  labels.set(t.labels);
  labels.set(v.labels, t.count);
  return { images, labels, count: t.count + v.count, inputSize: t.inputSize, classes: t.classes };
}

async function main(flags: Flags): Promise<void> {
  const engines = new Engines(flags.peers);
  const all = allTraining();
  // One untimed epoch first, so the first row does not pay for V8's and the wasm engine's start.
  await digitnetEpoch(all, rowsOf('width', 5_000)[1], 5_000, await engines.kernelsFor(1), flags.eta);
  await engines.peersFor(1);
  try {
    for (const group of flags.groups) await runGroup(group, flags, all, engines);
  } finally {
    await engines.close();
  }
}

const listOf = <T extends string>(choices: readonly T[]) => (v: string) => v.split(',').map((x) => oneOf(choices)(x.trim()));

const program = new Command('bench:scale')
  .description('time per epoch against hidden width, depth, batch size and training-set size: DigitNet (wasm) beside PyTorch and NumPy, one thread each (the threads table: 1 and 2)')
  .addOption(new Option('--groups <list>', `tables to print: ${GROUP_NAMES.join(', ')}`).argParser(listOf(GROUP_NAMES)).default([...GROUP_NAMES], 'all'))
  .addOption(new Option('--peers <list>', `peers to run: ${PEER_NAMES.join(', ')}`).argParser(listOf(PEER_NAMES)).default([...PEER_NAMES], 'both'))
  .option('--examples <n>', 'images timed per row of the width, depth and batch tables (scaled to 50,000)', positiveInt, 10_000)
  .option('--repeats <n>', 'timings per row and implementation, taken in turn; the fastest is shown', positiveInt, 3)
  .option('--eta <η>', 'learning rate', positiveNumber, 0.1)
  .action(async (flags: Flags) => main(flags));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`bench:scale: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
