/**
 * CSV images (data/csv.ts): the layouts Kaggle and others use, read to the
 * same bytes, and every way a file can be wrong answered by `digitnet` with
 * one line naming the file, the line and the problem, and exit code 1.
 */
import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_CSV_BYTES, readCsvImages } from '../src/data/csv.js';
import { loadMnist } from '../src/data/mnist.js';
import { DigitNetError } from '../src/errors.js';
import { csvText } from './csv-files.js';
import { runCli, withTempDir, withTempDirAsync } from './helpers.js';

const mnist = loadMnist({ trainSize: 100 }).train;
const rows = (from: number, to: number) => new Uint8Array(mnist.images.subarray(from * 784, to * 784));

test('reads all four layouts: header or none, label column or none', async () => {
  await withTempDirAsync(async (dir) => {
    for (const header of [true, false]) {
      for (const labels of [true, false]) {
        const path = join(dir, `${header}-${labels}.csv`);
        writeFileSync(path, csvText(mnist, 0, 20, { header, labels }));
        const table = await readCsvImages(path);
        assert.equal(table.count, 20);
        assert.equal(table.pixels, 784);
        assert.deepEqual(table.images, rows(0, 20));
        assert.deepEqual(table.labels, labels ? new Uint8Array(mnist.labels.subarray(0, 20)) : null);
        assert.equal(table.lines[0], header ? 2 : 1, 'the file line of the first row');
      }
    }
  });
});

test('takes a byte-order mark, CRLF line ends, blank lines and any square image size', async () => {
  await withTempDirAsync(async (dir) => {
    const path = join(dir, 'windows.csv');
    writeFileSync(path, '\uFEFFlabel,a,b,c,d\r\n3,0,1,254,255\r\n\r\n7,9,8,7,6\r\n');
    const table = await readCsvImages(path);
    assert.equal(table.pixels, 4);
    assert.deepEqual(Array.from(table.images), [0, 1, 254, 255, 9, 8, 7, 6]);
    assert.deepEqual(Array.from(table.labels!), [3, 7]);
    assert.deepEqual(Array.from(table.lines), [2, 4]);
  });
});

test('a caller that needs a size (a model\'s inputs) reads the label column from the width', async () => {
  await withTempDirAsync(async (dir) => {
    const path = join(dir, 'two.csv');
    writeFileSync(path, '1,2,3,4\n5,6,7,8\n');
    assert.equal((await readCsvImages(path, { pixels: 4 })).labels, null);
    assert.deepEqual(Array.from((await readCsvImages(path, { pixels: 3 })).labels!), [1, 5]);
    await assert.rejects(readCsvImages(path, { pixels: 784 }), /two\.csv line 1: 4 values, expected 784 pixels \(or a label and 784 pixels\)/);
  });
});

/** Kaggle's layout with one row changed by `edit` (row 0 is on line 2, after the header). */
function kaggleWith(edit: (lines: string[]) => void): string {
  const lines = csvText(mnist, 0, 30, { header: true, labels: true }).trimEnd().split('\n');
  edit(lines);
  return lines.join('\n') + '\n';
}

const setField = (lines: string[], line: number, field: number, value: string) => {
  const fields = lines[line - 1].split(',');
  fields[field] = value;
  lines[line - 1] = fields.join(',');
};

const badFiles: [name: string, text: string, message: RegExp][] = [
  ['short.csv', kaggleWith((l) => (l[16] = l[16].replace(/,\d+$/, ''))), /short\.csv line 17: 783 pixels, expected 784$/],
  ['long.csv', kaggleWith((l) => (l[4] += ',0,0')), /long\.csv line 5: 786 pixels, expected 784$/],
  ['word.csv', kaggleWith((l) => setField(l, 9, 101, 'abc')), /word\.csv line 9: pixel 100 is "abc", not a whole number 0–255$/],
  ['fraction.csv', kaggleWith((l) => setField(l, 3, 1, '0.5')), /fraction\.csv line 3: pixel 0 is "0\.5", not a whole number 0–255$/],
  ['bright.csv', kaggleWith((l) => setField(l, 3, 784, '256')), /bright\.csv line 3: pixel 783 is "256", not a whole number 0–255$/],
  ['label.csv', kaggleWith((l) => setField(l, 12, 0, '300')), /label\.csv line 12: label 300 is out of range 0–255$/],
  ['negative.csv', kaggleWith((l) => setField(l, 12, 0, '-1')), /negative\.csv line 12: label -1 is out of range 0–255$/],
  ['letter.csv', kaggleWith((l) => setField(l, 6, 0, 'x')), /letter\.csv line 6: label "x" is not a whole number$/],
  ['quote.csv', kaggleWith((l) => (l[3] += ',"')), /quote\.csv line \d+: not valid CSV \(.*\)$/],
  ['empty.csv', '', /empty\.csv: empty file \(no rows\)$/],
  ['blank.csv', '\n\n\n', /blank\.csv: empty file \(no rows\)$/],
  ['header.csv', kaggleWith((l) => l.splice(1)), /header\.csv: a header and no rows of pixels$/],
  ['odd.csv', '1,2,3\n', /odd\.csv line 1: 3 values: neither a square image's pixels \(784 for 28×28\) nor a label and such pixels$/],
  ['pixels.csv', csvText(mnist, 0, 10, { header: true, labels: false }), /pixels\.csv: no label column \(each row is 784 pixels\); training needs each row's label first/],
];

test('every bad training CSV stops digitnet train with one line naming file, line and problem', () => {
  withTempDir((dir) => {
    for (const [name, text, message] of badFiles) {
      const path = join(dir, name);
      writeFileSync(path, text);
      const r = runCli(['train', '--data', path, '--epochs', '1']);
      assert.equal(r.status, 1, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, '', name);
      assert.equal(r.stderr.split('\n').length, 2, `${name}: one line, got ${JSON.stringify(r.stderr)}`);
      assert.match(r.stderr.trimEnd(), /^digitnet: /, name);
      assert.match(r.stderr.trimEnd(), message, name);
    }
  });
});

test('a missing CSV file is named', () => {
  const r = runCli(['train', '--data', '/no/such/train.csv']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'digitnet: CSV file not found: /no/such/train.csv\n');
});

test('a 300 MB CSV is refused from its size, before any of it is read', async () => {
  await withTempDirAsync(async (dir) => {
    const path = join(dir, 'huge.csv');
    writeFileSync(path, csvText(mnist, 0, 1, { header: true, labels: true }));
    truncateSync(path, 300 * 1e6); // sparse: nothing is written
    const before = process.memoryUsage().arrayBuffers;
    await assert.rejects(readCsvImages(path), (e: unknown) => {
      assert.ok(e instanceof DigitNetError);
      assert.match(e.message, /^CSV file .*huge\.csv is 286\.1 MiB, more than the 256 MiB DigitNet reads$/);
      return true;
    });
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, 'refused from its size, not read');
    assert.ok(300 * 1e6 > MAX_CSV_BYTES);
    const r = runCli(['train', '--data', path]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^digitnet: CSV file .*huge\.csv is 286\.1 MiB, more than the 256 MiB DigitNet reads\n$/);
    const p = runCli(['predict', '--csv', path]);
    assert.equal(p.status, 1);
    assert.match(p.stderr, /^digitnet: CSV file .*huge\.csv is 286\.1 MiB, more than the 256 MiB DigitNet reads\n$/);
  });
});

test('predict --csv refuses rows that do not fit the model, with one line', () => {
  withTempDir((dir) => {
    const path = join(dir, 'test.csv');
    writeFileSync(path, csvText(mnist, 0, 5, { header: false, labels: false }).replace(/,0\n/, '\n'));
    const r = runCli(['predict', '--csv', path]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^digitnet: .*test\.csv line 1: 783 values, expected 784 pixels \(or a label and 784 pixels\)\n$/);
    const both = runCli(['predict', '--csv', path, 'picture.png']);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--csv answers a CSV file alone/);
    const none = runCli(['predict']);
    assert.equal(none.status, 2);
    assert.equal(none.stderr, "digitnet: missing required argument 'image'\n");
  });
});

test('a line longer than any row of images is refused at once, not buffered', () => {
  withTempDir((dir) => {
    const path = join(dir, 'zeros.csv');
    writeFileSync(path, Buffer.alloc(20 * 2 ** 20, '1')); // one 20 MiB number and no newline
    const r = runCli(['train', '--data', path, '--epochs', '1']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^digitnet: .*zeros\.csv: a line or field longer than 4 MiB of text, more than any row of images holds\n$/);
  });
});
