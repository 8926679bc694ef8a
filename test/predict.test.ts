/** `digitnet predict` end to end: answers, --json, --show, and bad files among good ones. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { MAX_IMAGE_FILE_BYTES } from '../src/cli/predict-image.js';
import { imageBytesToInput } from '../src/data/image-file.js';
import { loadMnist } from '../src/data/mnist.js';
import { saveModel } from '../src/io/model-file.js';
import { Network } from '../src/nn/network.js';
import { defaultModelPath } from '../src/paths.js';
import { Random } from '../src/random.js';
import { runCli, withTempDir, withTempDirAsync } from './helpers.js';
import { badImages, userDigit } from './image-files.js';
import { composeNumber, mnistBitmap } from './number-image.js';

// MNIST test digits 0–3 (labels 7, 2, 1, 0), as a grey PNG, a JPEG, an RGB PNG and strokes on a transparent canvas.
const digits = [userDigit(0, 'grey'), userDigit(1, 'jpeg'), userDigit(2, 'rgb'), userDigit(3, 'dark-on-transparent')];
const fileName = (d: (typeof digits)[number]) => `digit${d.index}.${d.variant === 'jpeg' ? 'jpg' : 'png'}`;

/** Write the digits (and any extra files) into `dir`; return their paths, in order. */
function writeDigits(dir: string, extra: { name: string; bytes: Uint8Array }[] = []): string[] {
  return [...digits.map((d) => ({ name: fileName(d), bytes: d.bytes })), ...extra].map(({ name, bytes }) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  });
}

test('predict names the digit in PNG and JPEG pictures with the shipped model', () => {
  withTempDir((dir) => {
    const files = writeDigits(dir);
    const r = runCli(['predict', ...files]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, digits.length);
    lines.forEach((line, i) => {
      const m = /^(.+): (\d) \((\d+\.\d)%\)$/.exec(line);
      assert.ok(m, line);
      assert.equal(m[1], files[i]);
      assert.equal(Number(m[2]), digits[i].label, `${files[i]} (${digits[i].variant})`);
      assert.ok(Number(m[3]) > 50 && Number(m[3]) <= 100, line);
    });
  });
});

test('--json prints one object per image with all ten probabilities', () => {
  withTempDir((dir) => {
    const files = writeDigits(dir);
    const r = runCli(['predict', '--json', ...files]);
    assert.equal(r.status, 0, r.stderr);
    type Row = { file: string; text: string; digit: number; confidence: number; probabilities: number[]; notDigit: number; digits: { digit: number; box: { width: number } }[] };
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Row);
    assert.equal(rows.length, digits.length);
    rows.forEach((row, i) => {
      assert.deepEqual(Object.keys(row), ['file', 'text', 'digit', 'confidence', 'probabilities', 'notDigit', 'digits']);
      assert.equal(row.file, files[i]);
      assert.equal(row.digit, digits[i].label);
      assert.equal(row.text, String(digits[i].label));
      assert.equal(row.probabilities.length, 10);
      // With "not a digit" the eleven probabilities sum to 1.
      assert.ok(Math.abs(row.probabilities.reduce((a, b) => a + b) + row.notDigit - 1) < 1e-9);
      assert.equal(row.confidence, Math.max(...row.probabilities));
      assert.equal(row.probabilities[row.digit], row.confidence);
      assert.equal(row.digits.length, 1);
      assert.equal(row.digits[0].digit, row.digit);
      assert.ok(row.digits[0].box.width > 0);
    });
  });
});

/** The PNG at `path` is 28×28 and each pixel is the input the network got from `picture`, as 0..255 grey. */
async function assertShows(path: string, picture: Uint8Array): Promise<void> {
  const png = PNG.sync.read(readFileSync(path));
  assert.equal(png.width, 28);
  assert.equal(png.height, 28);
  const input = await imageBytesToInput(picture, 'x');
  for (let p = 0; p < 784; p++) assert.equal(png.data[4 * p], Math.round(255 * input[p]), `${path} pixel ${p}`);
}

test('--show writes the 28×28 input the network saw beside each picture, and says where', async () => {
  await withTempDirAsync(async (dir) => {
    const files = writeDigits(dir);
    const r = runCli(['predict', '--show', files[0], files[1]]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const shown = [join(dir, 'digit0.mnist.png'), join(dir, 'digit1.mnist.png')]; // digit1.jpg → digit1.mnist.png
    lines.forEach((line, i) => assert.match(line, new RegExp(`^${files[i]}: ${digits[i].label} \\(.*%\\), network input in ${shown[i]}$`)));
    for (const [i, path] of shown.entries()) await assertShows(path, digits[i].bytes);
    const json = runCli(['predict', '--show', '--json', files[2]]);
    assert.equal((JSON.parse(json.stdout) as { shown: string }).shown, join(dir, 'digit2.mnist.png'));
    // digit0.png and a digit0.jpg in one run: the second does not overwrite the first's picture.
    const jpg = join(dir, 'digit0.jpg');
    writeFileSync(jpg, digits[1].bytes);
    const both = runCli(['predict', '--show', files[0], jpg, files[0]]);
    assert.equal(both.status, 0, both.stderr);
    assert.deepEqual(both.stdout.trimEnd().split('\n').map((l) => l.split(' in ')[1]), [shown[0], `${jpg}.mnist.png`, shown[0]]);
    await assertShows(shown[0], digits[0].bytes);
    await assertShows(`${jpg}.mnist.png`, digits[1].bytes);
  });
});

test('--show on digits that touch too much to split writes no picture and says so on its line, exit 3', () => {
  withTempDir((dir) => {
    // A 0 struck through by a bar three times its width, ending well inside the picture: too wide for
    // one digit, and no cut leaves two digit-sized parts.
    const { test: mnist } = loadMnist();
    const { ink, w, h } = composeNumber([mnistBitmap(mnist.images.subarray(3 * 784, 4 * 784), 3)], { gaps: [], margin: 60 });
    const bar = Math.round(h / 2);
    for (let y = bar; y < bar + 4; y++) ink.fill(1, y * w + 20, y * w + w - 20);
    const png = new PNG({ width: w, height: h });
    for (let p = 0; p < w * h; p++) png.data.fill(Math.round(235 - 200 * ink[p]), 4 * p, 4 * p + 3), (png.data[4 * p + 3] = 255);
    const file = join(dir, 'struck.png');
    writeFileSync(file, PNG.sync.write(png));
    const r = runCli(['predict', '--show', file]);
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /struck\.png: touching digits that cannot be split \(1 blob of touching digits\)\n$/);
    assert.equal(existsSync(join(dir, 'struck.mnist.png')), false);
  });
});

test('bad files among good ones: one line each on stderr, the good ones answered, exit 1, no stack trace', () => {
  withTempDir((dir) => {
    const bad = badImages(digits[0].bytes);
    const [good0, good1, good2, good3, ...badFiles] = writeDigits(dir, bad);
    mkdirSync(join(dir, 'folder.png'));
    const missing = join(dir, 'missing.png');
    // A sparse file past the size cap: refused from its size, never read.
    const oversized = join(dir, 'oversized.jpg');
    writeFileSync(oversized, '');
    truncateSync(oversized, MAX_IMAGE_FILE_BYTES + 1);
    // Bad files first, between and last, so "the others still answered" is not just "the first ones".
    const args = [badFiles[0], good0, badFiles[1], good1, ...badFiles.slice(2), good2, join(dir, 'folder.png'), missing, oversized, good3];
    const r = runCli(['predict', ...args]);
    assert.equal(r.status, 1);
    assert.deepEqual(
      r.stdout.trimEnd().split('\n').map((l) => l.split(':')[0]),
      [good0, good1, good2, good3],
    );
    const errors = r.stderr.trimEnd().split('\n');
    const expected = [
      ...bad.map((b) => ({ file: join(dir, b.name), message: b.message })),
      { file: join(dir, 'folder.png'), message: /is a folder, not an image/ },
      { file: missing, message: /file not found/ },
      { file: oversized, message: /: the file is 268435457 bytes, over the 256 MiB limit for an image file$/ },
    ];
    assert.equal(errors.length, expected.length + 1, r.stderr);
    expected.forEach(({ file, message }, i) => {
      assert.ok(errors[i].startsWith(`digitnet: ${file}: `), errors[i]);
      assert.match(errors[i], message);
    });
    assert.equal(errors.at(-1), `digitnet: ${expected.length} of ${args.length} images could not be answered`);
    assert.doesNotMatch(r.stderr, /\n\s+at |internal error|Error:/);
  });
});

test('a sigmoid model\'s outputs are normalised into probabilities', async () => {
  await withTempDirAsync(async (dir) => {
    const net = Network.create({ sizes: [784, 10, 10], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' }, new Random(3), 'scaled');
    const model = join(dir, 'sigmoid.json');
    saveModel(model, net, {});
    const [file] = writeDigits(dir);
    const r = runCli(['predict', '--model', model, '--json', file]);
    // An untrained network is unsure of everything: "not a digit", exit 3, its best guess still given.
    assert.equal(r.status, 3, r.stderr);
    const { digit, probabilities, digits: read } = JSON.parse(r.stdout) as { digit: number | null; probabilities: number[]; digits: { best: number }[] };
    const output = net.feedforward(await imageBytesToInput(digits[0].bytes, 'x'));
    const sum = output.reduce((a, b) => a + b);
    probabilities.forEach((p, j) => assert.ok(Math.abs(p - output[j] / sum) < 1e-12));
    assert.equal(digit, null);
    assert.equal(read[0].best, net.predict(await imageBytesToInput(digits[0].bytes, 'x')));
  });
});

test('--ink decides the polarity: dark matches auto on dark ink, light reads the paper as ink', () => {
  withTempDir((dir) => {
    const [file] = writeDigits(dir);
    const auto = runCli(['predict', '--json', file]);
    const dark = runCli(['predict', '--json', '--ink', 'dark', file]);
    assert.equal(dark.status, 0, dark.stderr);
    assert.equal(dark.stdout, auto.stdout);
    const light = runCli(['predict', '--json', '--ink', 'light', file]);
    // Told to look for light ink on this grey paper, it finds only noise lighter than the paper.
    assert.equal(light.status, 1);
    assert.match(light.stderr, /no digit found \(no light marks stand out/);
    const bad = runCli(['predict', '--ink', 'both', file]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^digitnet: option '--ink <polarity>' argument 'both' is invalid/);
  });
});

test('usage errors and unusable models: one line, exit 2 or 1', () => {
  withTempDir((dir) => {
    const none = runCli(['predict']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^digitnet: missing required argument 'image'\n$/);
    const [file] = writeDigits(dir);
    const missing = runCli(['predict', '--model', join(dir, 'nope.json'), file]);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, `digitnet: model file not found: ${join(dir, 'nope.json')}\n`);
    const small = join(dir, 'small.json');
    saveModel(small, Network.create({ sizes: [4, 3, 2], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' }, new Random(1), 'scaled'), {});
    const wrong = runCli(['predict', '--model', small, file]);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /^digitnet: .*small\.json: the network maps 4 inputs to 2 outputs; digits need 784 → 10 \(or 11 with "not a digit"\)\n$/);
    assert.equal(wrong.stdout, '');
    const help = runCli(['predict', '--help']);
    assert.equal(help.status, 0);
    for (const flag of ['--model', '--show', '--json', '--ink']) assert.ok(help.stdout.includes(flag), flag);
    assert.match(help.stdout, /Exit code: 0 every picture read as digits; 3 one or more pictures are not \(all\) digits; 1 one or more files\s+failed/);
  });
});

test('the shipped model is small, float16 and where predict looks for it', () => {
  const path = defaultModelPath();
  assert.ok(existsSync(path));
  const text = readFileSync(path, 'utf8');
  // The page downloads it: at most 2 MB (float16 halves it).
  assert.ok(text.length < 1_000_000, `${text.length} bytes`);
  const model = JSON.parse(text) as { encoding: string; sizes: number[]; test: { correct: number; total: number } };
  assert.equal(model.encoding, 'base64-float16');
  // The people preset: ten digits and "not a digit".
  assert.deepEqual(model.sizes, [784, 400, 11]);
  assert.ok(model.test.correct / model.test.total >= 0.975, `test accuracy ${model.test.correct}`);
});
