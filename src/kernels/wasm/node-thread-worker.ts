/** A kernel thread in Node: a worker_threads Worker that joins its team (threaded.ts) and serves it until told to exit. */
import { workerData } from 'node:worker_threads';
import { serveThread, type ThreadStart } from './threaded.js';

serveThread(workerData as ThreadStart);
