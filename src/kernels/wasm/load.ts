/**
 * From bytes to Kernels: check that this JavaScript engine has WebAssembly
 * with SIMD, compile the module once, and check that it is ours. Where the
 * bytes come from is the caller's business (node-file.ts reads them in Node;
 * a browser would fetch them), so this file stays platform-neutral.
 */
import type { Kernels } from '../types.js';
import { KERNEL_EXPORTS, WasmEngine } from './engine.js';

/*
 * The exported signatures below name no WebAssembly.* type on purpose: those
 * come from TypeScript's DOM library (or, inside this project, from
 * webassembly.d.ts, which is not emitted), so a Node program type-checking
 * our declarations with skipLibCheck: false would not find them.
 */

/** The bytes of a WebAssembly module (what the standard calls a BufferSource). */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/** A compiled `WebAssembly.Module`, typed as any object so the declarations need no DOM library. */
export type WasmModule = object;

/** Where the compiled kernels come from: their bytes, or an already compiled `WebAssembly.Module`. */
export type WasmSource = () => Promise<WasmBytes | WasmModule>;

/** A minimal module using one SIMD instruction (i8x16.popcnt), as the wasm-feature-detect project does. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Why the wasm kernels cannot run here, or null if they can. */
export function wasmUnsupportedReason(): string | null {
  if (typeof WebAssembly !== 'object') return 'this JavaScript engine has no WebAssembly';
  if (!WebAssembly.validate(SIMD_PROBE)) return 'this JavaScript engine has WebAssembly but not its SIMD extension';
  return null;
}

/** Compile and check the module; throws an Error saying what is wrong, in one line. */
export async function compileKernels(source: WasmSource): Promise<WasmModule> {
  const unsupported = wasmUnsupportedReason();
  if (unsupported) throw new Error(unsupported);
  const got = await source();
  // Otherwise bytes: anything else, WebAssembly.compile refuses with a TypeError saying so.
  const module = got instanceof WebAssembly.Module ? got : await WebAssembly.compile(got as Parameters<typeof WebAssembly.compile>[0]);
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = KERNEL_EXPORTS.filter((name) => !names.has(name));
  if (missing.length > 0) throw new Error(`the module is not DigitNet's kernels: it lacks ${missing.join(', ')}`);
  return module;
}

/** Kernels whose engines each instantiate `module`, a module compileKernels checked (cheap: the compiled code is shared). */
export function wasmKernelsFrom(module: WasmModule): Kernels {
  return {
    name: 'wasm',
    createEngine(net, train, options) {
      return new WasmEngine(module as WebAssembly.Module, net, train, options);
    },
  };
}
