/**
 * `digitnet train --fine-tune`: one writer's pictures, the shipped model, a
 * short run; and the same digits as a CSV of 28×28 inputs (what the web
 * page exports) fine-tune exactly as the pictures do.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { listPictures } from '../src/cli/fine-tune.js';
import { decodeImageFile } from '../src/cli/predict-image.js';
import { toMnistInput } from '../src/data/image.js';
import { loadMnist } from '../src/data/mnist.js';
import { loadModel } from '../src/io/model-file.js';
import { runCli, withTempDir, withTempDirAsync } from './helpers.js';
import { writeWriterFolder } from './writer-digits.js';

const MODEL = new URL('../../models/default.json', import.meta.url).pathname;

/** "held-out 12 / 50 (24.00%); MNIST test 9876 / 10000 (98.76%)" → the two fractions. */
function figures(line: string): { held: number; mnist: number } {
  const m = /held-out (\d+) \/ (\d+) .*MNIST test (\d+) \/ (\d+)/.exec(line);
  assert.ok(m, `no figures in: ${line}`);
  return { held: Number(m[1]) / Number(m[2]), mnist: Number(m[3]) / Number(m[4]) };
}

test('fine-tuning on one writer\'s digits helps on their held-out digits (over 3 seeds) and keeps MNIST', () => {
  withTempDir((dir) => {
    const pictures = join(dir, 'mine');
    mkdirSync(pictures);
    assert.equal(writeWriterFolder(loadMnist().test, pictures, 10), 100);
    let before = 0;
    let after = 0;
    for (const seed of [1, 2, 3]) {
      const out = join(dir, `tuned-${seed}.json`);
      const r = runCli(['train', '--fine-tune', MODEL, '--data', pictures, '--save', out, '--epochs', '3', '--seed', String(seed)], { timeoutMs: 300_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0], new RegExp(`^Fine-tuning .* on 100 pictures from .*: 50 to tune on, 50 held out; 3 epochs of 2000 \\(MNIST share 0.5\\), eta 0.01, seed ${seed}$`));
      const b = figures(lines.find((l) => l.startsWith('Before:'))!);
      const a = figures(lines.find((l) => l.startsWith('After:'))!);
      before += b.held;
      after += a.held;
      // What it knew of MNIST's writers is kept.
      assert.ok(a.mnist >= b.mnist - 0.03, `seed ${seed}: MNIST ${b.mnist} → ${a.mnist}`);
      // The shipped model is compact16, and without --format its fine-tuned copy stays so.
      assert.match(lines[lines.length - 1], /^Saved .*tuned-\d\.json \(compact16\)$/);
      const saved = loadModel(out);
      assert.deepEqual(saved.network.sizes, loadModel(MODEL).network.sizes);
      assert.equal((saved.info.training?.fineTune as { pictures: number }).pictures, 100);
    }
    // A single seed's 50 held-out digits move by a digit or two either way; three together must not fall.
    assert.ok(after >= before, `held-out, 3 seeds: ${(before / 3).toFixed(3)} → ${(after / 3).toFixed(3)}`);
  });
});

test('bad pictures are skipped with one line each; a folder with none usable is refused in one line', () => {
  withTempDir((dir) => {
    const pictures = join(dir, 'mine');
    mkdirSync(pictures);
    writeWriterFolder(loadMnist().test, pictures, 1);
    writeFileSync(join(pictures, '4_broken.png'), 'not a png');
    writeFileSync(join(pictures, 'nolabel.png'), 'whatever');
    const r = runCli(['train', '--fine-tune', MODEL, '--data', pictures, '--save', join(dir, 'o.json'), '--epochs', '1']);
    assert.equal(r.status, 0, r.stderr);
    const warnings = r.stderr.trimEnd().split('\n');
    assert.equal(warnings.length, 3, r.stderr);
    assert.match(warnings[0], /4_broken\.png/);
    assert.match(warnings[1], /nolabel\.png: no label/);
    assert.match(warnings[2], /skipped 2 of 12 pictures/);

    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'labels.csv'), 'file,label\nx.png,seven\n');
    const refused = runCli(['train', '--fine-tune', MODEL, '--data', bad, '--save', join(dir, 'p.json')]);
    assert.notEqual(refused.status, 0);
    const last = refused.stderr.trimEnd().split('\n');
    assert.match(last[last.length - 1], /none of the 1 pictures could be used/);
  });
});

test('--fine-tune refuses --resume and --preset, and needs --save', () => {
  for (const extra of [['--preset', 'best'], ['--resume', 'x.ckpt']]) {
    const r = runCli(['train', '--fine-tune', MODEL, '--data', '.', '--save', 'x.json', ...extra]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /does not go with --fine-tune/);
  }
  const r = runCli(['train', '--fine-tune', MODEL, '--data', '.']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /needs --save/);
});

/** The pictures in `dir`, read as fine-tuning reads them, as a CSV of label,pixel0,…,pixel783 (the web page's export). */
async function inputsCsv(dir: string): Promise<string> {
  const header = ['label', ...Array.from({ length: 784 }, (_, k) => `pixel${k}`)].join(',');
  const rows: string[] = [];
  for (const { file, label } of listPictures(dir)) {
    const input = toMnistInput(await decodeImageFile(file), { name: file });
    rows.push([label, ...Array.from(input, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255))].join(','));
  }
  return [header, ...rows].join('\n') + '\n';
}

test('a CSV of the same digits as 28×28 inputs fine-tunes exactly as the pictures do', async () => {
  await withTempDirAsync(async (dir) => {
    const pictures = join(dir, 'mine');
    mkdirSync(pictures);
    writeWriterFolder(loadMnist().test, pictures, 2);
    const csv = join(dir, 'my-digits.csv');
    writeFileSync(csv, await inputsCsv(pictures));
    const run = (data: string, save: string) => runCli(['train', '--fine-tune', MODEL, '--data', data, '--save', join(dir, save), '--epochs', '2', '--seed', '2']);
    const fromPictures = run(pictures, 'a.json');
    const fromCsv = run(csv, 'b.json');
    assert.equal(fromCsv.status, 0, fromCsv.stderr);
    assert.equal(fromCsv.stderr, '');
    const same = (out: string, data: string, save: string) => out.replaceAll(data, 'DATA').replaceAll(join(dir, save), 'SAVED');
    assert.equal(same(fromCsv.stdout, csv, 'b.json'), same(fromPictures.stdout, pictures, 'a.json'));
    assert.match(fromCsv.stdout, /on 20 pictures from .*my-digits\.csv: 10 to tune on, 10 held out; 2 epochs of 2000/);
    assert.deepEqual(loadModel(join(dir, 'b.json')).network.params, loadModel(join(dir, 'a.json')).network.params);
  });
});

test('a CSV without labels, or with a label that is no digit, is refused in one line', () => {
  withTempDir((dir) => {
    const pixels = new Array<number>(784).fill(0).join(',');
    const cases: [string, string, RegExp][] = [
      ['unlabelled.csv', `${pixels}\n`, /unlabelled\.csv: no label column/],
      ['twelve.csv', `12,${pixels}\n`, /twelve\.csv line 1: label 12 is outside/],
    ];
    for (const [name, text, expected] of cases) {
      writeFileSync(join(dir, name), text);
      const r = runCli(['train', '--fine-tune', MODEL, '--data', join(dir, name), '--save', join(dir, 'x.json')]);
      assert.equal(r.status, 1, `${basename(name)}: ${r.stderr}`);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, expected);
    }
  });
});

test('the files fine-tuning reads and writes are checked before it trains: the data is never saved over, labels.csv is capped', () => {
  withTempDir((dir) => {
    const data = join(dir, 'mine.csv');
    const text = `3,${new Array<number>(784).fill(0).join(',')}\n`;
    writeFileSync(data, text);
    const run = (save: string, from = data) => runCli(['train', '--fine-tune', MODEL, '--data', from, '--save', save]);
    const same = run(data);
    assert.equal(same.status, 2, same.stderr);
    assert.match(same.stderr, /^digitnet: --save .*mine\.csv is the --data file; save the model elsewhere\n$/);
    assert.equal(readFileSync(data, 'utf8'), text, 'the data file is untouched');
    const missing = run(join(dir, 'nope', 'x.json'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^digitnet: --save .*x\.json: the folder .*nope does not exist\n$/);
    assert.doesNotMatch(missing.stdout, /Before/, 'refused before any work');
    mkdirSync(join(dir, 'out'));
    assert.match(run(join(dir, 'out')).stderr, /^digitnet: --save .*out is a folder; give a file name\n$/);
    const folder = join(dir, 'pictures');
    mkdirSync(join(folder, 'labels.csv'), { recursive: true });
    const listed = run(join(dir, 'x.json'), folder);
    assert.equal(listed.status, 1);
    assert.match(listed.stderr, /^digitnet: cannot read list of pictures .*labels\.csv: EISDIR\n$/);
  });
});
