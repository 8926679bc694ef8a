/**
 * How fast the web page is (a measurement, not a test): the server starts
 * on loopback with the shipped model, as `digitnet serve` does, and the
 * browser tests' Chromium (test/browser-session.ts) opens the page.
 *
 * 1. Cold loads, each in a fresh browser context (empty cache): first paint
 *    and first contentful paint (the Paint Timing API), and when the pad is
 *    ready, i.e. the served model fetched, parsed and shown (#model-name
 *    gets data-source, seen by a MutationObserver from the first script).
 * 2. The pad's answer per stroke update: real mouse moves (CDP input, so
 *    trusted pointer events) along three strokes, each move 60 ms after the
 *    last so that every one passes the pad's 50 ms throttle and re-reads
 *    the drawing. Timed in the page: from the start of the pointermove's
 *    dispatch to the end of its handlers (the answer, bars and maps are
 *    written by then; the pad reads its canvas, counted to be sure it did),
 *    and from the event's own time stamp, which adds the wait in the queue.
 *    Compared with one animation frame at 60 Hz.
 *
 *   npm run bench:page -- [--loads 7] [--moves 40]
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { defaultDataDir } from '../src/data/mnist.js';
import { webAssetsDir } from '../src/paths.js';
import { createDigitNetServer } from '../src/server/server.js';
import { launchChromium, LAPTOP } from '../test/browser-session.js';

/** One animation frame at 60 Hz, in ms. */
const FRAME_MS = 1000 / 60;

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '7' },
    moves: { type: 'string', default: '40' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('npm run bench:page -- [--loads 7] [--moves 40]   (moves per stroke, three strokes)');
  process.exit(0);
}
const LOADS = Number(values.loads);
const MOVES = Number(values.moves);

/** Runs in the page before its own scripts: when the pad became ready, and how often the pad's canvas was read. */
const INSTRUMENT = `(() => {
  new MutationObserver((_, observer) => {
    const name = document.getElementById('model-name');
    if (name && name.dataset.source) {
      window.__padReady = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-source'] });
  window.__canvasReads = 0;
  const read = CanvasRenderingContext2D.prototype.getImageData;
  CanvasRenderingContext2D.prototype.getImageData = function (...args) {
    if (this.canvas.id === 'pad') window.__canvasReads++;
    return read.apply(this, args);
  };
})()`;

interface Load {
  firstPaint: number;
  firstContentfulPaint: number;
  domContentLoaded: number;
  padReady: number;
  modelBytes: number;
  modelMs: number;
}

async function coldLoad(browser: Browser, base: string): Promise<Load> {
  const context = await browser.newContext({ viewport: LAPTOP });
  try {
    const page = await context.newPage();
    await page.addInitScript(INSTRUMENT);
    await page.goto(base);
    await page.waitForFunction('window.__padReady !== undefined', undefined, { timeout: 30_000 });
    return await page.evaluate<Load>(`(() => {
      const paint = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      const model = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/model'));
      return {
        firstPaint: paint('first-paint'),
        firstContentfulPaint: paint('first-contentful-paint'),
        domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        padReady: window.__padReady,
        modelBytes: model ? model.encodedBodySize : NaN,
        modelMs: model ? model.responseEnd - model.startTime : NaN,
      };
    })()`);
  } finally {
    await context.close();
  }
}

interface Update {
  /** Dispatch start to the end of the handlers, ms. */
  handler: number;
  /** The event's time stamp to the end of the handlers, ms. */
  fromEvent: number;
  /** Whether the pad re-read its canvas (and so re-answered) in this event. */
  read: boolean;
}

/** Three strokes of MOVES mouse moves each, 60 ms apart; the page times each pointermove. */
async function strokeUpdates(page: Page): Promise<Update[]> {
  await page.evaluate(`(() => {
    window.__updates = [];
    let start = 0;
    let reads = 0;
    addEventListener('pointermove', () => { start = performance.now(); reads = window.__canvasReads; }, { capture: true });
    addEventListener('pointermove', (e) => {
      const end = performance.now();
      window.__updates.push({ handler: end - start, fromEvent: end - e.timeStamp, read: window.__canvasReads > reads });
    });
  })()`);
  const box = (await page.locator('#pad').boundingBox())!;
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
  // An 8 of sorts: a loop at the top, a loop below, a stroke across (pad fractions).
  const strokes = [
    (t: number) => at(0.5 + 0.2 * Math.sin(2 * Math.PI * t), 0.3 - 0.15 * Math.cos(2 * Math.PI * t)),
    (t: number) => at(0.5 + 0.25 * Math.sin(2 * Math.PI * t), 0.65 - 0.2 * Math.cos(2 * Math.PI * t)),
    (t: number) => at(0.2 + 0.6 * t, 0.9 - 0.8 * t),
  ];
  for (const stroke of strokes) {
    await page.mouse.move(...stroke(0));
    await page.mouse.down();
    for (let i = 1; i <= MOVES; i++) {
      await page.waitForTimeout(60);
      await page.mouse.move(...stroke(i / MOVES));
    }
    await page.mouse.up();
  }
  return (await page.evaluate('window.__updates')) as Update[];
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(xs: number[]): { median: number; p95: number; min: number; max: number } {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), min: s[0], max: s[s.length - 1] };
}

const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(10);

function printLoads(loads: Load[]): void {
  console.log(`\nCold loads (fresh context, empty cache), ${loads.length} runs: median, min–max`);
  const rows: [string, keyof Load][] = [
    ['first paint', 'firstPaint'],
    ['first contentful paint', 'firstContentfulPaint'],
    ['DOMContentLoaded', 'domContentLoaded'],
    ['pad ready (model loaded)', 'padReady'],
    ['GET /api/model', 'modelMs'],
  ];
  for (const [name, key] of rows) {
    const s = summary(loads.map((l) => l[key]));
    console.log(`  ${name.padEnd(26)}${ms(s.median)}   ${s.min.toFixed(1)}–${s.max.toFixed(1)} ms`);
  }
  console.log(`  ${'model file'.padEnd(26)}${`${(loads[0].modelBytes / 1024).toFixed(0)} KiB`.padStart(10)}`);
}

function printUpdates(updates: Update[]): void {
  const answered = updates.filter((u) => u.read);
  console.log(`\nPad answer per stroke update: ${answered.length} of ${updates.length} pointer moves re-read the pad`);
  console.log(`  ${''.padEnd(30)}${'median'.padStart(10)}${'p95'.padStart(10)}${'max'.padStart(10)}   within a frame (${FRAME_MS.toFixed(1)} ms)`);
  for (const [name, key] of [['dispatch → answer written', 'handler'], ['event time → answer written', 'fromEvent']] as const) {
    const values = answered.map((u) => u[key]);
    const s = summary(values);
    const within = values.filter((v) => v < FRAME_MS).length / values.length;
    console.log(`  ${name.padEnd(30)}${ms(s.median)}${ms(s.p95)}${ms(s.max)}   ${(100 * within).toFixed(0)}%`);
  }
}

const { network, path } = loadDigitModel(undefined);
const server = createDigitNetServer({ model: network, assetsDir: webAssetsDir(), mnistDir: defaultDataDir() });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launchChromium();
try {
  console.log(`DigitNet page benchmark: ${base}, model ${path} ([${network.sizes.join(', ')}]), Chromium ${browser.version()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await coldLoad(browser, base); // a first load warms the browser and the server; not counted
  const loads: Load[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await coldLoad(browser, base));
  printLoads(loads);

  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  await page.addInitScript(INSTRUMENT);
  await page.goto(base);
  await page.waitForFunction('window.__padReady !== undefined', undefined, { timeout: 30_000 });
  printUpdates(await strokeUpdates(page));
  console.log(`\nThe pad read the drawing as ${await page.locator('#digit').textContent()}; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await browser.close();
  server.close();
}
