/**
 * Choosing kernels by name. The reference kernels always work; faster ones
 * are added beside them behind the same interface and become the default
 * where they load.
 */
import { referenceKernels } from './reference.js';
import type { Kernels, KernelsName } from './types.js';

export const KERNEL_NAMES: readonly KernelsName[] = ['reference'];

/** What `digitnet train` uses unless `--kernels` says otherwise. */
export const DEFAULT_KERNELS: KernelsName = 'reference';

/**
 * The kernels called `name`. If fast kernels cannot run here (no WebAssembly
 * SIMD, say), `onFallback` hears why in one line and the reference kernels
 * are returned instead.
 */
export async function loadKernels(name: KernelsName, onFallback: (reason: string) => void = () => {}): Promise<Kernels> {
  switch (name) {
    case 'reference':
      return referenceKernels;
    default:
      onFallback(`${name} kernels are not available; using the reference kernels`);
      return referenceKernels;
  }
}
