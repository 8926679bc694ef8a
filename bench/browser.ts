/**
 * `npm run bench:browser`: DigitNet training in a real browser page against
 * TensorFlow.js training the same network in the same page. Not a test: it
 * prints a table and asserts nothing.
 *
 * It bundles bench/browser-page/ with esbuild into dist/bench-web/, serves it
 * from a loopback server of its own that sends COOP/COEP headers (so the page
 * is cross-origin isolated and TF.js's wasm backend may start threads), and
 * opens it in the test suite's Chromium (test/browser-session.ts). DigitNet
 * trains as the page's Train panel does (library trainer, wasm kernels, in a
 * Web Worker); TF.js trains on the main thread with its wasm backend (SIMD;
 * once with the threads it picks, once with a thread per core in a second
 * page), its cpu backend and, where headless Chromium has it, WebGL. Every
 * implementation starts from the same He-initialised weights, uses the same
 * loss (softmax + cross-entropy, mean over the batch), plain SGD, the same
 * batch size and the same number of examples; runs are interleaved and the
 * median of the repeats is reported, after one untimed warm-up each.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { layerList, oneOf, positiveInt, positiveNumber } from '../src/cli/parse.js';
import { defaultDataDir } from '../src/data/mnist.js';
import { packageRoot } from '../src/paths.js';
import { launchChromium, watchProblems } from '../test/browser-session.js';
import type { BackendInfo, BenchJob, BenchPageApi, BenchResult } from './browser-page/protocol.js';

interface Flags {
  layers: number[];
  batchSizes: number[];
  examples: number;
  repeats: number;
  eta: number;
  isolation: boolean;
  only: string[];
}

/** One column of the comparison: an implementation on one of the two pages. */
interface Contender {
  /** What --only calls it. */
  key: string;
  label: string;
  impl: BenchJob['impl'];
  page: 'auto' | 'all';
}

const CONTENDERS: Contender[] = [
  { key: 'digitnet', label: 'DigitNet (wasm kernels, Web Worker)', impl: 'digitnet', page: 'auto' },
  { key: 'wasm', label: 'TF.js wasm', impl: 'wasm', page: 'auto' },
  { key: 'wasm-all', label: 'TF.js wasm, a thread per core', impl: 'wasm', page: 'all' },
  { key: 'cpu', label: 'TF.js cpu', impl: 'cpu', page: 'auto' },
  { key: 'webgl', label: 'TF.js webgl', impl: 'webgl', page: 'auto' },
];

const root = packageRoot();
const outDir = join(root, 'dist/bench-web');

/** Bundle the page and its worker (esbuild, as scripts/build-web.mjs bundles the real page). */
async function bundle(): Promise<void> {
  const common = { bundle: true, minify: true, target: ['es2022'], platform: 'browser' as const, logLevel: 'warning' as const };
  const src = join(root, 'bench/browser-page');
  await Promise.all([
    build({ ...common, entryPoints: [join(src, 'page.ts')], outfile: join(outDir, 'page.js'), format: 'esm' }),
    build({ ...common, entryPoints: [join(src, 'digitnet-worker.ts')], outfile: join(outDir, 'digitnet-worker.js'), format: 'iife' }),
  ]);
}

const HTML = '<!doctype html><html><head><meta charset="utf-8"><title>DigitNet bench</title><link rel="icon" href="data:,"></head><body><script type="module" src="page.js"></script></body></html>';

/** URL path → file, for everything the page fetches; null for anything else. */
function fileFor(path: string): string | null {
  const tfjs = /^\/tfjs\/(tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm)$/.exec(path);
  if (tfjs) return join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', tfjs[1]);
  const mnist = /^\/mnist\/(train-(images-idx3|labels-idx1)-ubyte)$/.exec(path);
  if (mnist) return join(defaultDataDir(), mnist[1]);
  if (path === '/kernels.wasm') return join(root, 'dist/src/kernels/wasm/kernels.wasm');
  if (path === '/page.js' || path === '/digitnet-worker.js') return join(outDir, path.slice(1));
  return null;
}

/** The bench page's server; with `isolation`, every answer carries the headers that make the page cross-origin isolated. */
function serve(isolation: boolean, fetched: Set<string>): Server {
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    fetched.add(path);
    if (isolation) {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (path === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(HTML);
      return;
    }
    const file = fileFor(path);
    if (!file || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
    response.writeHead(200, { 'Content-Type': type });
    createReadStream(file).pipe(response);
  });
}

/** The page's API object, as page.evaluate sees it. */
type PageGlobal = { digitnetBench: BenchPageApi };

/** Open the bench page and wait until its MNIST is loaded; what it complains about lands in `problems`. */
async function openBenchPage(browser: Browser, url: string, problems: string[][]): Promise<Page> {
  const page = await browser.newPage();
  problems.push(watchProblems(page));
  await page.goto(url);
  await page.waitForFunction(() => 'digitnetBench' in globalThis, undefined, { timeout: 30_000 });
  await page.evaluate(() => (globalThis as unknown as PageGlobal).digitnetBench.ready);
  return page;
}

async function backendInfo(page: Page, impl: BenchJob['impl']): Promise<BackendInfo> {
  return page.evaluate((name) => (globalThis as unknown as PageGlobal).digitnetBench.backend(name), impl);
}

async function runJob(page: Page, job: BenchJob): Promise<BenchResult> {
  return page.evaluate((j) => (globalThis as unknown as PageGlobal).digitnetBench.run(j), job);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** What one contender measured at one batch size. */
interface Row {
  contender: Contender;
  info: BackendInfo;
  results: BenchResult[];
}

/** Warm each available contender up once, then run the repeats interleaved. */
async function measure(pages: Record<Contender['page'], Page>, flags: Flags, batchSize: number, rows: Row[]): Promise<void> {
  const job = (impl: BenchJob['impl'], examples: number): BenchJob => ({ impl, layers: flags.layers, batchSize, examples, eta: flags.eta, seed: 1 });
  const live = rows.filter((r) => !r.info.error);
  const warmExamples = Math.max(batchSize, Math.floor(Math.min(1000, flags.examples) / batchSize) * batchSize);
  for (const row of live) await runJob(pages[row.contender.page], job(row.contender.impl, warmExamples));
  const examples = Math.floor(flags.examples / batchSize) * batchSize;
  for (let r = 0; r < flags.repeats; r++) {
    for (const row of live) row.results.push(await runJob(pages[row.contender.page], job(row.contender.impl, examples)));
  }
}

function printTable(flags: Flags, batchSize: number, rows: Row[]): void {
  const perSecond = (row: Row) => median(row.results.map((r) => r.examples / r.seconds));
  const digitnet = perSecond(rows[0]);
  console.log(`\n[${flags.layers.join(', ')}], ReLU, softmax + cross-entropy, SGD η ${flags.eta}, batch ${batchSize}, ${rows[0].results[0]?.examples ?? 0} examples per run, median of ${flags.repeats}`);
  const table = [['implementation', 'examples/s', 's per 50,000-image epoch', 'DigitNet is ×', 'validation after the run', 'notes']];
  for (const row of rows) {
    if (row.info.error) {
      table.push([row.contender.label, 'n/a', 'n/a', 'n/a', 'n/a', `not available: ${row.info.error}`]);
      continue;
    }
    const rate = perSecond(row);
    const last = row.results[row.results.length - 1];
    table.push([
      row.contender.label,
      rate.toFixed(0),
      (50_000 / rate).toFixed(3),
      row === rows[0] ? '1' : (digitnet / rate).toFixed(1),
      `${last.correct} / ${last.total}`,
      row.info.details,
    ]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((line) => line[c].length)));
  for (const line of table) console.log(line.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

async function main(flags: Flags): Promise<void> {
  await bundle();
  const fetched = new Set<string>();
  const server = serve(flags.isolation, fetched);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await launchChromium();
  const problems: string[][] = [];
  try {
    const pages = { auto: await openBenchPage(browser, base, problems), all: await openBenchPage(browser, `${base}?threads=all`, problems) };
    const isolated = await pages.auto.evaluate(() => (globalThis as unknown as PageGlobal).digitnetBench.isolated);
    console.log(`Chromium ${browser.version()}; page cross-origin isolated: ${isolated ? 'yes' : 'no'} (TF.js wasm threads need it)`);
    const infos = new Map<Contender, BackendInfo>();
    const contenders = CONTENDERS.filter((c) => c.key === 'digitnet' || flags.only.includes(c.key));
    for (const c of contenders) infos.set(c, await backendInfo(pages[c.page], c.impl));
    const binaries = [...fetched].filter((p) => p.startsWith('/tfjs/')).map((p) => p.slice('/tfjs/'.length));
    console.log(`TF.js wasm binaries the pages fetched: ${binaries.join(', ') || 'none'}`);
    for (const batchSize of flags.batchSizes) {
      const rows = contenders.map((contender) => ({ contender, info: infos.get(contender) as BackendInfo, results: [] as BenchResult[] }));
      await measure(pages, flags, batchSize, rows);
      printTable(flags, batchSize, rows);
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const unique = [...new Set(problems.flat())];
  if (unique.length > 0) console.log(`\nThe pages said:\n${unique.map((p) => `  ${p}`).join('\n')}`);
}

const program = new Command('bench:browser')
  .description('DigitNet (wasm kernels in a Web Worker) against TensorFlow.js (wasm, cpu, webgl) training the same network in one Chromium page')
  .addOption(new Option('--layers <sizes>', 'layer sizes, 784 first, 10 last').argParser(layerList).default([784, 100, 10], '784,100,10'))
  .addOption(
    new Option('--batch-sizes <list>', 'mini-batch sizes, one table each')
      .argParser((v) => v.split(',').map((b) => positiveInt(b.trim())))
      .default([20, 128], '20,128'),
  )
  .option('--examples <n>', 'training images per timed run (the first of the 50,000)', positiveInt, 10_000)
  .option('--repeats <n>', 'timed runs per implementation, interleaved', positiveInt, 3)
  .option('--eta <η>', 'learning rate', positiveNumber, 0.1)
  .addOption(
    new Option('--only <list>', `TF.js contenders to run besides DigitNet: ${CONTENDERS.slice(1).map((c) => c.key).join(', ')}`)
      .argParser((v) => v.split(',').map((k) => oneOf(CONTENDERS.slice(1).map((c) => c.key))(k.trim())))
      .default(CONTENDERS.slice(1).map((c) => c.key), 'all of them'),
  )
  .option('--no-isolation', 'serve without COOP/COEP, so TF.js wasm gets no threads')
  .action(async (flags: Flags) => {
    if (flags.layers[0] !== 784 || flags.layers[flags.layers.length - 1] !== 10) throw new Error('--layers must start with 784 and end with 10');
    await main(flags);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`bench:browser: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
