/**
 * A real headless Chromium for the browser tests, driven by playwright-core,
 * and a record of everything the page reports that a person would call
 * broken: console errors and warnings, uncaught page errors, failed requests
 * and HTTP errors (a missing favicon included).
 *
 * Which Chromium: DIGITNET_CHROMIUM if set (a path, or `npm`); else
 * Debian's `chromium` where it is installed; else the one inside the npm
 * package @sparticuz/chromium (a devDependency, unpacked to /tmp on first
 * use), so `npm install && npm test` needs nothing outside npm. That
 * package declares Node ≥ 22 and warns under Node 20; it was checked here
 * to launch under playwright-core with WebAssembly SIMD, workers and canvas.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { defaultDataDir } from '../src/data/mnist.js';
import type { Network } from '../src/nn/network.js';
import { packageRoot, webAssetsDir } from '../src/paths.js';
import { createDigitNetServer } from '../src/server/server.js';

/** Debian's `chromium` package. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launch Chromium (see the header for which), or throw an error that says what is missing. */
export async function launchChromium(): Promise<Browser> {
  const wanted = process.env.DIGITNET_CHROMIUM;
  if (wanted && wanted !== 'npm') {
    if (!existsSync(wanted)) throw new Error(`DIGITNET_CHROMIUM is ${wanted}, and there is no file there`);
    return chromium.launch({ executablePath: wanted, args: ARGS, timeout: 30_000 });
  }
  if (!wanted && existsSync(DEBIAN_CHROMIUM)) return chromium.launch({ executablePath: DEBIAN_CHROMIUM, args: ARGS, timeout: 30_000 });
  const packaged = (await import('@sparticuz/chromium')).default;
  // Its own flags, less the one that runs everything in one process (the page's Web Workers need their own).
  const args = [...new Set([...packaged.args.filter((a) => a !== '--single-process'), ...ARGS])];
  return chromium.launch({ executablePath: await packaged.executablePath(), args, timeout: 60_000 });
}

/** Every complaint from `page` and the workers it starts, as one line each. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('worker', (worker) => {
    worker.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`worker console ${message.type()}: ${message.text()}`);
    });
  });
  return problems;
}

/** Where the browser tests put their screenshots (not committed). */
export const ARTIFACTS = join(packageRoot(), 'test-artifacts');

/** A served page in Chromium: what each browser test file starts with. */
export interface PageSession {
  browser: Browser;
  server: Server;
  page: Page;
  /** Every complaint the page has made so far (watchProblems). */
  problems: string[];
  base: string;
  close(): Promise<void>;
}

/**
 * Serve the built page with `model` from our own server on a free loopback
 * port, open it in Chromium at `viewport`, and wait until the served model
 * has loaded.
 */
export async function openServedPage(model: Promise<Network>, viewport: { width: number; height: number }): Promise<PageSession> {
  const assets = webAssetsDir();
  assert.ok(existsSync(join(assets, 'index.html')), `${assets} has no index.html: run \`npm run build\` first`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const [network, browser] = await Promise.all([model, launchChromium()]);
  const server = createDigitNetServer({ model: network, assetsDir: assets, mnistDir: defaultDataDir() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const page = await browser.newPage({ viewport });
  const problems = watchProblems(page);
  await page.goto(base);
  await page.locator('#model-name[data-source="served"]').waitFor({ timeout: 15_000 });
  const close = async () => {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { browser, server, page, problems, base, close };
}

/** The little of a page's canvas the tests read (test files compile without the DOM's types). */
export interface PageCanvas {
  width: number;
  height: number;
  ownerDocument: { createElement(tag: 'canvas'): PageCanvas };
  getContext(
    kind: '2d',
    options?: { willReadFrequently: boolean },
  ): { drawImage(source: PageCanvas, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

/** The RGBA pixels of the canvas at `selector`, read from a copy (never the page's own canvas, which may be in use). */
export async function canvasPixels(page: Page, selector: string): Promise<{ width: number; height: number; data: number[] }> {
  return page.locator(selector).evaluate((canvas: PageCanvas) => {
    const copy = canvas.ownerDocument.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d', { willReadFrequently: true });
    context.drawImage(canvas, 0, 0);
    return { width: canvas.width, height: canvas.height, data: Array.from(context.getImageData(0, 0, copy.width, copy.height).data) };
  });
}

/** The two screens every panel is looked at on: a laptop and a phone. */
export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * Elements of the shown panel whose content is wider than their box and
 * spills out or is clipped (a caption running past its tile, a count past
 * its cell), as "tag#id.class: content width > box width". Boxes that
 * scroll on purpose (overflow-x auto or scroll) and visually hidden text are
 * left out.
 */
export async function cutOff(page: Page): Promise<string[]> {
  // The page's side, as source: this file compiles without the DOM's types.
  return page.evaluate<string[]>(`(() => {
    const panel = document.querySelector('[role="tabpanel"]:not([hidden])');
    const found = [];
    for (const el of panel.querySelectorAll('*')) {
      if (!(el instanceof HTMLElement) || el.clientWidth === 0 || el.closest('.visually-hidden')) continue;
      const style = getComputedStyle(el);
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
      if (el.scrollWidth > el.clientWidth + 1) {
        found.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
          ': ' + JSON.stringify(el.textContent.trim().slice(0, 30)) + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
      }
    }
    return found;
  })()`);
}

/**
 * Full-page screenshots of what the page shows now, on the laptop and on the
 * phone, as test-artifacts/NAME-1280.png and NAME-390.png; on each, the page
 * must not scroll sideways and nothing in the panel may be cut off. The page
 * is left at the laptop size.
 */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  for (const size of [LAPTOP, PHONE]) {
    await page.setViewportSize(size);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, `${name} at ${size.width} px scrolls sideways by ${overflow} px`);
    assert.deepEqual(await cutOff(page), [], `${name} at ${size.width} px: nothing cut off`);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${size.width}.png`), fullPage: true });
  }
  await page.setViewportSize(LAPTOP);
}

/** The pad's own coordinate range (web/src/draw-pad.ts PAD_SIZE): strokes are given in 0..PAD_SIDE. */
export const PAD_SIDE = 280;

/** Draw strokes given in pad coordinates (0..PAD_SIDE) with the mouse, as a person would. */
export async function drawStrokes(page: Page, strokes: [number, number][][]): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + (x / PAD_SIDE) * box.width, box.y + (y / PAD_SIDE) * box.height] as const;
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...at(point), { steps: 8 });
    await page.mouse.up();
  }
}
