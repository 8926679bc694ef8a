/**
 * The web page in real headless Chromium, served by our own server with a
 * model trained here in a second or two: draw digits with mouse strokes and
 * read the prediction; train two quick epochs in the Train panel and watch
 * the chart; see the misread test images in Explore; reach it all by
 * keyboard; and not one console error, page error or failed request.
 * Screenshots go to test-artifacts/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import jpeg from 'jpeg-js';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { loadMnist } from '../src/data/mnist.js';
import { parseModel } from '../src/io/model-format.js';
import { loadKernels } from '../src/kernels/index.js';
import { Network } from '../src/nn/network.js';
import type { RasterImage } from '../src/data/raster.js';
import { Random } from '../src/random.js';
import { train } from '../src/train/trainer.js';
import { ARTIFACTS, canvasPixels, drawStrokes, PAD_SIDE, LAPTOP, openServedPage, type PageCanvas, type PageSession, PHONE, screenshotBoth, watchProblems } from './browser-session.js';
import { paperScene } from './paper-scenes.js';


/** A small ReLU/softmax net, good enough (~96%) to read clearly drawn digits. */
async function quickModel(): Promise<Network> {
  const rng = new Random(7);
  const net = Network.create({ sizes: [784, 100, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' }, rng, 'he');
  const data = loadMnist({ trainSize: 30_000 });
  await train(net, { train: data.train, validation: data.validation }, { epochs: 3, batchSize: 20, eta: 0.1, kernels: await loadKernels('wasm'), rng });
  return net;
}

async function predicted(page: Page): Promise<string> {
  return (await page.locator('#digit').textContent())?.trim() ?? '';
}

/** The mean red level of the canvas at `selector` (grey pictures: their brightness), 0..255. */
async function meanBrightness(page: Page, selector: string): Promise<number> {
  const { data } = await canvasPixels(page, selector);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += data[i];
  return sum / (data.length / 4);
}

const { test: mnistTest } = loadMnist({ trainSize: 1 });

/** MNIST test digit n, 7× enlarged, dark on paper lit unevenly (a 110-level gradient), as RGBA. */
function raster(n: number): RasterImage {
  return paperScene(mnistTest.images.subarray(n * 784, (n + 1) * 784), 'gradient', n, 480, 360, 7, 140, 70);
}

function pngOf(image: RasterImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data);
  return PNG.sync.write(png);
}

function jpegOf(image: RasterImage): Uint8Array {
  return jpeg.encode({ width: image.width, height: image.height, data: Buffer.from(image.data) }, 85).data;
}

/** Wait until the picture's answer reads `text`. */
function pictureAnswerIs(page: Page, text: string): Promise<void> {
  return page.locator('#picture-answer', { hasText: new RegExp(`^Reads as ${text} `) }).waitFor({ timeout: 10_000 });
}

/** Wait until the pad's answer is `digit`. */
function answerIs(page: Page, digit: string): Promise<void> {
  return page.locator('#digit', { hasText: new RegExp(`^${digit}$`) }).waitFor({ timeout: 5_000 });
}

/** Fill the Train form: the fields not given keep what they hold. */
async function fillRecipe(page: Page, recipe: { layers?: string; activation?: string; batch?: string; epochs?: string; eta?: string; trainSize?: string }): Promise<void> {
  const fields: [string, string | undefined][] = [['#layers', recipe.layers], ['#batch', recipe.batch], ['#epochs', recipe.epochs], ['#eta', recipe.eta], ['#train-size', recipe.trainSize]];
  for (const [selector, value] of fields) if (value !== undefined) await page.locator(selector).fill(value);
  if (recipe.activation) await page.locator('#activation').selectOption(recipe.activation);
}

/** The ids (or, without one, the labels) of the next `count` things Tab reaches from `start`. */
async function tabStops(page: Page, start: string, count: number): Promise<string[]> {
  await page.locator(start).focus();
  const stops: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate<string>(`(() => { const a = document.activeElement; return a.id || a.getAttribute('aria-label') || a.tagName; })()`));
  }
  return stops;
}

/** Records the page's layout shifts (the Layout Instability API) not caused by input, from now on. */
async function watchLayoutShifts(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.layoutShifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.hadRecentInput) window.layoutShifts.push({ at: e.startTime, value: e.value, moved: e.sources.map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?') });
      }
    }).observe({ type: 'layout-shift' });
  })()`);
}

/** Layout shifts since page time `since` (ms), as "0.0123 of #a, .b". */
async function layoutShiftsSince(page: Page, since: number): Promise<string[]> {
  const shifts = (await page.evaluate('window.layoutShifts')) as { at: number; value: number; moved: string[] }[];
  return shifts.filter((s) => s.at > since).map((s) => `${s.value.toFixed(4)} of ${s.moved.join(', ')}`);
}

/** Wait until the epoch table has at least `n` rows; the page's clock then. */
async function epochsDone(page: Page, n: number): Promise<number> {
  await page.waitForFunction(`document.querySelectorAll('#epoch-rows tr').length >= ${n}`, undefined, { timeout: 30_000 });
  return page.evaluate<number>('performance.now()');
}

async function drawOneAndSeven(page: Page): Promise<void> {
  assert.equal(await predicted(page), '–');
  // A slightly slanted vertical stroke.
  await drawStrokes(page, [[[150, 40], [140, 130], [130, 240]]]);
  await answerIs(page, '1');
  assert.match(await page.locator('#confidence').textContent() ?? '', /% sure/);
  assert.equal(await page.locator('#bars li.top .bar-digit').textContent(), '1');
  assert.ok((await meanBrightness(page, '#seen')) > 5, 'the 28×28 picture shows the drawing');
  assert.equal(await page.locator('#why-figure').isVisible(), true, 'the drawing is explained');

  await page.getByRole('button', { name: /clear/i }).click();
  assert.equal(await predicted(page), '–');
  assert.equal(await meanBrightness(page, '#seen'), 0, 'clearing empties the 28×28 picture');
  assert.equal(await page.locator('#why-figure').isVisible(), false, 'and its explanation');

  // A 7: the top bar, then the long diagonal down to the left.
  await drawStrokes(page, [[[70, 50], [210, 50], [180, 110], [150, 170], [125, 240]]]);
  await answerIs(page, '7');
  await page.keyboard.press('Escape');
  assert.equal(await predicted(page), '–', 'Escape clears the pad');
}

async function drawSeventeen(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  // A 1 on the left, a 7 on the right, a clear gap between them.
  await drawStrokes(page, [[[70, 60], [66, 150], [62, 230]], [[130, 60], [250, 60], [220, 140], [190, 230]]]);
  await answerIs(page, '17');
  assert.match(await page.locator('#confidence').textContent() ?? '', /^1: \d+%, 7: \d+%$/);
  const seenWidth = await page.locator('#seen').evaluate((c) => (c as unknown as { width: number }).width);
  assert.equal(seenWidth, 2 * 29 - 1, 'two 28×28 inputs side by side');
  assert.equal(await page.locator('#why-figure').isVisible(), false, 'a number has no single map to show');
  await page.screenshot({ path: join(ARTIFACTS, 'draw-number-1280.png'), fullPage: true });
  await page.keyboard.press('Escape');
}

/** Drop or paste a file on the page, as a person's browser would deliver it. */
async function deliver(page: Page, how: 'drop' | 'paste', bytes: Uint8Array, type: string): Promise<void> {
  // The page's side, as source: this file compiles without the DOM's types.
  await page.evaluate(`(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(${JSON.stringify(Array.from(bytes))})], 'picture', { type: ${JSON.stringify(type)} }));
    if (${JSON.stringify(how)} === 'drop') {
      document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    } else {
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    }
  })()`);
}

async function readPhotos(page: Page): Promise<void> {
  const seven = raster(0); // MNIST test digit 0 is a 7
  const two = raster(1); // and 1 a 2
  await page.setInputFiles('#picture-file', { name: 'seven.png', mimeType: 'image/png', buffer: Buffer.from(pngOf(seven)) });
  await pictureAnswerIs(page, '7');
  assert.equal(await page.locator('#picture-steps').isVisible(), true);
  assert.ok((await meanBrightness(page, '#step-ink')) > 5, 'the ink found is drawn');
  assert.equal(await page.locator('#step-why-figure').isVisible(), true, 'a single digit is explained');
  await screenshotBoth(page, 'picture');
  await page.setInputFiles('#picture-file', { name: 'two.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(jpegOf(two)) });
  await pictureAnswerIs(page, '2');
  await deliver(page, 'drop', jpegOf(seven), 'image/jpeg');
  await pictureAnswerIs(page, '7');
  await deliver(page, 'paste', pngOf(two), 'image/png');
  await pictureAnswerIs(page, '2');
  await deliver(page, 'drop', new TextEncoder().encode('not a picture'), 'image/png');
  await page.locator('#picture-answer', { hasText: /cannot read that file as a picture/ }).waitFor({ timeout: 5_000 });
}

async function tabsByKeyboard(page: Page): Promise<void> {
  await page.locator('#tab-draw').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('#tab-train').getAttribute('aria-selected'), 'true');
  assert.ok(await page.locator('#panel-train').isVisible());
  assert.ok(await page.locator('#panel-draw').isHidden());
  assert.equal(await page.evaluate('document.activeElement.id'), 'tab-train');
  await page.keyboard.press('Tab'); // into the panel: the first form field
  assert.equal(await page.evaluate('document.activeElement.id'), 'layers');
  await page.locator('#tab-train').focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.locator('#tab-draw').getAttribute('aria-selected'), 'true');
}

/** Every control of the Draw and Train panels is a Tab stop, in reading order. */
async function everythingByTab(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Draw' }).click();
  // The pad takes a mouse, pen or finger; from the keyboard, Clear and a picture file do the same jobs.
  const draw = await tabStops(page, '#tab-draw', 8);
  assert.equal(draw[0], 'clear', draw.join(', '));
  assert.ok(draw.includes('picture-file'), draw.join(', '));
  await page.getByRole('tab', { name: 'Train' }).click();
  const form = ['layers', 'activation', 'batch', 'epochs', 'eta', 'train-size', 'augment', 'train-start'];
  const stops = await tabStops(page, '#tab-train', form.length + 1);
  // Stop is disabled until a run starts, and so is "Use on the pad" for the model in use.
  assert.deepEqual(stops, [...form, 'Download Served model'], 'the form, then the shelf');
}

async function trainBeforeARun(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Train' }).click();
  await page.locator('#shelf-list .shelf-scores', { hasText: /Test \d+\.\d+%/ }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#progress-label').textContent(), 'Not started');
  assert.match((await page.locator('#chart-of').textContent()) ?? '', /No run yet/, 'the chart says what will appear');
  assert.match((await page.locator('#weights-caption').textContent()) ?? '', /Start a run/, 'and so do the weights');
  assert.ok(await page.locator('#weights').isHidden(), 'no empty canvas before a run');
  assert.match((await page.locator('#chart').getAttribute('aria-label')) ?? '', /no epochs yet/);
  assert.equal(await page.locator('#epochs-note').textContent(), 'Each epoch adds a row here.', 'and so does the table');
  await screenshotBoth(page, 'train-before');
}

async function badFields(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Train' }).click();
  await fillRecipe(page, { layers: '784,abc', eta: '0' });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  assert.equal(await page.locator('#layers').getAttribute('aria-invalid'), 'true');
  assert.match((await page.locator('#layers-error').textContent()) ?? '', /'abc' is not a layer size/);
  assert.ok(await page.locator('#layers-error').isVisible());
  assert.equal(await page.locator('#eta').getAttribute('aria-invalid'), 'true');
  assert.match((await page.locator('#eta-error').textContent()) ?? '', /learning rate must be a positive number/);
  assert.equal(await page.locator('#progress-label').textContent(), 'Not started');
  // A network that does not end in 10 outputs is refused at the layers field too.
  await fillRecipe(page, { layers: '784,30,9', eta: '0.05' });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  assert.match((await page.locator('#layers-error').textContent()) ?? '', /last layer must be 10/);
  assert.equal(await page.locator('#eta').getAttribute('aria-invalid'), null, 'a fixed field loses its error');
  await page.locator('#layers').fill('784,100,10');
  assert.equal(await page.locator('#layers').getAttribute('aria-invalid'), null);
}

async function worseRunOnTheShelf(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Train' }).click();
  await fillRecipe(page, { layers: '784,30,10', activation: 'sigmoid', batch: '10', epochs: '2', eta: '0.1', trainSize: '1000' });
  // Every value the chart's data-epochs takes, in order: epochs can end faster than a test polls.
  await page.evaluate(`(() => {
    const chart = document.getElementById('chart');
    window.chartEpochs = [];
    new MutationObserver(() => window.chartEpochs.push(chart.dataset.epochs + ':' + chart.querySelectorAll('circle.dot.accuracy').length))
      .observe(chart, { attributes: true, attributeFilter: ['data-epochs'] });
  })()`);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('#progress-label', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
  const seen = [...new Set((await page.evaluate('window.chartEpochs')) as string[])];
  assert.deepEqual(seen, ['0:0', '1:1', '2:2'], 'the chart starts empty, then gains one point per epoch');
  assert.equal(await page.locator('#epoch-rows tr').count(), 2);
  assert.deepEqual(await page.locator('#epoch-rows tr td:first-child').allTextContents(), ['0', '1'], 'epochs numbered from 0, as the CLI prints them');
  assert.deepEqual(await page.locator('#chart text.tick:not(.acc):not(.cost)').allTextContents(), ['0', '1'], 'and so is the chart');
  assert.equal(await page.locator('#epochs-note').textContent(), 'All 2 epochs done, numbered 0–1.');
  assert.equal(await page.locator('#kernels').getAttribute('data-kernels'), 'wasm', 'the worker trains with the wasm kernels');
  const weights = await page.locator('#weights').evaluate((c: PageCanvas) => [c.width, c.height]);
  assert.ok(weights[0] > 28 && weights[1] >= 28, `the first layer's weights are drawn (${weights.join('×')})`);

  // On the shelf, scored on the test images, and not on the pad: the served model is better.
  const run = page.locator('#shelf-list li.shelf-item', { hasText: 'Run 1' });
  await run.locator('.shelf-scores', { hasText: /Test \d+\.\d+%/ }).waitFor({ timeout: 20_000 });
  assert.match((await run.locator('.shelf-recipe').textContent()) ?? '', /\[784, 30, 10\] sigmoid → softmax, batch 10, η 0\.1.*2 epochs on 1,000 images/);
  const served = page.locator('#shelf-list li.shelf-item', { hasText: 'Served model' });
  await served.locator('.shelf-scores', { hasText: /Test \d+\.\d+%/ }).waitFor({ timeout: 20_000 });
  assert.equal(await served.getAttribute('data-chosen'), 'true', 'the served model keeps the pad');
  assert.equal(await page.locator('#model-name').getAttribute('data-source'), 'served');
  assert.match((await page.locator('#status').textContent()) ?? '', /Run 1 is on the shelf.*not better/);
  await downloadAndChoose(page);
}

/** Run 1 downloads as a model file the command line loads; chosen on the Draw panel, the pad uses it; chosen back, the served one. */
async function downloadAndChoose(page: Page): Promise<void> {
  const run = page.locator('#shelf-list li.shelf-item', { hasText: 'Run 1' });
  const served = page.locator('#shelf-list li.shelf-item', { hasText: 'Served model' });
  const [download] = await Promise.all([page.waitForEvent('download'), run.getByRole('button', { name: 'Download Run 1' }).click()]);
  assert.equal(download.suggestedFilename(), 'digitnet-run-1.json');
  const { network } = parseModel(readFileSync((await download.path())!, 'utf8'), 'the downloaded model');
  assert.deepEqual(network.sizes, [784, 30, 10]);
  assert.ok(network.params.some((w) => w !== 0));

  await page.getByRole('tab', { name: 'Draw' }).click();
  const runId = await run.getAttribute('data-id');
  await page.locator('#pad-model').selectOption(runId!);
  assert.equal(await page.locator('#model-name').getAttribute('data-source'), 'trained');
  assert.match((await page.locator('#model-name').textContent()) ?? '', /\[784, 30, 10\].*Run 1, trained in this browser: 2 epochs/);
  await page.getByRole('tab', { name: 'Train' }).click();
  assert.equal(await run.getAttribute('data-chosen'), 'true');
  await served.getByRole('button', { name: 'Use Served model on the drawing pad' }).click();
  assert.equal(await page.locator('#model-name').getAttribute('data-source'), 'served');
}

async function defaultRecipe(page: Page, diagnostic: (message: string) => void): Promise<void> {
  await page.getByRole('tab', { name: 'Train' }).click();
  await fillRecipe(page, { layers: '784,100,10', activation: 'relu', batch: '20', epochs: '10', eta: '0.05', trainSize: '50000' });
  const started = Date.now();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('#progress-label', { hasText: 'Done' }).waitFor({ timeout: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  const accuracy = Number((await page.locator('#epoch-rows tr:last-child td:nth-child(2)').textContent())?.replace('%', ''));
  const run = page.locator('#shelf-list li.shelf-item', { hasText: 'Run 2' });
  await run.locator('.shelf-scores', { hasText: /Test \d+\.\d+%/ }).waitFor({ timeout: 20_000 });
  diagnostic(`default recipe: ${accuracy}% validation in ${seconds.toFixed(1)} s; ${await run.locator('.shelf-scores').textContent()}`);
  assert.ok(accuracy > 90, `validation accuracy ${accuracy}%`);
  await screenshotBoth(page, 'train-after');
}

/** A long run: screenshots while it trains, no layout shift from one epoch to the next (laptop and phone), then Stop. */
async function trainAndStop(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Train' }).click();
  await fillRecipe(page, { epochs: '50', trainSize: '50000' });
  await watchLayoutShifts(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  // From the end of epoch 0 (the weights are drawn by then) to the end of epoch 2, on the laptop…
  const laptopFrom = await epochsDone(page, 1);
  await epochsDone(page, 3);
  assert.match((await page.locator('#epochs-note').textContent()) ?? '', /^Epochs \d+–49 to come\.$/);
  assert.deepEqual(await layoutShiftsSince(page, laptopFrom), [], 'nothing on the laptop screen moves while epochs arrive');
  await screenshotBoth(page, 'train-during');
  // …and on the phone, scrolled to the chart and table, for the next two epochs.
  await page.setViewportSize(PHONE);
  await page.locator('#chart').scrollIntoViewIfNeeded();
  const phoneFrom = await epochsDone(page, 5);
  await epochsDone(page, 7);
  assert.deepEqual(await layoutShiftsSince(page, phoneFrom), [], 'nothing on the phone screen moves while epochs arrive');
  await page.setViewportSize(LAPTOP);
  assert.ok(await page.locator('#train-start').isDisabled(), 'no second run while one is under way');
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.locator('#progress-label', { hasText: 'Stopped' }).waitFor({ timeout: 10_000 });
  assert.ok(await page.locator('#train-start').isEnabled());
  assert.ok(await page.locator('#train-stop').isDisabled());
  await stoppedRunKept(page);
}

/** What a stopped run keeps: its points and rows, a place on the shelf marked stopped; every run's chart comes back. */
async function stoppedRunKept(page: Page): Promise<void> {
  const epochs = await page.locator('#epoch-rows tr').count();
  assert.ok(epochs >= 7 && epochs < 50, `stopped after ${epochs} of 50 epochs`);
  assert.equal(await page.locator('#chart').getAttribute('data-epochs'), String(epochs), 'the chart keeps its points');
  assert.equal(await page.locator('#chart circle.dot.accuracy').count(), epochs);
  const run = page.locator('#shelf-list li.shelf-item', { hasText: 'Run 3' });
  await run.waitFor({ timeout: 5_000 });
  assert.match((await run.locator('.shelf-name').textContent()) ?? '', /\(stopped\)/);
  assert.match((await run.locator('.shelf-recipe').textContent()) ?? '', new RegExp(`${epochs} of 50 epochs`));
  assert.equal(await page.locator('#progress-label').textContent(), `Stopped after ${epochs} epoch${epochs === 1 ? '' : 's'}`);
  assert.equal(await page.locator('#epochs-note').textContent(), `Stopped after ${epochs} of 50 epochs.`);
  await run.locator('.shelf-scores', { hasText: /Test \d+\.\d+%/ }).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Show the chart and table of Run 1' }).click();
  assert.equal(await page.locator('#epoch-rows tr').count(), 2);
  assert.equal(await page.locator('#chart').getAttribute('data-epochs'), '2');
  assert.match((await page.locator('#chart-of').textContent()) ?? '', /^Run 1\./);
  await page.getByRole('button', { name: 'Show the chart and table of Run 3' }).click();
  assert.equal(await page.locator('#epoch-rows tr').count(), epochs);
  assert.match((await page.locator('#chart-of').textContent()) ?? '', /^Run 3, stopped\./);
}

async function exploreMistakes(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Explore' }).click();
  await page.locator('#mistakes li').first().waitFor({ timeout: 20_000 });
  const summary = (await page.locator('#explore-summary').textContent()) ?? '';
  const [, right, total] = /([\d,]+) of ([\d,]+) test images right/.exec(summary) ?? [];
  assert.equal(total, '10,000', summary);
  const wrong = 10_000 - Number(right.replace(/,/g, ''));
  assert.ok(wrong > 0, summary);
  const shown = await page.locator('#mistakes li').count();
  assert.equal(shown, Math.min(100, wrong));
  for (const li of await page.locator('#mistakes li').all()) {
    const label = await li.getAttribute('data-label');
    const guess = await li.getAttribute('data-guess');
    assert.notEqual(label, guess);
    assert.match(label ?? '', /^\d$/);
  }
  assert.ok((await meanBrightness(page, '#mistakes li:first-child canvas')) > 5, 'the misread image is drawn');
}

async function drawOnAPhone(page: Page): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.getByRole('tab', { name: 'Draw' }).click();
  const pad = (await page.locator('#pad').boundingBox())!;
  assert.ok(pad.width > 250 && pad.x >= 0 && pad.x + pad.width <= 390, `the pad fits (${pad.x}, ${pad.width})`);
  await drawStrokes(page, [[[150, 40], [140, 130], [130, 240]]]);
  await page.locator('#digit', { hasText: /^\d$/ }).waitFor({ timeout: 5_000 });
  await screenshotBoth(page, 'draw');
}

/** Touch input as a phone sends it (Chromium turns it into pointer events of type "touch"). */
async function drawWithAFinger(s: PageSession): Promise<void> {
  const context = await s.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
  try {
    const phone = await context.newPage();
    const phoneProblems = watchProblems(phone);
    await phone.goto(s.base);
    await phone.locator('#model-name[data-source="served"]').waitFor({ timeout: 15_000 });
    const box = (await phone.locator('#pad').boundingBox())!;
    const at = ([x, y]: [number, number]) => ({ x: box.x + (x / PAD_SIDE) * box.width, y: box.y + (y / PAD_SIDE) * box.height });
    const cdp = await context.newCDPSession(phone);
    const seven: [number, number][] = [[70, 50], [140, 50], [210, 50], [180, 110], [150, 170], [125, 240]];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(seven[0])] });
    for (let i = 1; i < seven.length; i++) {
      const [from, to] = [seven[i - 1], seven[i]];
      for (let step = 1; step <= 8; step++) {
        const t = step / 8;
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at([from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t])] });
      }
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await answerIs(phone, '7');
    assert.equal(await phone.evaluate<number>('window.scrollY'), 0, 'drawing does not scroll the page');
    assert.deepEqual(phoneProblems, []);
  } finally {
    await context.close();
  }
}

describe('the web page in Chromium', { timeout: 120_000 }, () => {
  // Filled in by before(): every test drives this one page.
  const s = {} as PageSession;
  before(async () => {
    Object.assign(s, await openServedPage(quickModel(), LAPTOP));
  });
  after(async () => {
    await s.close?.();
  });

  test('drawing a 1 and a 7 with the mouse gets them read right, live', () => drawOneAndSeven(s.page));
  test('a number drawn with several digits is split and read, each digit shown as the network saw it', () => drawSeventeen(s.page));
  test('a photo is read from a file (PNG and JPEG), a drop and a paste, each step shown', () => readPhotos(s.page));
  test('the tabs work from the keyboard', () => tabsByKeyboard(s.page));
  test('the Train panel before a run says what each part will show', () => trainBeforeARun(s.page));
  test('every control is a Tab stop, in reading order', () => everythingByTab(s.page));
  test('a bad field in the Train form shows its error at the field, and nothing starts', () => badFields(s.page));
  test('a worse run goes on the shelf without taking the pad; choosing it makes the pad use it; any model downloads', () => worseRunOnTheShelf(s.page));
  test('the default recipe trains in the page', (t) => defaultRecipe(s.page, (m) => t.diagnostic(m)));
  test('a run does not move the page while it trains; Stop keeps what it reached, with its chart and table', () => trainAndStop(s.page));
  test('Explore shows test images the current network misreads, with label and guess', () => exploreMistakes(s.page));
  test('the Draw panel fits a phone screen, and its answer shows', () => drawOnAPhone(s.page));
  test('a finger draws too: touch strokes on a phone are read like mouse strokes', () => drawWithAFinger(s));
  test('nothing went wrong: no console errors, page errors or failed requests', async () => {
    assert.notEqual(await s.page.locator('#status').getAttribute('data-kind'), 'error', (await s.page.locator('#status').textContent()) ?? '');
    assert.deepEqual(s.problems, []);
  });
});
