/**
 * Choosing kernels by name. The reference kernels always work; faster ones
 * are added beside them behind the same interface.
 */
import { referenceKernels } from './reference.js';
import type { Kernels, KernelsName } from './types.js';

export const KERNEL_NAMES: readonly KernelsName[] = ['reference'];

export async function loadKernels(name: KernelsName): Promise<Kernels> {
  switch (name) {
    case 'reference':
      return referenceKernels;
    default:
      throw new Error(`kernels '${name}' are not available`);
  }
}
