/**
 * A worker thread of the image pool (image-pool.ts): it holds its own copy
 * of the network and reads each picture it is sent exactly as `digitnet
 * predict` does (decode with sharp, then find and read the ink), so the
 * reading's tens to hundreds of milliseconds of JavaScript never run on the
 * server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readImage } from '../cli/predict-image.js';
import type { InkPolarity } from '../data/ink.js';
import { DigitNetError } from '../errors.js';
import { Network, type NetworkSpec } from '../nn/network.js';
import type { PictureReading } from '../read/read-picture.js';

export interface ImageJob {
  id: number;
  bytes: Uint8Array;
  name: string;
  ink: InkPolarity;
}

export type ImageJobResult =
  | { id: number; reading: PictureReading }
  | { id: number; error: { message: string; digitNet: boolean } };

export interface ImageWorkerData {
  spec: NetworkSpec;
  params: Float64Array;
}

const { spec, params } = workerData as ImageWorkerData;
const network = new Network(spec);
network.params.set(params);

parentPort!.on('message', (job: ImageJob) => {
  readImage(network, job.bytes, job.name, job.ink).then(
    (reading) => parentPort!.postMessage({ id: job.id, reading } satisfies ImageJobResult),
    (e: unknown) => {
      // Only the message crosses back; the pool makes a DigitNetError (a 400) of it again.
      const error = { message: e instanceof Error ? e.message : String(e), digitNet: e instanceof DigitNetError };
      parentPort!.postMessage({ id: job.id, error } satisfies ImageJobResult);
    },
  );
});
