/**
 * Choosing kernels by name. The reference kernels always work; the wasm
 * kernels (WebAssembly SIMD, float32) are the default where they load, and
 * when they cannot, the caller hears why in one line and gets the reference.
 */
import { oneLineMessage } from '../errors.js';
import { referenceKernels } from './reference.js';
import type { Kernels, KernelsName } from './types.js';
import { compileKernels, type WasmSource, wasmKernelsFrom } from './wasm/load.js';
import { readKernelsFile } from './wasm/node-file.js';

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
 */
export async function loadKernels(
  name: KernelsName,
  onFallback: (reason: string) => void = () => {},
  wasmSource: WasmSource = readKernelsFile,
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
        return wasmKernelsFrom(await module);
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
