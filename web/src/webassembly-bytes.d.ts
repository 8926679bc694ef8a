/**
 * The one name src/kernels/wasm/webassembly.d.ts adds to the standard
 * WebAssembly API (the Node build declares that API itself; here the DOM
 * library has it), so the shared kernels code type-checks for the page too.
 */
declare namespace WebAssembly {
  type Bytes = BufferSource;
}
