/** The `digitnet` command end to end, on small slices of real MNIST. */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultDataDir } from '../src/data/mnist.js';
import { runCli, withTempDir } from './helpers.js';

const quick = ['--train-size', '1000', '--epochs', '2'];

test('train prints a header, one line per epoch, then test and best', () => {
  const r = runCli(['train', ...quick]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^Training \[784, 30, 25, 10\] sigmoid, quadratic cost, 2 epochs, batch 10, eta 1.3, seed 1; \w+ kernels; 1000 train \/ 10000 validation \/ 10000 test$/);
  assert.match(lines[1], /^Epoch 0 : \d+ \/ 10000$/);
  assert.match(lines[2], /^Epoch 1 : \d+ \/ 10000$/);
  assert.match(lines[3], /^Test : \d+ \/ 10000$/);
  assert.match(lines[4], /^Best : epoch [01] : \d+ \/ 10000 \(\d+\.\d\d%\)$/);
  assert.equal(lines.length, 5);
  assert.ok(!r.stdout.includes('\r'), 'no progress bar when stdout is not a terminal');
});

test('--json prints one JSON object per line with the documented fields', () => {
  const r = runCli(['train', ...quick, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(events.map((e) => e.event), ['epoch', 'epoch', 'test', 'best']);
  for (const [i, e] of events.slice(0, 2).entries()) {
    assert.deepEqual(Object.keys(e), ['event', 'epoch', 'correct', 'total', 'seconds', 'evalSeconds']);
    assert.equal(e.epoch, i);
    assert.equal(e.total, 10000);
    assert.ok(Number.isInteger(e.correct) && (e.correct as number) > 1000);
    assert.ok((e.seconds as number) > 0 && (e.evalSeconds as number) > 0);
  }
  assert.deepEqual(Object.keys(events[2]), ['event', 'correct', 'total']);
});

test('the same seed prints the same numbers; --quiet prints only the summary', () => {
  const a = runCli(['train', ...quick, '--seed', '9', '--quiet']);
  const b = runCli(['train', ...quick, '--seed', '9', '--quiet']);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, /^Test : \d+ \/ 10000\nBest : epoch \d : \d+ \/ 10000 \(.*\)\n$/);
});

test('--help tells the flags and their defaults', () => {
  const r = runCli(['train', '--help']);
  assert.equal(r.status, 0);
  for (const flag of ['--layers', '--epochs', '--batch-size', '--eta', '--seed', '--train-size', '--data', '--json', '--quiet',
    '--preset', '--activation', '--output', '--cost', '--init', '--l2', '--momentum', '--nesterov', '--schedule', '--early-stop',
    '--save', '--format', '--checkpoint', '--resume', '--kernels']) {
    assert.ok(r.stdout.includes(flag), flag);
  }
  // The defaults shown are the presets' real values.
  assert.match(r.stdout, /reference: 784,30,25,10;/);
  assert.match(r.stdout, /reference: 1\.3;/);
  assert.match(r.stdout, /reference: 50;/);
});

/** One line on stderr, starting "digitnet:", no stack trace, the given exit code. */
function assertCleanFailure(args: string[], code: number, pattern: RegExp): void {
  const r = runCli(args);
  assert.equal(r.status, code, `${args.join(' ')}: exit ${r.status}, stderr ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected: ${r.stderr}`);
  assert.match(lines[0], /^digitnet: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(r.stdout, '');
}

test('bad usage exits 2 with one clear line', () => {
  assertCleanFailure(['train', '--frobnicate'], 2, /unknown option '--frobnicate'/);
  assertCleanFailure(['train', '--epochs', '0'], 2, /--epochs.*'0' is invalid/);
  assertCleanFailure(['train', '--epochs', '-1'], 2, /--epochs.*'-1' is invalid/);
  assertCleanFailure(['train', '--epochs', 'abc'], 2, /--epochs.*'abc' is invalid/);
  assertCleanFailure(['train', '--eta', 'nan'], 2, /--eta.*'nan' is invalid/);
  assertCleanFailure(['train', '--eta', '-0.5'], 2, /--eta.*is invalid/);
  assertCleanFailure(['train', '--batch-size', '2.5'], 2, /--batch-size.*is invalid/);
  assertCleanFailure(['train', '--layers', '100,30,10'], 2, /first size must be 784/);
  assertCleanFailure(['train', '--layers', '784,30,9'], 2, /last size must be 10/);
  assertCleanFailure(['train', '--layers', '784,x,10'], 2, /'x' is not a layer size/);
  assertCleanFailure(['train', '--train-size', '60000'], 2, /--train-size must be an integer from 1 to 50000/);
  assertCleanFailure(['train', '--layers', '784,100000,100000,10'], 2, /has 10,079,600,010 weights and biases; DigitNet builds networks of at most 10,000,000/);
  assertCleanFailure(['train', '--layers', '784,1000000,1000000,10'], 2, /'1000000' is not a layer size/);
  assertCleanFailure(['train', '--batch-size', '1000000000'], 2, /batch size 1000000000 is too large for 849 neurons: a mini-batch holds at most 16,777,216 activations, a batch of 19,761 here$/);
  assertCleanFailure(['train', '--train-size', '100', '--batch-size', '500'], 2, /--batch-size 500 is larger than the training set \(100 examples\)$/);
  assertCleanFailure(['fly'], 2, /unknown command 'fly'/);
});

test('a diverging run stops with one line instead of training on NaN', () => {
  assertCleanFailure(
    ['train', '--preset', 'best', '--layers', '784,30,10', '--train-size', '500', '--epochs', '3', '--eta', '1000', '--quiet'],
    1,
    /training diverged in epoch \d+: the weights are no longer finite numbers; try a smaller learning rate \(now 1000\)/,
  );
});

test('bad data exits 1 naming the problem', () => {
  assertCleanFailure(['train', '--data', '/no/such/folder'], 1, /data folder not found: \/no\/such\/folder/);
  withTempDir((dir) => {
    const names = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
    for (const name of names) copyFileSync(join(defaultDataDir(), name), join(dir, name));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), 'not an idx file');
    assertCleanFailure(['train', '--data', dir, ...quick], 1, /t10k-labels-idx1-ubyte: wrong magic number/);
  });
});

test('a reader that goes away (digitnet train | head -1) ends the run quietly', async () => {
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('./helpers.js');
  const child = spawn(process.execPath, [CLI, 'train', '--train-size', '2000', '--epochs', '50']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
