/**
 * What bench/browser.ts (in Node) asks the bench page, and what the page and
 * its DigitNet worker answer. Shared by both sides so the shapes agree.
 */

/** One timed training run: `examples` images, `layers` with ReLU hidden layers and a softmax output. */
export interface BenchJob {
  /** 'digitnet' (the worker path) or a TensorFlow.js backend name. */
  impl: 'digitnet' | 'wasm' | 'cpu' | 'webgl';
  layers: number[];
  batchSize: number;
  /** Training images to go through (a whole number of batches); the first of the 50,000. */
  examples: number;
  eta: number;
  /** Seeds the initial weights, the same for every implementation. */
  seed: number;
}

export interface BenchResult {
  /** Training time alone: no data upload, no evaluation. */
  seconds: number;
  examples: number;
  /** Right answers on the 10,000 validation images after the run (a check that it learned). */
  correct: number;
  total: number;
}

/** What the page says about its TensorFlow.js backends, once set up. */
export interface BackendInfo {
  name: string;
  /** Null when the backend could be set up; else why not. */
  error: string | null;
  /** Facts worth a line in the report (SIMD, threads, the WebGL renderer). */
  details: string;
}

/** The page's API, set on globalThis for page.evaluate. */
export interface BenchPageApi {
  /** Resolves once the MNIST training file is loaded. */
  ready: Promise<void>;
  /** Set up a TensorFlow.js backend (idempotent) and describe it. */
  backend(name: BenchJob['impl']): Promise<BackendInfo>;
  run(job: BenchJob): Promise<BenchResult>;
  /** crossOriginIsolated, which the wasm backend's threads need. */
  isolated: boolean;
}

/** The worker's answer to a job. */
export type WorkerReply = { ok: true; result: BenchResult } | { ok: false; error: string };
