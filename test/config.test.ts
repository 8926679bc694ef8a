/** Training configuration: presets, flags on top of them, and a clear error for every bad value. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configFrom, type TrainFlags } from '../src/cli/train-command.js';
import { UsageError } from '../src/errors.js';
import { Network, MAX_LAYERS } from '../src/nn/network.js';
import { checkConfig, configFromJson, MAX_BATCH_VALUES, preset } from '../src/train/config.js';
import { nextEta, parseSchedule } from '../src/train/schedule.js';

const flags = (f: Partial<TrainFlags>): TrainFlags => ({ preset: 'reference', format: 'json', ...f });

test('the reference preset is the reference run', () => {
  assert.deepEqual(configFrom(flags({})), {
    layers: [784, 30, 25, 10], hidden: ['sigmoid', 'sigmoid'], output: 'sigmoid', cost: 'quadratic', init: 'large',
    epochs: 50, batchSize: 10, eta: 1.3, l2: 0, momentum: 0, nesterov: false, schedule: { kind: 'none' }, earlyStop: null, augment: 0, seed: 1,
  });
});

test('the augmented preset is the best one on distorted digits, trained longer', () => {
  const { epochs, schedule, augment, ...rest } = configFrom(flags({ preset: 'augmented' }));
  const best = preset('best');
  assert.deepEqual({ epochs, schedule, augment }, { epochs: 60, schedule: { kind: 'step', every: 20, factor: 0.3 }, augment: 1 });
  assert.deepEqual({ ...best, ...rest }, best);
  assert.equal(best.augment, 0, 'the best preset is measured without augmentation');
  assert.equal(configFrom(flags({ preset: 'augmented', augment: 0 })).augment, 0);
});

test('flags override the preset; one hidden activation serves every hidden layer', () => {
  const c = configFrom(flags({ layers: [784, 100, 50, 10], activation: ['relu'], eta: 0.1 }));
  assert.deepEqual(c.hidden, ['relu', 'relu']);
  assert.equal(c.eta, 0.1);
  assert.equal(c.batchSize, 10);
  const b = configFrom(flags({ preset: 'best', epochs: 3 }));
  assert.equal(b.epochs, 3);
  assert.deepEqual({ ...b, epochs: preset('best').epochs }, preset('best'));
});

test('softmax and log-likelihood follow each other', () => {
  assert.equal(configFrom(flags({ output: 'softmax' })).cost, 'log-likelihood');
  assert.equal(configFrom(flags({ cost: 'log-likelihood' })).output, 'softmax');
  assert.equal(configFrom(flags({ preset: 'best', cost: 'cross-entropy' })).output, 'sigmoid');
  assert.equal(configFrom(flags({ preset: 'best', output: 'sigmoid' })).cost, 'cross-entropy');
});

function refuses(f: Partial<TrainFlags>, pattern: RegExp): void {
  assert.throws(() => configFrom(flags(f)), (e: unknown) => e instanceof UsageError && pattern.test(e.message));
}

test('refuses nonsense with a message naming it', () => {
  refuses({ layers: [784, 30, 25, 10], activation: ['relu', 'tanh', 'sigmoid'] }, /2 hidden activations needed/);
  refuses({ output: 'tanh', cost: 'cross-entropy' }, /cross-entropy cost needs a sigmoid output layer, not tanh/);
  refuses({ output: 'sigmoid', cost: 'log-likelihood' }, /log-likelihood cost needs a softmax output layer/);
  refuses({ nesterov: true }, /Nesterov momentum needs a momentum > 0/);
  refuses({ momentum: 1 }, /momentum must be in \[0, 1\)/);
  refuses({ augment: 2.5 }, /augmentation strength must be a number from 0 to 2, got 2.5/);
  assert.throws(() => checkConfig({ ...preset('reference'), l2: -1 }), /L2 strength must be a number ≥ 0/);
  assert.throws(() => checkConfig({ ...preset('reference'), hidden: ['softmax', 'sigmoid'] }), /softmax is only allowed on the output layer/);
  assert.throws(() => checkConfig({ ...preset('reference'), hidden: ['swish' as 'relu', 'sigmoid'] }), /unknown activation 'swish'/);
  assert.throws(() => checkConfig({ ...preset('reference'), earlyStop: 0 }), /early stopping patience must be a positive integer/);
});

test('schedules parse strictly and change η as documented', () => {
  assert.deepEqual(parseSchedule('step:10:0.5'), { kind: 'step', every: 10, factor: 0.5 });
  assert.deepEqual(parseSchedule('plateau:3'), { kind: 'plateau', patience: 3, factor: 0.5 });
  for (const bad of ['step', 'step:0', 'step:2:1.5', 'plateau:x', 'cosine:3', 'none:1', 'step:2:0.5:9']) {
    assert.throws(() => parseSchedule(bad), UsageError, bad);
  }
  const step = parseSchedule('step:2:0.5');
  let s = { eta: 1, sinceImprovement: 0 };
  const etas = [];
  for (let epoch = 0; epoch < 6; epoch++) {
    s = nextEta(step, s, epoch, true);
    etas.push(s.eta);
  }
  assert.deepEqual(etas, [1, 0.5, 0.5, 0.25, 0.25, 0.125]);
  const plateau = parseSchedule('plateau:2:0.1');
  s = { eta: 1, sinceImprovement: 0 };
  const improved = [true, false, false, true, false, false, false, false];
  const seen = improved.map((imp, epoch) => (s = nextEta(plateau, s, epoch, imp)).eta);
  assert.deepEqual(seen.map((v) => +v.toPrecision(6)), [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.001]);
});

test('one set of network limits for flags, configurations and networks', () => {
  const huge = [784, 100000, 100000, 10];
  const message = /\[784, 100000, 100000, 10\] has 10,079,600,010 weights and biases; DigitNet builds networks of at most 10,000,000/;
  refuses({ layers: huge }, message);
  assert.throws(() => new Network({ sizes: huge, activations: ['sigmoid', 'sigmoid', 'sigmoid'], cost: 'quadratic' }), message);
  refuses({ layers: [784, 100001, 10] }, /layer sizes must be integers from 1 to 100,000, got 100001/);
  refuses({ layers: [784, ...new Array<number>(MAX_LAYERS).fill(2), 10], activation: ['relu'] }, /a network has at most 1000 layers, got 1002/);
  refuses({ batchSize: MAX_BATCH_VALUES }, /batch size 16777216 is too large for 849 neurons/);
  assert.equal(configFrom(flags({ batchSize: Math.floor(MAX_BATCH_VALUES / 849) })).batchSize, 19761);
});

test('a configuration read from a file is checked field by field first', () => {
  const good = JSON.parse(JSON.stringify(preset('best'))) as Record<string, unknown>;
  assert.deepEqual(configFromJson(good), preset('best'));
  const { augment: _, ...older } = good;
  assert.equal(configFromJson(older).augment, 0, 'checkpoints from before augmentation');
  const refusesJson = (change: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => configFromJson({ ...good, ...change }), (e: unknown) => e instanceof UsageError && pattern.test(e.message));
  refusesJson({ layers: '784,30,10' }, /^layers must be a list of layer sizes, got "784,30,10"$/);
  refusesJson({ layers: [784, [30], 10] }, /^layers must be a list of layer sizes, got \[784, \[…\], 10\]$/);
  refusesJson({ hidden: 5 }, /^hidden must be a list of activation names, got 5$/);
  refusesJson({ output: null }, /^output must be a name, got null$/);
  refusesJson({ eta: '0.1' }, /^eta must be a number, got "0.1"$/);
  refusesJson({ nesterov: 1 }, /^nesterov must be true or false, got 1$/);
  refusesJson({ earlyStop: 'never' }, /^earlyStop must be a number or null/);
  refusesJson({ schedule: { kind: 'step' } }, /^schedule must be a schedule/);
  refusesJson({ pens: [] }, /^pens must be a number, got \[\]$/);
  refusesJson({ momentum: 2 }, /momentum must be in \[0, 1\)/);
});
