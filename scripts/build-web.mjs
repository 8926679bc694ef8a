/**
 * Build the web page into dist/web/: bundle web/src/app.ts (the page) and
 * web/src/worker.ts (training and evaluation off the main thread) with
 * esbuild, copy the static files beside them, and the wasm kernels when the
 * build made them. Type checking is `tsc -p web` (esbuild only strips types).
 * Plain JavaScript because it runs as part of `npm run build`.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(root, 'web');
const outDir = join(root, 'dist/web');
/** Where the wasm build writes the kernels; the page fetches them as kernels.wasm. */
const wasmFile = join(root, 'dist/src/kernels/wasm/kernels.wasm');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['es2022'],
  // With platform 'browser', a Node module pulled in by mistake (node:fs…) fails the build here, not in the browser.
  platform: 'browser',
  logLevel: 'warning',
};
try {
  await Promise.all([
    build({ ...common, entryPoints: [join(webDir, 'src/app.ts')], outfile: join(outDir, 'app.js'), format: 'esm' }),
    build({ ...common, entryPoints: [join(webDir, 'src/worker.ts')], outfile: join(outDir, 'worker.js'), format: 'iife' }),
  ]);
} catch {
  // esbuild has already printed the errors.
  process.stderr.write('build-web: bundling failed\n');
  process.exit(1);
}

for (const name of readdirSync(webDir)) {
  if (/\.(html|css|svg|png)$/.test(name)) copyFileSync(join(webDir, name), join(outDir, name));
}
if (existsSync(wasmFile)) copyFileSync(wasmFile, join(outDir, 'kernels.wasm'));
