/**
 * The package as a user gets it: `npm pack` the built project, unpack the
 * tarball into an empty project's node_modules/digitnet, and use it from
 * there. No network: the runtime dependencies (and typescript, @types/node
 * and esbuild for the checks) are linked from this project's node_modules
 * rather than installed. The consumer is examples/library.ts, the README's
 * Library example: it must type-check under `strict` with
 * `skipLibCheck: false` (our .d.ts files checked too, with no DOM library),
 * then train, save, load and predict.
 */
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../src/version.js';

/** The project folder: dist/test/ is two levels below it. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };

/** What `npm pack --json` says of a tarball. */
interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** The environment of a user's shell: none of the npm_* variables `npm test` sets for its scripts. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
}

function run(command: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: userEnv(), timeout });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Link this project's node_modules/<name> into the consumer project's. */
function link(project: string, name: string): void {
  const target = join(ROOT, 'node_modules', name);
  assert.ok(existsSync(target), `node_modules/${name} is missing here: run npm install`);
  const at = join(project, 'node_modules', name);
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(target, at, 'dir');
}

/** The packed tarball, unpacked as an installed dependency of an empty project. */
interface Installed {
  /** The temporary folder holding the tarball and the project. */
  dir: string;
  pack: PackResult;
  /** The empty project the tarball is installed into. */
  project: string;
}

function installTarball(): Installed {
  for (const built of ['dist/src/index.js', 'dist/src/kernels/wasm/kernels.wasm', 'dist/web/index.html']) {
    assert.ok(existsSync(join(ROOT, built)), `${built} is missing: run npm run build first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'digitnet-package-'));
  // --ignore-scripts: the build ran already (npm test's first step); `prepare` would run it again.
  const out = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT), 'npm pack');
  const pack = (JSON.parse(out) as PackResult[])[0];
  const project = join(dir, 'consumer');
  const installed = join(project, 'node_modules', pkg.name);
  mkdirSync(installed, { recursive: true });
  // What `npm install digitnet-x.y.z.tgz` does, less the registry: unpack, link the dependencies and the bin.
  ok(run('tar', ['-xzf', join(dir, pack.filename), '-C', installed, '--strip-components=1'], dir), 'tar');
  for (const dep of Object.keys(pkg.dependencies ?? {})) link(project, dep);
  for (const tool of ['typescript', '@types/node', 'esbuild']) link(project, tool);
  mkdirSync(join(project, 'node_modules', '.bin'));
  symlinkSync(join('..', pkg.name, 'dist/src/cli/main.js'), join(project, 'node_modules', '.bin', 'digitnet'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { [pkg.name]: `file:../${pack.filename}` } }, null, 2),
  );
  return { dir, pack, project };
}

function checkTarballContents(pack: PackResult): void {
  const files = new Set(pack.files.map((f) => f.path));
  const needed = [
    'package.json', 'README.md', 'LICENSE', 'models/default.json',
    'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/browser.js', 'dist/src/browser.d.ts',
    'dist/src/cli/main.js', 'dist/src/kernels/wasm/kernels.wasm', 'dist/src/kernels/wasm/load.d.ts',
    'dist/web/index.html', 'dist/web/app.js', 'dist/web/worker.js', 'dist/web/kernels.wasm',
  ];
  for (const path of needed) assert.ok(files.has(path), `the tarball lacks ${path}`);
  const unwanted = [...files].filter((p) => /^(src|test|bench|web|scripts|examples|dist\/test|dist\/bench)\//.test(p) || p.endsWith('.map') || p.endsWith('.tsbuildinfo'));
  assert.deepEqual(unwanted, []);
  // 1.5 MB packed when this was written, most of it the shipped model; the bound catches a stray data file.
  assert.ok(pack.size < 5e6, `the tarball is ${pack.size} bytes`);
}

function checkStrictConsumer(project: string): void {
  copyFileSync(join(ROOT, 'examples/library.ts'), join(project, 'consumer.ts'));
  const tsconfig = {
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      // No DOM library: our declarations must stand on ES2022 and @types/node alone.
      lib: ['es2022'],
      types: ['node'],
    },
    files: ['consumer.ts'],
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  ok(run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], project), 'tsc');

  const r = run(process.execPath, ['consumer.js'], project);
  const out = JSON.parse(ok(r, 'the consumer')) as {
    label: number; trained: number; reloaded: number; digit: number | null; testAccuracy: number; sevensReadAs: number[];
  };
  assert.match(r.stderr, /^epoch 0: \d+ \/ 10000$/m);
  assert.ok(existsSync(join(project, 'model.json')), 'the consumer saved model.json');
  assert.equal(out.label, 7, "MNIST's first test digit is a 7");
  assert.ok(Number.isInteger(out.trained) && out.trained >= 0 && out.trained <= 9, `best digit ${out.trained}`);
  assert.equal(out.reloaded, out.trained, 'the reloaded model answers as the trained one');
  assert.ok(out.digit === null || out.digit === out.trained);
  // One epoch on 1,000 digits: about 83% here; chance is 10%.
  assert.ok(out.testAccuracy > 0.5, `test accuracy ${out.testAccuracy}`);
  assert.equal(out.sevensReadAs.length, 10);
  assert.equal(out.sevensReadAs.reduce((a, b) => a + b, 0), 1028, "MNIST's test set has 1,028 sevens");
}

function checkBrowserEntry(project: string): void {
  writeFileSync(
    join(project, 'page.ts'),
    [
      "import { compileKernels, parseModel, readPicture, referenceKernels, wasmKernelsFrom, type Kernels, type RasterImage } from 'digitnet/browser';",
      'export async function read(modelText: string, image: RasterImage, wasm: Promise<WebAssembly.Module>): Promise<[string | null, Kernels]> {',
      '  const kernels = await compileKernels(() => wasm).then(wasmKernelsFrom, () => referenceKernels);',
      '  return [readPicture(parseModel(modelText).network, image).text, kernels];',
      '}',
    ].join('\n'),
  );
  const tsconfig = {
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      module: 'esnext',
      moduleResolution: 'bundler',
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: [],
      noEmit: true,
    },
    files: ['page.ts'],
  };
  writeFileSync(join(project, 'tsconfig.page.json'), JSON.stringify(tsconfig, null, 2));
  ok(run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.page.json'], project), 'tsc (page)');
  // esbuild's browser platform fails on any node: import or Node-only package the entry pulls in.
  const bundle = `import('esbuild').then((e) => e.build({ entryPoints: ['page.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'error' }))`;
  ok(run(process.execPath, ['--input-type=module', '-e', bundle], project), 'esbuild (browser)');
}

function checkExports(project: string): void {
  const names = [
    'Network', 'checkSpec', 'loadKernels', 'referenceKernels', 'compileKernels', 'wasmKernelsFrom',
    'train', 'runTraining', 'withNonDigitClass', 'describeConfig', 'trainingRecord', 'preset', 'PRESET_NAMES', 'specOf', 'trainOptionsOf', 'checkConfig', 'normalizeConfig', 'parseSchedule',
    'saveModel', 'loadModel', 'parseModel', 'serializeModel', 'evaluateNetwork', 'loadMnist', 'inputOf',
    'toMnistInput', 'workingInk', 'inkToMnistInput', 'decodeImage', 'readPicture', 'answerDigit', 'MIN_CONFIDENCE',
    'readingJson', 'segmentDigits', 'nonDigitImages', 'withNonDigits', 'DigitNetError', 'VERSION',
  ];
  const script = `
    const main = await import('digitnet');
    const browser = await import('digitnet/browser');
    const missing = ${JSON.stringify(names)}.filter((n) => !(n in main));
    const notInMain = Object.keys(browser).filter((n) => main[n] !== browser[n]);
    console.log(JSON.stringify({ missing, notInMain, browser: Object.keys(browser).length, main: Object.keys(main).length }));`;
  const out = JSON.parse(ok(run(process.execPath, ['--input-type=module', '-e', script], project), 'import')) as {
    missing: string[]; notInMain: string[]; browser: number; main: number;
  };
  assert.deepEqual(out.missing, []);
  assert.deepEqual(out.notInMain, []);
  assert.ok(out.main > out.browser, 'the Node entry adds files, MNIST, kernels from disk and decoding');
}

function checkNpx(project: string): void {
  // --no: never fetch it from the registry, run the installed one or fail.
  const out = ok(run('npx', ['--no', '--', 'digitnet', '--version'], project), 'npx digitnet --version');
  assert.equal(out.trim(), VERSION);
}

function checkCommonJs(project: string): void {
  const script = [
    "const viaImport = import('digitnet').then((m) => typeof m.train);",
    "const viaRequire = process.features.require_module ? typeof require('digitnet').train : 'function';",
    'viaImport.then((t) => console.log(t, viaRequire));',
  ].join('\n');
  writeFileSync(join(project, 'consumer.cjs'), script);
  const out = ok(run(process.execPath, ['--no-warnings', 'consumer.cjs'], project), 'the CommonJS consumer');
  assert.equal(out.trim(), 'function function');
}

describe('the npm package', () => {
  let installed: Installed;
  before(() => {
    installed = installTarball();
  });
  after(() => {
    if (installed?.dir) rmSync(installed.dir, { recursive: true, force: true });
  });
  test('the tarball holds what runs, and not the sources, tests or benchmarks', () => checkTarballContents(installed.pack));
  test('a strict TypeScript consumer (skipLibCheck: false) compiles, then trains, saves, loads and predicts', () => checkStrictConsumer(installed.project));
  test('digitnet/browser type-checks without Node types and bundles for a browser', () => checkBrowserEntry(installed.project));
  test("'digitnet' exports the documented API, and everything 'digitnet/browser' does", () => checkExports(installed.project));
  test('npx digitnet runs the installed command', () => checkNpx(installed.project));
  test('CommonJS: await import() works; require() where Node supports require(esm)', () => checkCommonJs(installed.project));
});
