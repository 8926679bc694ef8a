/**
 * Checkpoints and resuming: a run stopped anywhere (between mini-batches by
 * SIGINT, or killed outright after an epoch) and resumed ends with exactly the
 * weights of a run that was never stopped. Early stopping keeps the best.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMnist } from '../src/data/mnist.js';
import { parseCheckpoint, serializeCheckpoint } from '../src/io/checkpoint.js';
import { loadKernels } from '../src/kernels/index.js';
import { referenceKernels } from '../src/kernels/reference.js';
import type { Kernels } from '../src/kernels/types.js';
import { Network } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { preset, specOf, type TrainConfig } from '../src/train/config.js';
import { train, type TrainState } from '../src/train/trainer.js';
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

async function run(options: { stopAt?: { epoch: number; done: number }; resume?: TrainState; earlyStop?: number; kernels?: Kernels } = {}) {
  const rng = new Random(config.seed);
  const net = Network.create(specOf(config), rng, config.init);
  const abort = new AbortController();
  const checkpoints: TrainState[] = [];
  const result = await train(net, data, {
    ...config,
    earlyStop: options.earlyStop ?? null,
    kernels: options.kernels ?? referenceKernels,
    rng,
    signal: abort.signal,
    resume: options.resume,
    onEvent: (e) => {
      if (e.type === 'checkpoint') checkpoints.push(e.state);
      if (e.type === 'progress' && options.stopAt && e.epoch === options.stopAt.epoch && e.done === options.stopAt.done) abort.abort();
    },
  });
  return { net, result, checkpoints, checkpoint: checkpoints[checkpoints.length - 1] };
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
    assert.match(clash.stderr, /^digitnet: --eta cannot be combined with --resume/);
    const missing = runCli(['train', '--resume', join(dir, 'nope.json')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^digitnet: checkpoint not found/);
    const extended = runCli(['train', '--resume', ck, '--epochs', '2', '--json']);
    assert.equal(extended.status, 0, extended.stderr);
    assert.deepEqual(extended.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event), ['epoch', 'test', 'best']);
  });
});

function layersOf(path: string): unknown {
  return (JSON.parse(readFileSync(path, 'utf8')) as { layers: unknown }).layers;
}
