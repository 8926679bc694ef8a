/**
 * Build the wasm kernels: compile src/kernels/wasm/assembly/ with
 * AssemblyScript (SIMD on, -O3, the stub runtime: the kernels never
 * allocate) to dist/src/kernels/wasm/kernels.wasm, beside the JavaScript
 * that loads it; and its threaded twin (entry threads.ts, atomics on, one
 * imported shared memory of up to 4 GiB) to kernels-threads.wasm. Skipped when the .wasm is newer than every source, since a
 * compile takes several seconds and `npm test` and `npm start` build first.
 * Plain JavaScript because it runs before tsc. `--force` always compiles.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'src/kernels/wasm/assembly');
const outDir = join(root, 'dist/src/kernels/wasm');
/** Each module: its entry, its file, and the flags it adds to the common ones. */
const modules = [
  { entry: 'index.ts', output: 'kernels.wasm', flags: ['--enable', 'simd'] },
  {
    entry: 'threads.ts',
    output: 'kernels-threads.wasm',
    // Shared memory must declare a maximum: wasm32's 65,536 pages of 64 KiB. Reserved, not allocated.
    flags: ['--enable', 'simd,threads', '--importMemory', '--sharedMemory', '--maximumMemory', '65536'],
  },
];
const inputs = [
  ...readdirSync(sourceDir).filter((f) => f.endsWith('.ts')).map((f) => join(sourceDir, f)),
  join(root, 'src/kernels/wasm/abi.ts'),
  fileURLToPath(import.meta.url),
  join(root, 'node_modules/assemblyscript/package.json'),
];

const mtime = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -Infinity;
const newest = Math.max(...inputs.map(mtime));
const stale = modules.filter((m) => process.argv.includes('--force') || mtime(join(outDir, m.output)) < newest);
if (stale.length === 0) process.exit(0);

mkdirSync(outDir, { recursive: true });
// Imported only now: loading the compiler (Binaryen) alone takes a second.
const { default: asc } = await import('assemblyscript/asc');
for (const m of stale) {
  const output = join(outDir, m.output);
  const { error, stderr } = await asc.main([
    join(sourceDir, m.entry),
    '--outFile', output,
    '-O3',
    '--noAssert',
    ...m.flags,
    '--runtime', 'stub',
    '--use', 'abort=', // no imports but the memory: nothing else to provide when instantiating
  ]);
  if (error) {
    process.stderr.write(stderr.toString());
    process.stderr.write(`build-wasm: ${error.message}\n`);
    process.exit(1);
  }
  console.log(`build-wasm: wrote ${output.slice(root.length + 1)}`);
}
