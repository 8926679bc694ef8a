/**
 * The bench page's Web Worker: DigitNet trained the way the page's Train
 * panel trains it (web/src/worker.ts): the library's trainer with the
 * WebAssembly kernels, off the main thread. The kernels are fetched as bytes
 * (not compiled from the stream) so this file needs no DOM types.
 */
import { sliceDataset } from '../../src/data/dataset.js';
import type { Kernels } from '../../src/kernels/types.js';
import { compileKernels, wasmKernelsFrom } from '../../src/kernels/wasm/load.js';
import { Network } from '../../src/nn/network.js';
import { Random } from '../../src/random.js';
import { train } from '../../src/train/trainer.js';
import { benchSpec, trainingSplit } from './mnist.js';
import type { BenchJob, BenchResult, WorkerReply } from './protocol.js';

/** The worker's global scope, typed by hand (this file compiles with Node's types, not the DOM's). */
const scope = globalThis as unknown as {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: { data: BenchJob }) => void) | null;
};

let kernels: Promise<Kernels> | null = null;

function loadKernels(): Promise<Kernels> {
  kernels ??= compileKernels(async () => {
    const response = await fetch('/kernels.wasm');
    if (!response.ok) throw new Error(`the bench server answered ${response.status} for kernels.wasm`);
    return new Uint8Array(await response.arrayBuffer());
  }).then(wasmKernelsFrom);
  return kernels;
}

async function run(job: BenchJob): Promise<BenchResult> {
  const [loaded, data] = await Promise.all([loadKernels(), trainingSplit()]);
  const rng = new Random(job.seed);
  const net = Network.create(benchSpec(job.layers), rng, 'he');
  let result: BenchResult | null = null;
  await train(net, { train: sliceDataset(data.train, 0, job.examples), validation: data.validation }, {
    epochs: 1,
    batchSize: job.batchSize,
    eta: job.eta,
    kernels: loaded,
    rng,
    onEvent(event) {
      // The trainer times training apart from the evaluation that follows it.
      if (event.type === 'epoch') result = { seconds: event.seconds, examples: job.examples, correct: event.correct, total: event.total };
    },
  });
  if (!result) throw new Error('the trainer ended without an epoch');
  return result;
}

scope.onmessage = (event) => {
  run(event.data).then(
    (result) => scope.postMessage({ ok: true, result }),
    (e: unknown) => scope.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
};
