/**
 * Running the plan's jobs, on worker threads (one per core by default) or
 * in this thread. Rendering and reading are both CPU-bound JavaScript, so
 * on 2 cores two workers nearly halve the run. Jobs go out in small batches
 * to whichever worker is free; outcomes come back in plan order. A worker's
 * error (anything but a DigitNetError, which the reader turns into a
 * refusal) ends the run with that worker's stack.
 */
import { Worker } from 'node:worker_threads';
import { type Job, type Outcome, runJob } from './jobs.js';
import type { Optdigits } from './optdigits.js';
import type { Reader } from './reader.js';

const BATCH = 8;

export interface PoolOptions {
  data: Optdigits;
  seed: number;
  modelFile: string | undefined;
  workers: number;
  /** This thread's reader: used when workers is 1. */
  read: Reader;
  onProgress: (done: number, total: number) => void;
}

/** What a worker is started with (worker.ts reads it). */
export interface WorkerSetup {
  modelFile: string | undefined;
  seed: number;
  grids: Uint8Array;
  labels: Uint8Array;
}

export async function runAll(jobs: Job[], options: PoolOptions): Promise<Outcome[]> {
  if (options.workers <= 1) {
    const outcomes: Outcome[] = [];
    for (const job of jobs) {
      outcomes.push(await runJob(job, options.data, options.seed, options.read));
      options.onProgress(outcomes.length, jobs.length);
    }
    return outcomes;
  }
  const outcomes = new Array<Outcome>(jobs.length);
  let next = 0;
  let done = 0;
  const setup: WorkerSetup = { modelFile: options.modelFile, seed: options.seed, grids: options.data.grids, labels: options.data.labels };
  const drive = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      let finished = false;
      const send = () => {
        if (next >= jobs.length) {
          finished = true;
          resolve();
          return;
        }
        const from = next;
        next = Math.min(jobs.length, next + BATCH);
        worker.postMessage({ from, jobs: jobs.slice(from, next) });
      };
      worker.on('message', ({ from, results }: { from: number; results: Outcome[] }) => {
        results.forEach((o, i) => (outcomes[from + i] = o));
        done += results.length;
        options.onProgress(done, jobs.length);
        send();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (!finished) reject(new Error(`a bench worker exited (code ${code}) before its jobs were done`));
      });
      send();
    });
  const url = new URL('./worker.js', import.meta.url);
  const workers = Array.from({ length: options.workers }, () => new Worker(url, { workerData: setup }));
  try {
    await Promise.all(workers.map(drive));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return outcomes;
}
