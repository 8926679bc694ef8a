/**
 * The bench page (served by bench/browser.ts): DigitNet trains in a Web
 * Worker as on the real page; TensorFlow.js trains the same network on the
 * main thread with the backend asked for. Node drives it through
 * globalThis.digitnetBench (protocol.ts). Typed against Node's library, not
 * the DOM's, because the project's tsconfig compiles bench/ that way: the
 * few browser globals it needs are declared by hand below.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { trainingSplit } from './mnist.js';
import type { BackendInfo, BenchJob, BenchPageApi, BenchResult, WorkerReply } from './protocol.js';
import { trainTf } from './tf-train.js';

interface WebGlInfo {
  getParameter(name: number): unknown;
  getExtension(name: string): unknown;
}
interface BrowserWorker {
  postMessage(job: BenchJob): void;
  onmessage: ((event: { data: WorkerReply }) => void) | null;
  onerror: ((event: { message: string }) => void) | null;
}
const browser = globalThis as unknown as {
  Worker: new (url: string) => BrowserWorker;
  crossOriginIsolated?: boolean;
  location: { search: string };
  navigator: { hardwareConcurrency: number };
  digitnetBench: BenchPageApi;
};

/** ?threads=all gives the wasm backend one thread per core; without it the backend picks (it must be set before the backend starts). */
const threads = new URLSearchParams(browser.location.search).get('threads') === 'all' ? browser.navigator.hardwareConcurrency : 0;
// Both once, before any backend starts: the wasm backend refuses them afterwards.
setWasmPaths('/tfjs/');
if (threads > 0) setThreadsCount(threads);

const worker = new browser.Worker('digitnet-worker.js');
let pending: ((reply: WorkerReply) => void) | null = null;
worker.onmessage = (event) => pending?.(event.data);
worker.onerror = (event) => pending?.({ ok: false, error: `worker error: ${event.message}` });

function runDigitNet(job: BenchJob): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    pending = (reply) => (reply.ok ? resolve(reply.result) : reject(new Error(reply.error)));
    worker.postMessage(job);
  });
}

async function describe(name: string): Promise<string> {
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const shared = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return `SIMD ${simd ? 'yes' : 'no'}, threads ${shared ? 'supported' : 'unsupported'}, ${threads > 0 ? `asked for ${threads}, ` : ''}${getThreadsCount()} used of ${browser.navigator.hardwareConcurrency} cores`;
  }
  if (name === 'webgl') {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGlInfo } }).gpgpu?.gl;
    // The unmasked renderer names the real rasteriser (SwiftShader is software).
    const unmasked = gl?.getExtension('WEBGL_debug_renderer_info') ? gl.getParameter(0x9246) : gl?.getParameter(0x1f01);
    return `WebGL ${tf.env().getNumber('WEBGL_VERSION')}, ${String(unmasked ?? 'renderer unknown')}`;
  }
  return 'plain JavaScript';
}

async function backend(name: BenchJob['impl']): Promise<BackendInfo> {
  if (name === 'digitnet') return { name, error: null, details: 'DigitNet' };
  try {
    if (!(await tf.setBackend(name))) return { name, error: `tf.setBackend('${name}') said no`, details: '' };
    await tf.ready();
    return { name, error: null, details: await describe(name) };
  } catch (e) {
    return { name, error: e instanceof Error ? e.message : String(e), details: '' };
  }
}

async function run(job: BenchJob): Promise<BenchResult> {
  if (job.impl === 'digitnet') return runDigitNet(job);
  if (tf.getBackend() !== job.impl) {
    const info = await backend(job.impl);
    if (info.error) throw new Error(info.error);
  }
  return trainTf(job, await trainingSplit());
}

browser.digitnetBench = {
  ready: trainingSplit().then(() => undefined),
  backend,
  run,
  isolated: browser.crossOriginIsolated === true,
};
