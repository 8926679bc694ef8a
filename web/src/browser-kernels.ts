/**
 * The kernels the worker trains and evaluates with: the WebAssembly SIMD
 * kernels where this browser runs them, the reference kernels otherwise,
 * with a one-line note saying why.
 */
import { referenceKernels } from '../../src/kernels/reference.js';
import type { Kernels } from '../../src/kernels/types.js';

export interface LoadedKernels {
  kernels: Kernels;
  /** Why the fast kernels are not used; null when they are. */
  note: string | null;
}

export async function loadBrowserKernels(): Promise<LoadedKernels> {
  // TODO(wasm): fetch kernels.wasm and compile it with src/kernels/wasm/load.ts once that is on main.
  return { kernels: referenceKernels, note: 'the WebAssembly kernels are not part of this build yet' };
}
