/**
 * "Teach it your handwriting" in real headless Chromium: draw five digits
 * with the mouse and keep each with the digit typed, see them counted and
 * shown (and still there after a reload: IndexedDB), delete one, export them
 * as a CSV that `digitnet train --fine-tune` reads, fine-tune the pad's model
 * in the page and read the before/after figures, find the new model on the
 * shelf beside the served one, delete them all; screenshots of the teach
 * area at 1280×800 and 390×844, and not one console error or failed request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { loadModel } from '../src/io/model-file.js';
import { ARTIFACTS, canvasPixels, drawStrokes, openServedPage, type PageSession } from './browser-session.js';
import { runCli } from './helpers.js';

/** The shipped model: [784, 400, 11], "not a digit" included. */
const MODEL = new URL('../../models/default.json', import.meta.url).pathname;

/** A score cell: the percentage, then the count ("98.63% 9,863 / 10,000"); the held-out half of four digits is two. */
const MNIST_SCORE = /^\d+\.\d\d% \d{1,2},\d{3} \/ 10,000$/;
const HELD_SCORE = /^(0|50|100)\.0% [0-2] \/ 2$/;

type Stroke = [number, number][];
/** Five digits in pad coordinates and the digit each is kept as. */
const DRAWN: { label: string; strokes: Stroke[] }[] = [
  { label: '1', strokes: [[[150, 40], [140, 130], [130, 240]]] },
  { label: '7', strokes: [[[70, 50], [210, 50], [180, 110], [150, 170], [125, 240]]] },
  { label: '0', strokes: [[[140, 40], [200, 70], [215, 140], [200, 210], [140, 240], [80, 210], [65, 140], [80, 70], [140, 40]]] },
  { label: '4', strokes: [[[90, 40], [70, 150], [200, 150]], [[170, 60], [165, 240]]] },
  { label: '1', strokes: [[[120, 45], [150, 30], [145, 140], [140, 245]]] },
];

function countIs(page: Page, text: RegExp): Promise<void> {
  return page.locator('#teach-count', { hasText: text }).waitFor({ timeout: 10_000 });
}

/** Draw a digit, type its label and keep it with the Enter key. */
async function keep(page: Page, digit: { label: string; strokes: Stroke[] }): Promise<void> {
  await drawStrokes(page, digit.strokes);
  await page.locator('#digit', { hasNotText: /^–$/ }).waitFor({ timeout: 5_000 });
  await page.locator('#teach-digit').fill(digit.label);
  await page.locator('#teach-digit').press('Enter');
}

/** The CSV's rows as [label, ...784 pixels], after checking its header. */
function csvRows(text: string): number[][] {
  const [header, ...rows] = text.trimEnd().split('\n');
  assert.equal(header.split(',').length, 785);
  assert.match(header, /^label,pixel0,pixel1,.*,pixel783$/);
  return rows.map((row) => row.split(',').map(Number));
}

/** "Before: held-out 1 / 2 (50.00%); MNIST test 9863 / 10000 (98.63%)" → "1 / 2 9,863 / 10,000", as the page's cells read. */
function figures(stdout: string, when: 'Before' | 'After'): string {
  const m = new RegExp(`^${when}: held-out (\\d+) / (\\d+) .*; MNIST test (\\d+) / (\\d+)`, 'm').exec(stdout);
  assert.ok(m, `no ${when} line in: ${stdout}`);
  return [m[1], m[2], m[3], m[4]].map((n) => Number(n).toLocaleString('en')).join(' ').replace(/^(\S+) (\S+) (\S+) (\S+)$/, '$1 / $2 $3 / $4');
}

/** The page's held-out and MNIST cells for `when`, counts only: "1 / 2 9,863 / 10,000". */
async function pageFigures(page: Page, when: 'before' | 'after'): Promise<string> {
  const counts = await page.locator(`#teach-held-${when} .teach-of, #teach-mnist-${when} .teach-of`).allTextContents();
  return counts.join(' ');
}

async function teachScreenshot(page: Page, name: string): Promise<void> {
  await page.locator('#teach-card').scrollIntoViewIfNeeded();
  await page.locator('#teach-card').screenshot({ path: join(ARTIFACTS, name) });
}

/** Each step is a test of its own, in order, on one page; a step waits at most this long. */
const STEP = { timeout: 90_000 };

let session: PageSession;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'digitnet-teach-'));
// What `digitnet train --fine-tune` printed for the exported digits, to compare with the page's run.
let cliFigures: { before: string; after: string } | null = null;

before(async () => {
  session = await openServedPage(Promise.resolve(loadModel(MODEL).network), { width: 1280, height: 800 });
  page = session.page;
});

after(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('before anything is kept, the area says what will appear and Fine-tune waits for digits', STEP, async () => {
  await countIs(page, /^No digits kept yet\. When the pad misreads one/);
  assert.equal(await page.getByRole('button', { name: 'Fine-tune on my digits' }).isDisabled(), true);
  assert.equal(await page.getByRole('button', { name: 'Export as CSV' }).isDisabled(), true);
  assert.match((await page.locator('#teach-tune-note').textContent()) ?? '', /at least 2 kept digits/);
  // Keep with nothing drawn, or with no digit typed: one line at the field, nothing kept.
  await page.getByRole('textbox', { name: 'Misread? Type the digit you drew' }).fill('3');
  await page.getByRole('button', { name: 'Keep to teach' }).click();
  assert.match((await page.locator('#teach-form-error').textContent()) ?? '', /^Draw one digit on the pad first/);
  await drawStrokes(page, DRAWN[0].strokes);
  await page.locator('#teach-digit').fill('x');
  await page.locator('#teach-digit').press('Enter');
  assert.match((await page.locator('#teach-form-error').textContent()) ?? '', /^Type the digit you drew, one of 0–9, not “x”\.$/);
  assert.equal(await page.locator('#teach-digit').getAttribute('aria-invalid'), 'true');
  await page.getByRole('button', { name: /clear/i }).click();
  await countIs(page, /^No digits kept yet/);
});

test('five drawn digits are kept with their labels, counted, and still there after a reload', STEP, async () => {
  for (const [i, digit] of DRAWN.entries()) {
    await keep(page, digit);
    await countIs(page, new RegExp(`^${i + 1} digits? kept: `));
    assert.equal(await page.locator('#digit').textContent(), '–', 'keeping clears the pad for the next digit');
    assert.equal(await page.locator('#teach-digit').inputValue(), '');
  }
  await countIs(page, /^5 digits kept: 0 ×1, 1 ×2, 4 ×1, 7 ×1\.$/);
  assert.equal(await page.locator('#teach-form-error').isHidden(), true);
  await page.reload();
  await page.locator('#model-name[data-source="served"]').waitFor({ timeout: 15_000 });
  await countIs(page, /^5 digits kept: 0 ×1, 1 ×2, 4 ×1, 7 ×1\.$/);
});

test('Show lists each kept digit as the network saw it; deleting one leaves four', STEP, async () => {
  const show = page.getByRole('button', { name: 'Show them' });
  await show.click();
  assert.equal(await page.locator('#teach-show').getAttribute('aria-expanded'), 'true');
  const items = page.locator('#teach-list .teach-item');
  assert.equal(await items.count(), 5);
  assert.deepEqual(await page.locator('#teach-list .teach-label').allTextContents(), ['1', '7', '0', '4', '1']);
  const { data } = await canvasPixels(page, '#teach-list .teach-item:nth-child(3) canvas');
  assert.ok(data.some((v, i) => i % 4 === 0 && v > 200), 'the kept 0 shows white ink on black');
  await page.getByRole('button', { name: 'Delete kept digit 2, a 7' }).click();
  await countIs(page, /^4 digits kept: 0 ×1, 1 ×2, 4 ×1\.$/);
  assert.deepEqual(await page.locator('#teach-list .teach-label').allTextContents(), ['1', '0', '4', '1']);
  // Focus moves to the next digit's Delete, so a keyboard user carries on from there.
  assert.equal(await page.evaluate<string>('document.activeElement.getAttribute("aria-label")'), 'Delete kept digit 2, a 0');
});

test('Export gives a CSV of the kept inputs that digitnet train --fine-tune reads', STEP, async () => {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export as CSV' }).click();
  const file = join(dir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  assert.match(file, /digitnet-my-digits\.csv$/);
  const rows = csvRows(readFileSync(file, 'utf8'));
  assert.deepEqual(rows.map((r) => r[0]), [1, 0, 4, 1]);
  for (const row of rows) {
    assert.ok(row.slice(1).every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
    assert.ok(row.slice(1).filter((v) => v > 128).length > 20, 'each row holds a drawn digit');
  }
  const saved = join(dir, 'tuned.json');
  const r = runCli(['train', '--fine-tune', MODEL, '--data', file, '--save', saved], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Fine-tuning .* on 4 pictures from .*digitnet-my-digits\.csv: 2 to tune on, 2 held out; 5 epochs of 2000/);
  assert.deepEqual(loadModel(saved).network.sizes, [784, 400, 11]);
  cliFigures = { before: figures(r.stdout, 'Before'), after: figures(r.stdout, 'After') };
});

test('Fine-tune trains in the page, shows before and after, and adds a model to the shelf', STEP, async () => {
  await page.getByRole('button', { name: 'Fine-tune on my digits' }).click();
  await page.locator('#teach-mnist-after', { hasText: MNIST_SCORE }).waitFor({ timeout: 60_000 });
  assert.match((await page.locator('#teach-mnist-before').textContent()) ?? '', MNIST_SCORE);
  assert.match((await page.locator('#teach-held-before').textContent()) ?? '', HELD_SCORE);
  assert.match((await page.locator('#teach-held-after').textContent()) ?? '', HELD_SCORE);
  // One recipe, one seed, the same digits and wasm kernels: the page's run is the CLI's.
  assert.ok(cliFigures, 'the export test ran first');
  assert.equal(await pageFigures(page, 'before'), cliFigures.before);
  assert.equal(await pageFigures(page, 'after'), cliFigures.after);
  const [mnistBefore, mnistAfter] = await Promise.all(['before', 'after'].map(async (w) => parseFloat((await page.locator(`#teach-mnist-${w}`).textContent()) ?? '')));
  assert.ok(mnistAfter >= mnistBefore - 3, `MNIST ${mnistBefore}% → ${mnistAfter}%`);
  assert.match((await page.locator('#teach-progress').textContent()) ?? '', /^Fine-tuned 1 is on the model shelf \(the pad keeps Served model until you choose it\)\.$/);
  const options = await page.locator('#pad-model option').allTextContents();
  assert.ok(options.some((o) => o.startsWith('Served model')), options.join(' | '));
  assert.ok(options.includes(`Fine-tuned 1 · [784, 400, 11] · ${mnistAfter.toFixed(2)}% test`), options.join(' | '));
  assert.match((await page.locator('#model-name').textContent()) ?? '', /served by digitnet serve/, 'the pad keeps the served model');
  await teachScreenshot(page, 'teach-1280.png');
  await page.screenshot({ path: join(ARTIFACTS, 'teach-page-1280.png'), fullPage: true });
  await page.getByRole('button', { name: 'Use Fine-tuned 1 on the pad' }).click();
  await page.locator('#model-name', { hasText: /Fine-tuned 1: Served model fine-tuned on 2 of your digits/ }).waitFor({ timeout: 5_000 });
});

test('the teach area fits a 390-pixel phone screen', STEP, async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  assert.equal(overflow, 0, 'no horizontal overflow at 390 px');
  const card = (await page.locator('#teach-card').boundingBox())!;
  assert.ok(card.x >= 0 && card.x + card.width <= 390, `the card fits (${card.x}, ${card.width})`);
  for (const id of ['#teach-keep', '#teach-tune', '#teach-delete-all', '#teach-use']) {
    const box = (await page.locator(id).boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `${id} fits (${box.x}, ${box.width})`);
  }
  await teachScreenshot(page, 'teach-390.png');
  await page.locator('.pad-card').screenshot({ path: join(ARTIFACTS, 'teach-pad-390.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('Delete all asks first, then empties the list; no console error or failed request all along', STEP, async () => {
  page.once('dialog', (dialog) => {
    assert.match(dialog.message(), /^Delete all 4 kept digits from this browser\?$/);
    void dialog.accept();
  });
  await page.getByRole('button', { name: 'Delete all' }).click();
  await countIs(page, /^No digits kept yet/);
  assert.equal(await page.locator('#teach-list .teach-item').count(), 0);
  assert.match((await page.locator('#teach-list .teach-empty').textContent()) ?? '', /will be shown here/);
  assert.equal(await page.getByRole('button', { name: 'Fine-tune on my digits' }).isDisabled(), true);
  assert.deepEqual(session.problems, []);
});
