/**
 * Choosing kernels by name. The reference kernels always work; the wasm
 * kernels (WebAssembly SIMD, float32) are the default where they load, and
 * when they cannot, the caller hears why in one line and gets the reference.
 */
import { oneLineMessage } from '../errors.js';
import { referenceKernels } from './reference.js';
import type { Kernels, KernelsName, Threads } from './types.js';
import { compileKernels, type WasmModule, type WasmSource, wasmKernelsFrom } from './wasm/load.js';
import { readKernelsFile } from './wasm/node-file.js';
import { nodeThreadHost, readThreadedKernelsFile } from './wasm/node-threads.js';
import { threadedKernelsFrom } from './wasm/threaded.js';

export const KERNEL_NAMES: readonly KernelsName[] = ['wasm', 'reference'];

/** What `digitnet train` uses unless `--kernels` says otherwise. */
export const DEFAULT_KERNELS: KernelsName = 'wasm';

/** The module is compiled once per source and shared by every engine. */
const compiled = new WeakMap<WasmSource, Promise<WebAssembly.Module>>();

/**
 * The kernels called `name`. If the wasm kernels cannot run here (no
 * WebAssembly SIMD, a missing or broken module), `onFallback` hears why in
 * one line and the reference kernels are returned instead. `wasmSource`
 * supplies the module's bytes: by default, the file the build wrote.
 * `threads` (wasm only): 1, the default, is the one-thread kernels exactly;
 * more, or 'auto', loads the threaded module too (if it cannot, onFallback
 * hears why and engines use one thread).
 */
export async function loadKernels(
  name: KernelsName,
  onFallback: (reason: string) => void = () => {},
  wasmSource: WasmSource = readKernelsFile,
  threads: Threads = 1,
): Promise<Kernels> {
  switch (name) {
    case 'reference':
      return referenceKernels;
    case 'wasm': {
      let module = compiled.get(wasmSource);
      if (!module) {
        module = compileKernels(wasmSource);
        compiled.set(wasmSource, module);
      }
      try {
        const single = await module;
        return threads === 1 ? wasmKernelsFrom(single) : await withThreads(single, threads, onFallback);
      } catch (e) {
        compiled.delete(wasmSource); // let a later call try again
        onFallback(`the wasm kernels cannot run here (${oneLineMessage(e)}); using the reference kernels`);
        return referenceKernels;
      }
    }
    default:
      onFallback(`${name as string} kernels are not available; using the reference kernels`);
      return referenceKernels;
  }
}

/** Compiled once, for every engine with threads. */
let threadedModule: Promise<WasmModule> | null = null;

async function withThreads(single: WasmModule, threads: Threads, onFallback: (reason: string) => void): Promise<Kernels> {
  threadedModule ??= compileThreaded();
  try {
    return threadedKernelsFrom(single, await threadedModule, threads, nodeThreadHost);
  } catch (e) {
    threadedModule = null;
    onFallback(`the wasm kernels cannot use threads here (${oneLineMessage(e)}); using one thread`);
    return wasmKernelsFrom(single);
  }
}

async function compileThreaded(): Promise<WasmModule> {
  if (typeof SharedArrayBuffer !== 'function') throw new Error('no SharedArrayBuffer');
  return WebAssembly.compile(await readThreadedKernelsFile());
}
