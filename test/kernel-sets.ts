/**
 * Every kernel set the library has, for tests that must hold on each (as
 * tfjs reruns each op's tests on every backend): the reference kernels
 * (float64, the specification) and the wasm kernels (float32), each with the
 * tolerance its arithmetic allows on small hand-sized problems.
 */
import assert from 'node:assert/strict';
import { loadKernels } from '../src/kernels/index.js';
import { referenceKernels } from '../src/kernels/reference.js';
import type { Kernels } from '../src/kernels/types.js';

export interface KernelSet {
  kernels: Kernels;
  /** Largest absolute difference from exact arithmetic expected for a handful of operations. */
  tolerance: number;
}

const wasmKernels = await loadKernels('wasm', (reason) => assert.fail(`the wasm kernels did not load: ${reason}`));

export const KERNEL_SETS: readonly KernelSet[] = [
  { kernels: referenceKernels, tolerance: 1e-12 },
  { kernels: wasmKernels, tolerance: 2e-6 },
];

/** Run `body` (which registers tests, naming `set.kernels.name` in their titles) once per kernel set. */
export function forEachKernels(body: (set: KernelSet) => void): void {
  for (const set of KERNEL_SETS) body(set);
}
