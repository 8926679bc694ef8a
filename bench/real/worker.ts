/**
 * A worker thread of the real-handwriting bench (pool.ts): it builds its
 * own reader from the model file, then renders and reads each batch of jobs
 * it is sent and posts the outcomes back. Any error it does not expect is
 * left uncaught, so the pool ends the run with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Job, runJob } from './jobs.js';
import type { WorkerSetup } from './pool.js';
import { createReader } from './reader.js';

const setup = workerData as WorkerSetup;
const data = { grids: setup.grids, labels: setup.labels };
const read = createReader(setup.modelFile);
const port = parentPort;
if (!port) throw new Error('bench/real/worker.js runs only as a worker thread of bench-real.js');

port.on('message', ({ from, jobs }: { from: number; jobs: Job[] }) => {
  void (async () => {
    const results = [];
    for (const job of jobs) results.push(await runJob(job, data, setup.seed, read));
    port.postMessage({ from, results });
  })().catch((e: unknown) => {
    // Rethrown outside the promise, so it is an uncaught error the pool hears about.
    setImmediate(() => {
      throw e;
    });
  });
});
