/**
 * The Node-only part of the threaded kernels: read kernels-threads.wasm from
 * beside this file, count the idle cores, and start each extra thread as a
 * worker_threads Worker running node-thread-worker.js.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ThreadHost, ThreadStart } from './threaded.js';

export async function readThreadedKernelsFile(): Promise<Uint8Array> {
  const url = new URL('./kernels-threads.wasm', import.meta.url);
  try {
    return await readFile(url);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new Error(`cannot read ${fileURLToPath(url)} (${code}); \`npm run build\` makes it`);
  }
}

export const nodeThreadHost: ThreadHost = {
  spawn(start: ThreadStart) {
    const worker = new Worker(new URL('./node-thread-worker.js', import.meta.url), { workerData: start });
    // The team learns of a failure through the control block; the process must not wait for the threads.
    worker.on('error', () => {});
    worker.unref();
    return worker;
  },
  cores: idleCores,
};

/**
 * The cores that are not already busy: all of them less the last minute's
 * load average, at least 1. Threads that must meet at a barrier twice per
 * mini-batch lose when one of them waits for a core (measured: on 2 cores
 * with a load of 8, 2 threads took 1.3–2× as long as 1).
 */
export function idleCores(): number {
  const cores = availableParallelism();
  return Math.max(1, Math.min(cores, Math.round(cores - loadavg()[0])));
}
