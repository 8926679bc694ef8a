/**
 * Build the wasm kernels: compile src/kernels/wasm/assembly/ with
 * AssemblyScript (SIMD on, -O3, the stub runtime: the kernels never
 * allocate) to dist/src/kernels/wasm/kernels.wasm, beside the JavaScript
 * that loads it. Skipped when the .wasm is newer than every source, since a
 * compile takes several seconds and `npm test` and `npm start` build first.
 * Plain JavaScript because it runs before tsc. `--force` always compiles.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'src/kernels/wasm/assembly');
const entry = join(sourceDir, 'index.ts');
const output = join(root, 'dist/src/kernels/wasm/kernels.wasm');
const inputs = [
  ...readdirSync(sourceDir).filter((f) => f.endsWith('.ts')).map((f) => join(sourceDir, f)),
  join(root, 'src/kernels/wasm/abi.ts'),
  fileURLToPath(import.meta.url),
  join(root, 'node_modules/assemblyscript/package.json'),
];

const mtime = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -Infinity;
const newest = Math.max(...inputs.map(mtime));
if (!process.argv.includes('--force') && mtime(output) >= newest) process.exit(0);

mkdirSync(dirname(output), { recursive: true });
// Imported only now: loading the compiler (Binaryen) alone takes a second.
const { default: asc } = await import('assemblyscript/asc');
const { error, stderr } = await asc.main([
  entry,
  '--outFile', output,
  '-O3',
  '--noAssert',
  '--enable', 'simd',
  '--runtime', 'stub',
  '--use', 'abort=', // no imports at all: nothing to provide when instantiating
]);
if (error) {
  process.stderr.write(stderr.toString());
  process.stderr.write(`build-wasm: ${error.message}\n`);
  process.exit(1);
}
console.log(`build-wasm: wrote ${output.slice(root.length + 1)}`);
