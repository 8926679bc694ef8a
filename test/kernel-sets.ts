/**
 * Every kernel set the library has, for tests that must hold on each (as
 * tfjs reruns each op's tests on every backend): the reference kernels
 * (float64, the specification), the wasm kernels (float32), and the wasm
 * kernels on 3 threads (so no layer splits evenly), each with the tolerance
 * its arithmetic allows on small hand-sized problems.
 */
import assert from 'node:assert/strict';
import { loadKernels } from '../src/kernels/index.js';
import { referenceKernels } from '../src/kernels/reference.js';
import type { Kernels } from '../src/kernels/types.js';

export interface KernelSet {
  kernels: Kernels;
  /** How tests name it: "reference", "wasm", "wasm on 3 threads". */
  label: string;
  /** Largest absolute difference from exact arithmetic expected for a handful of operations. */
  tolerance: number;
}

const fail = (reason: string) => assert.fail(`the wasm kernels did not load: ${reason}`);
const wasmKernels = await loadKernels('wasm', fail);
const wasmOnThreads = await loadKernels('wasm', fail, undefined, 3);

export const KERNEL_SETS: readonly KernelSet[] = [
  { kernels: referenceKernels, label: 'reference', tolerance: 1e-12 },
  { kernels: wasmKernels, label: 'wasm', tolerance: 2e-6 },
  { kernels: wasmOnThreads, label: 'wasm on 3 threads', tolerance: 2e-6 },
];

/** Run `body` (which registers tests, naming `set.label` in their titles) once per kernel set. */
export function forEachKernels(body: (set: KernelSet) => void): void {
  for (const set of KERNEL_SETS) body(set);
}
