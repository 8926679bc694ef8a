/**
 * The Node-only part of loading the wasm kernels: read the compiled module
 * from beside this file (the build writes dist/src/kernels/wasm/kernels.wasm).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export async function readKernelsFile(): Promise<Uint8Array> {
  const url = new URL('./kernels.wasm', import.meta.url);
  try {
    return await readFile(url);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new Error(`cannot read ${fileURLToPath(url)} (${code}); \`npm run build\` makes it`);
  }
}
