/**
 * The Explore panel in real headless Chromium, served by our own server with
 * a model trained here in a second or two: the confusion matrix of the
 * 10,000 test images (counts adding up), a mistake cell's images, and one
 * image's explanation (ten probability bars and a gradient × input map).
 * Screenshots at laptop and phone sizes go to test-artifacts/explore-*.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { loadMnist } from '../src/data/mnist.js';
import { loadKernels } from '../src/kernels/index.js';
import { Network } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { train } from '../src/train/trainer.js';
import { ARTIFACTS, canvasPixels, LAPTOP, openServedPage, type PageSession, PHONE, screenshotBoth } from './browser-session.js';

/** A small ReLU/softmax net trained briefly: right on most test images, wrong on a few hundred. */
async function quickModel(): Promise<Network> {
  const rng = new Random(7);
  const net = Network.create({ sizes: [784, 100, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' }, rng, 'he');
  const data = loadMnist({ trainSize: 10_000 });
  await train(net, { train: data.train, validation: data.validation }, { epochs: 2, batchSize: 20, eta: 0.1, kernels: await loadKernels('wasm'), rng });
  return net;
}

/** Shares of a canvas's pixels that are reddish and bluish. */
async function colourShares(page: Page, selector: string): Promise<{ red: number; blue: number; width: number }> {
  const { width, data } = await canvasPixels(page, selector);
  let red = 0;
  let blue = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] - data[i + 2] > 40) red++;
    if (data[i + 2] - data[i] > 40) blue++;
  }
  const n = data.length / 4;
  return { red: red / n, blue: blue / n, width };
}

type CellData = { label: number; guess: number; count: number; text: string };

/** Every cell of the confusion matrix, from the page. */
function matrixCells(page: Page): Promise<CellData[]> {
  return page.locator('#confusion button.cell').evaluateAll((buttons) =>
    buttons.map((b) => {
      const d = (b as unknown as { dataset: Record<string, string> }).dataset;
      return { label: Number(d.label), guess: Number(d.guess), count: Number(d.count), text: (b as unknown as { textContent: string }).textContent };
    }),
  );
}

async function matrixCountsAll(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Explore' }).click();
  await page.locator('#confusion button.cell').first().waitFor({ timeout: 30_000 });
  const cells = await matrixCells(page);
  assert.equal(cells.length, 100, 'a 10×10 table');
  assert.equal(cells.reduce((sum, c) => sum + c.count, 0), 10_000);
  for (const c of cells) assert.equal(c.text.replace(/,/g, ''), String(c.count), 'each cell shows its count');
  const summary = (await page.locator('#explore-summary').textContent()) ?? '';
  const right = Number((/([\d,]+) of 10,000 test images right/.exec(summary) ?? [])[1]?.replace(/,/g, ''));
  assert.equal(cells.filter((c) => c.label === c.guess).reduce((sum, c) => sum + c.count, 0), right, summary);
  // Diagonal and off-diagonal cells look different.
  const diagonalBackground = await page.locator('#confusion button.cell.diagonal').first().getAttribute('style');
  const offBackground = await page.locator('#confusion button.cell:not(.diagonal):not(.zero)').first().getAttribute('style');
  assert.notEqual(diagonalBackground, offBackground);
  // Before a cell is chosen, the list shows misread images, and the explanation says what will appear.
  assert.ok((await page.locator('#mistakes li').count()) > 0);
  assert.ok(await page.locator('#explain-empty').isVisible(), 'the explanation says what will appear');
  assert.ok(await page.locator('#explain-body').isHidden(), 'and shows nothing else yet');
  await screenshotBoth(page, 'explore-matrix');
}

/** The largest off-diagonal cell: the network's commonest mistake. */
async function biggestMistake(page: Page): Promise<{ label: number; guess: number; count: number }> {
  const cells = (await matrixCells(page)).filter((c) => c.label !== c.guess);
  return cells.reduce((best, c) => (c.count > best.count ? c : best));
}

async function mistakeExplained(page: Page): Promise<void> {
  const biggest = await biggestMistake(page);
  assert.ok(biggest.count > 0, 'the quick model makes mistakes');
  const cell = page.locator(`#confusion button.cell[data-label="${biggest.label}"][data-guess="${biggest.guess}"]`);
  // Keyboard: focus the cell and press Enter.
  await cell.focus();
  await page.keyboard.press('Enter');
  assert.equal(await cell.getAttribute('aria-pressed'), 'true');
  await page.locator('#explore-list-title', { hasText: `${biggest.label}s read as ${biggest.guess}` }).waitFor();
  const items = page.locator('#mistakes li');
  assert.equal(await items.count(), Math.min(100, biggest.count));
  for (const li of await items.all()) {
    assert.equal(await li.getAttribute('data-label'), String(biggest.label));
    assert.equal(await li.getAttribute('data-guess'), String(biggest.guess));
  }
  // Most confident first, then the toggle reverses it.
  const sure = async (li: typeof items) => Number(/(\d+)% sure/.exec((await li.locator('button').getAttribute('aria-label')) ?? '')?.[1]);
  assert.ok((await sure(items.first())) >= (await sure(items.last())));
  await page.locator('#explore-sort').click();
  assert.match((await page.locator('#explore-sort').textContent()) ?? '', /least confident/);
  assert.ok((await sure(items.first())) <= (await sure(items.last())));
  await page.locator('#explore-sort').click();

  await items.first().locator('button').click();
  await page.locator('#explain-body').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#explain-bars li').count(), 10, 'ten probability bars');
  assert.equal(await page.locator('#explain-bars li.top .bar-digit').textContent(), String(biggest.guess));
  const shares = await colourShares(page, '#explain-map');
  assert.ok(shares.width > 1, 'the map is drawn');
  assert.ok(shares.red + shares.blue > 0.02, `the map shows pushes up and down: ${JSON.stringify(shares)}`);
  assert.ok(shares.red > 0, 'some pixels pushed the answer up');
  assert.match((await page.locator('#explain-answer').textContent()) ?? '', new RegExp(`a ${biggest.label}, read as ${biggest.guess}`));
  await screenshotBoth(page, 'explore-explain');
}

/** On a phone the matrix keeps all its columns in view, and the explanation is scrolled to when an image is chosen. */
async function onAPhone(page: Page): Promise<void> {
  await page.setViewportSize(PHONE);
  const box = await page.locator('.confusion-box').evaluate((b) => {
    const e = b as unknown as { scrollWidth: number; clientWidth: number };
    return { scrollWidth: e.scrollWidth, clientWidth: e.clientWidth };
  });
  assert.ok(box.scrollWidth <= box.clientWidth, `every column of the matrix in view (${box.scrollWidth} > ${box.clientWidth})`);
  await page.evaluate('window.scrollTo(0, 0)');
  const inView = `(() => { const top = document.getElementById('explain-card').getBoundingClientRect().top; return top >= 0 && top < innerHeight / 2; })()`;
  assert.equal(await page.evaluate(inView), false, 'the explanation starts out of sight, below the list');
  await page.locator('#mistakes li:nth-child(2) button').click();
  await page.waitForFunction(inView, undefined, { timeout: 5_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'explore-explain-390-scrolled.png') });
  await page.setViewportSize(LAPTOP);
}

describe('the Explore panel in Chromium', { timeout: 120_000 }, () => {
  // Filled in by before(): every test drives this one page.
  const s = {} as PageSession;
  before(async () => {
    Object.assign(s, await openServedPage(quickModel(), LAPTOP));
  });
  after(async () => {
    await s.close?.();
  });

  test('the confusion matrix counts all 10,000 test images', () => matrixCountsAll(s.page));
  test('a mistake cell lists its images, and an image is explained', () => mistakeExplained(s.page));
  test('on a phone the matrix fits and the explanation comes into view', () => onAPhone(s.page));
  test('no console errors, page errors or failed requests', () => {
    assert.deepEqual(s.problems, []);
  });
});
