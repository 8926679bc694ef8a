/**
 * Worker threads that read uploaded pictures (image-worker.ts), one job
 * each at a time, so the server's event loop only passes bytes in and a
 * reading out. The server's image line (work-queue.ts) decides how many
 * jobs run; the pool has a thread for each. A thread that dies (out of its
 * memory limit, or a crash) fails its job and is replaced on next use.
 */
import type { InkPolarity } from '../data/ink.js';
import { Worker } from 'node:worker_threads';
import { DigitNetError } from '../errors.js';
import type { Network } from '../nn/network.js';
import type { PictureReading } from '../read/read-picture.js';
import { HttpError } from './http-error.js';
import type { ImageJob, ImageJobResult, ImageWorkerData } from './image-worker.js';

/** The JavaScript heap one reader thread may use; a picture that needs more fails alone (native decode memory is bounded by the decoder). */
const WORKER_HEAP_MB = 256;

/** What a job gets when the pool closes under it: the server is stopping, not failing. */
const stopping = () => new HttpError(503, 'the server is stopping; try again', { 'Retry-After': '1', Connection: 'close' });

interface Slot {
  worker: Worker;
  job?: { id: number; name: string; resolve: (r: PictureReading) => void; reject: (e: Error) => void };
}

export class ImagePool {
  private readonly slots: Slot[] = [];
  private readonly backlog: (() => void)[] = [];
  private nextId = 0;
  private closed = false;

  private constructor(private readonly data: ImageWorkerData) {}

  /**
   * A pool of `size` threads reading with `network`. sharp is loaded here
   * first: on glibc Linux the main thread must hold libvips before worker
   * threads load it, so that it stays loaded until they have all ended.
   */
  static async create(network: Network, size: number): Promise<ImagePool> {
    await import('sharp');
    const pool = new ImagePool({ spec: network.spec, params: network.params });
    for (let i = 0; i < size; i++) pool.slots.push({ worker: pool.spawn() });
    return pool;
  }

  /** Read one picture on a free thread (or the next one to come free); `ink` as predict's --ink (the server's: 'auto'). */
  read(bytes: Uint8Array, name: string, ink: InkPolarity = 'auto'): Promise<PictureReading> {
    if (this.closed) return Promise.reject(stopping());
    const slot = this.slots.find((s) => !s.job);
    if (!slot) return new Promise<void>((resolve) => this.backlog.push(resolve)).then(() => this.read(bytes, name, ink));
    return new Promise<PictureReading>((resolve, reject) => {
      const id = this.nextId++;
      slot.job = { id, name, resolve, reject };
      slot.worker.postMessage({ id, bytes, name, ink } satisfies ImageJob);
    });
  }

  /** End every thread; jobs still running fail with a 503 (the server is stopping), which is not a server error. */
  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) {
      slot.job?.reject(stopping());
      slot.job = undefined;
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./image-worker.js', import.meta.url), {
      workerData: this.data,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    // Idle threads must not keep a stopping server's process alive.
    worker.unref();
    worker.on('message', (result: ImageJobResult) => this.finish(worker, result));
    worker.on('error', (e: Error & { code?: string }) => this.replace(worker, e));
    worker.on('exit', () => this.replace(worker, new Error('the image reader stopped')));
    return worker;
  }

  private finish(worker: Worker, result: ImageJobResult): void {
    const slot = this.slots.find((s) => s.worker === worker);
    const job = slot?.job;
    if (!slot || !job || job.id !== result.id) return;
    slot.job = undefined;
    if ('reading' in result) job.resolve(result.reading);
    else job.reject(result.error.digitNet ? new DigitNetError(result.error.message) : new Error(result.error.message));
    this.backlog.shift()?.();
  }

  /** A thread died: its job fails (a picture too big for the heap limit is the client's problem, a 400), a new thread takes its place. */
  private replace(worker: Worker, e: Error & { code?: string }): void {
    const slot = this.slots.find((s) => s.worker === worker);
    if (!slot) return;
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      job.reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new DigitNetError(`${job.name}: reading it needs more memory than the server allows`) : e);
    }
    if (this.closed) return;
    slot.worker = this.spawn();
    this.backlog.shift()?.();
  }
}
