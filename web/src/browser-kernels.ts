/**
 * The kernels the worker trains and evaluates with: the WebAssembly SIMD
 * kernels, their bytes fetched from the server (the build copies
 * kernels.wasm into dist/web), where this browser runs them; the reference
 * kernels otherwise, with a one-line note saying why. load.ts, not
 * kernels/index.ts: the latter also reads the .wasm file the Node way.
 */
import { referenceKernels } from '../../src/kernels/reference.js';
import type { Kernels } from '../../src/kernels/types.js';
import { compileKernels, wasmKernelsFrom } from '../../src/kernels/wasm/load.js';
import { messageOf } from './status.js';

export interface LoadedKernels {
  kernels: Kernels;
  /** Why the fast kernels are not used; null when they are. */
  note: string | null;
}

/** Served beside worker.js. */
const WASM_URL = 'kernels.wasm';

async function fetchWasm(): Promise<WebAssembly.Module> {
  const response = await fetch(WASM_URL);
  if (!response.ok) throw new Error(`the server answered ${response.status} for ${WASM_URL}`);
  // Streaming compile needs the application/wasm type, which our server sends.
  return WebAssembly.compileStreaming(response);
}

export async function loadBrowserKernels(): Promise<LoadedKernels> {
  try {
    return { kernels: wasmKernelsFrom(await compileKernels(fetchWasm)), note: null };
  } catch (e) {
    return { kernels: referenceKernels, note: `the WebAssembly kernels cannot run here (${messageOf(e)})` };
  }
}
