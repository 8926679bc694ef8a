/**
 * The wasm kernels on several threads: one shared WebAssembly.Memory, one
 * instance of kernels-threads.wasm per thread, this thread being thread 0.
 * The work split and the barriers live in assembly/threads.ts; here are the
 * team (a KernelRunner for WasmEngine), the choice of how many threads pay,
 * and `serveThread`, which each other thread runs.
 *
 * Platform-neutral: starting a thread is the host's business (node-threads.ts
 * starts a worker_threads Worker; a browser could start a Web Worker).
 */
import type { EngineUse, Kernels, Threads } from '../types.js';
import * as abi from './abi.js';
import { type KernelRunner, WasmEngine } from './engine.js';
import type { WasmModule } from './load.js';
import type { MemoryPlan } from './layout.js';

/** What a thread needs to join the team. */
export interface ThreadStart {
  module: WasmModule;
  /** The shared WebAssembly.Memory. */
  memory: object;
  /** Byte offset of the control block. */
  control: number;
  /** t, from 1. */
  thread: number;
}

/** How a host runs threads: start one that calls serveThread(start), and count the cores. */
export interface ThreadHost {
  spawn(start: ThreadStart): { terminate(): unknown };
  /** Cores this process may use now ('auto' uses no more threads than this). */
  cores(): number;
}

/** The threaded module's exports (assembly/threads.ts). */
interface TeamExports {
  heapBase(): number;
  run(control: number): number;
  serve(control: number, thread: number): number;
}

/** How long thread 0 waits for the others to start before giving up. */
const START_TIMEOUT_MS = 30_000;
const MAX_PAGES = 65536;

/** Thread t's whole life: instantiate on the shared memory, serve until told to exit; a failure stops the team's waits. */
export function serveThread(start: ThreadStart): void {
  const memory = start.memory as WebAssembly.Memory;
  const words = new Int32Array(memory.buffer, start.control, abi.CONTROL_WORDS);
  try {
    const instance = new WebAssembly.Instance(start.module as WebAssembly.Module, { env: { memory } });
    Atomics.add(words, abi.C_READY, 1);
    Atomics.notify(words, abi.C_READY);
    (instance.exports as unknown as TeamExports).serve(start.control, start.thread);
  } catch (e) {
    Atomics.store(words, abi.C_FAILED, 1);
    Atomics.notify(words, abi.C_GENERATION);
    Atomics.notify(words, abi.C_READY);
    throw e;
  }
}

/** T threads sharing one memory; thread 0 is the caller's. */
export class ThreadTeam implements KernelRunner {
  readonly memory: WebAssembly.Memory;
  readonly heapBase: number;
  readonly minRows: number;
  /** Each example's cost, in float64, for the caller to sum in order. */
  readonly scratchPerExample = 8;
  readonly controlBytes = abi.CONTROL_WORDS * 4;
  private readonly wasm: TeamExports;
  private readonly handles: { terminate(): unknown }[] = [];
  private control = 0;
  private words: Int32Array | null = null;
  private ready = false;

  constructor(
    private readonly module: WebAssembly.Module,
    readonly threads: number,
    private readonly host: ThreadHost,
  ) {
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    this.wasm = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as TeamExports;
    this.heapBase = this.wasm.heapBase();
    this.minRows = threads;
  }

  start(plan: MemoryPlan): void {
    this.control = plan.control;
    this.words = new Int32Array(this.memory.buffer, plan.control, abi.CONTROL_WORDS);
    this.words.fill(0);
    this.words[abi.C_THREADS] = this.threads;
    this.words[abi.C_CONFIG] = plan.config;
    for (let thread = 1; thread < this.threads; thread++) {
      this.handles.push(this.host.spawn({ module: this.module, memory: this.memory, control: this.control, thread }));
    }
  }

  train(config: number, order: number, count: number): void {
    this.command(abi.CMD_TRAIN, config, { [abi.C_ORDER]: order, [abi.C_COUNT]: count, [abi.C_NEXT_ROW]: 0 });
  }

  evaluate(config: number, images: number, labels: number, predictions: number, count: number, scratch: number): number {
    this.command(abi.CMD_EVALUATE, config, {
      [abi.C_COUNT]: count,
      [abi.C_IMAGES]: images,
      [abi.C_LABELS]: labels,
      [abi.C_PREDICTIONS]: predictions,
      [abi.C_COSTS]: scratch,
    });
    // Summed here in example order, as the one-thread kernel sums: the same float64 total.
    const costs = new Float64Array(this.memory.buffer, scratch, count);
    let total = 0;
    for (let n = 0; n < count; n++) total += costs[n];
    return total;
  }

  dispose(): void {
    try {
      if (this.words && this.waitReady()) this.command(abi.CMD_EXIT, 0, {});
    } finally {
      for (const handle of this.handles.splice(0)) void handle.terminate();
      this.words = null;
    }
  }

  /** Write the command and its arguments, then do thread 0's share; throws if a thread failed. */
  private command(command: number, config: number, args: Record<number, number>): void {
    const words = this.words;
    if (!words || !this.waitReady()) throw new Error('a kernel thread failed');
    Atomics.store(words, abi.C_COMMAND, command);
    if (config !== 0) Atomics.store(words, abi.C_CONFIG, config);
    for (const [word, value] of Object.entries(args)) Atomics.store(words, Number(word), value);
    if (this.wasm.run(this.control) !== 1) throw new Error('a kernel thread failed');
  }

  /** Wait (once) until every other thread has started; false if one failed. */
  private waitReady(): boolean {
    const words = this.words!;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!this.ready) {
      if (Atomics.load(words, abi.C_FAILED) !== 0) return false;
      const ready = Atomics.load(words, abi.C_READY);
      if (ready >= this.threads - 1) this.ready = true;
      else if (Date.now() > deadline) throw new Error(`the kernel threads did not start within ${START_TIMEOUT_MS / 1000} s`);
      else Atomics.wait(words, abi.C_READY, ready, 100);
    }
    return Atomics.load(words, abi.C_FAILED) === 0;
  }
}

/**
 * Multiply-adds per barrier below which a second thread does not pay: the
 * threads meet twice per mini-batch, and a meeting costs a few µs when both
 * are spinning, tens when one has to be woken. Measured with `npm run bench
 * -- --threads 1,2` (README, "Speed").
 */
export const WORK_PER_THREAD = 80_000;
/** Multiply-adds of an evaluation below which starting threads (tens of ms each) does not pay. */
export const EVALUATION_WORK_PER_THREAD = 400_000_000;

/** The share of MNIST's pixels that are nonzero (the first layer skips the others). */
const PIXEL_DENSITY = 0.2;

/** Multiply-adds of one example's forward pass, the first layer's zero inputs skipped. */
export function workPerExample(sizes: readonly number[]): number {
  let work = 0;
  for (let l = 1; l < sizes.length; l++) work += (l === 1 ? PIXEL_DENSITY : 1) * sizes[l - 1] * Math.ceil(sizes[l] / 4) * 4;
  return work;
}

/**
 * How many threads an engine uses: `threads` as given, or for 'auto' as many
 * (up to the cores) as the work between two barriers pays for: a mini-batch's
 * forward pass when training, the whole dataset when only evaluating.
 */
export function threadsFor(threads: Threads, sizes: readonly number[], batchSize: number, examples: number, use: EngineUse, cores: number): number {
  if (threads !== 'auto') return threads;
  const work = use === 'evaluate' ? examples * workPerExample(sizes) : batchSize * workPerExample(sizes);
  const perThread = use === 'evaluate' ? EVALUATION_WORK_PER_THREAD : WORK_PER_THREAD;
  return Math.max(1, Math.min(cores, Math.floor(work / perThread)));
}

/** Kernels whose engines run on `threads` threads (one: exactly the one-thread kernels). */
export function threadedKernelsFrom(single: WasmModule, team: WasmModule, threads: Threads, host: ThreadHost): Kernels {
  return {
    name: 'wasm',
    createEngine(net, train, options, use = 'train') {
      const T = threads === 1 ? 1 : threadsFor(threads, net.sizes, options.batchSize, train.count, use, host.cores());
      const runner = T > 1 ? new ThreadTeam(team as WebAssembly.Module, T, host) : (single as WebAssembly.Module);
      return new WasmEngine(runner, net, train, options);
    },
  };
}
