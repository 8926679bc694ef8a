/**
 * The part of the standard WebAssembly JavaScript API that the kernels use.
 * TypeScript declares it only in its "dom" and "webworker" libraries, which
 * would bring every browser global into this Node code; Node 20 has the
 * same API, so we declare just what we call.
 *
 * This file is not emitted into dist/: no exported signature may name these
 * types, or a consumer compiling our .d.ts files with skipLibCheck: false
 * fails (load.ts declares WasmBytes and WasmModule for its exports instead).
 */
declare namespace WebAssembly {
  /** What the standard calls a BufferSource. */
  type Bytes = ArrayBufferView | ArrayBuffer;
  interface ModuleExportDescriptor {
    name: string;
    kind: 'function' | 'global' | 'memory' | 'table' | 'tag';
  }
  class Module {
    constructor(bytes: Bytes);
    static exports(module: Module): ModuleExportDescriptor[];
  }
  type ExportValue = Function | Memory | object;
  type Exports = Record<string, ExportValue>;
  type Imports = Record<string, Record<string, ExportValue | number>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class CompileError extends Error {}
  function validate(bytes: Bytes): boolean;
  function compile(bytes: Bytes): Promise<Module>;
}
