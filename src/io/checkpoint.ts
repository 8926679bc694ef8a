/**
 * Checkpoints: everything a stopped run needs to continue exactly as if it
 * had never stopped — the configuration, the data it trained on, the kernels,
 * and the trainer's state (parameters and velocities in float64, the RNG, the
 * epoch's shuffle and position, the schedule, the history, the best so far).
 * Written atomically after every epoch and on SIGINT. A checksum covers the
 * parameters and velocities, and the data is recorded by absolute folder and
 * fingerprint, so a resume never goes on from damaged numbers or other data.
 */
import type { DataFingerprint } from '../data/dataset.js';
import { DigitNetError, shown } from '../errors.js';
import type { KernelsName } from '../kernels/types.js';
import { parameterCount } from '../nn/network.js';
import type { RandomState } from '../random.js';
import { configFromJson, type TrainConfig } from '../train/config.js';
import type { BestEpoch, EpochEvent, TrainState } from '../train/trainer.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from './atomic.js';
import { checksumProblem, crc32OfNumbers, decodeNumbers, encodeNumbers, formatChecksum, isObject } from './encoding.js';
import { readTextFile } from './read-text.js';

export const CHECKPOINT_FORMAT = 'digitnet-checkpoint';
/** Not bumped for the checksum and the fingerprint: older DigitNets ignore them, and files without them still load. */
export const CHECKPOINT_VERSION = 1;

type Fail = (why: string) => never;

export interface Checkpoint {
  config: TrainConfig;
  /**
   * The data trained on: the --data folder, absolute (null for the default
   * MNIST; older checkpoints may hold a relative one), --train-size, and the
   * data's fingerprint (absent in older checkpoints).
   */
  data: { dir: string | null; trainSize: number | null; fingerprint?: DataFingerprint };
  kernels: KernelsName;
  state: TrainState;
}

export function serializeCheckpoint(c: Checkpoint): string {
  const s = c.state;
  return JSON.stringify({
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    digitnet: VERSION,
    savedAt: new Date().toISOString(),
    config: c.config,
    data: c.data,
    kernels: c.kernels,
    state: {
      epoch: s.epoch,
      position: s.position,
      elapsed: s.elapsed,
      rng: s.rng,
      schedule: s.schedule,
      history: s.history,
      best: s.best,
      order: s.order && encodeNumbers(s.order, 'uint32'),
      checksum: formatChecksum(stateChecksum(s.params, s.velocity, s.bestParams)),
      params: encodeNumbers(s.params, 'float64'),
      velocity: s.velocity && encodeNumbers(s.velocity, 'float64'),
      bestParams: s.bestParams && encodeNumbers(s.bestParams, 'float64'),
    },
  });
}

/** One CRC-32 over the parameters, the velocities and the best parameters, those present, in that order. */
function stateChecksum(...arrays: (Float64Array | null)[]): number {
  return arrays.reduce((crc, a) => (a ? crc32OfNumbers(a, crc) : crc), 0);
}

export function saveCheckpoint(path: string, c: Checkpoint): void {
  writeFileAtomic(path, serializeCheckpoint(c) + '\n');
}

export function loadCheckpoint(path: string): Checkpoint {
  const text = readTextFile(path, 'checkpoint');
  return parseCheckpoint(text, path);
}

export function parseCheckpoint(text: string, name = 'checkpoint'): Checkpoint {
  const fail = (why: string): never => {
    throw new DigitNetError(`${name}: ${why}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('not a checkpoint: the JSON is truncated or invalid');
  }
  if (!isObject(json) || json.format !== CHECKPOINT_FORMAT) return fail(`not a checkpoint (no "format": "${CHECKPOINT_FORMAT}")`);
  if (!Number.isInteger(json.version) || (json.version as number) < 1) fail(`bad checkpoint version ${shown(json.version)}`);
  if ((json.version as number) > CHECKPOINT_VERSION) {
    fail(`written by a newer DigitNet (checkpoint version ${json.version}; this DigitNet ${VERSION} reads version ${CHECKPOINT_VERSION})`);
  }
  if (!isObject(json.config)) fail('no "config"');
  let config: TrainConfig;
  try {
    config = configFromJson(json.config as Record<string, unknown>);
  } catch (e) {
    return fail(`its configuration is invalid: ${(e as Error).message}`);
  }
  if (json.kernels !== 'reference' && json.kernels !== 'wasm') fail(`unknown kernels ${shown(json.kernels)}`);
  if (!isObject(json.state)) fail('no "state"');
  const state = parseState(json.state as Record<string, unknown>, config, fail);
  return { config, data: parseData(json.data, fail), kernels: json.kernels as KernelsName, state };
}

function parseData(data: unknown, fail: Fail): Checkpoint['data'] {
  if (!isObject(data)) return fail('bad "data"');
  if (data.dir !== null && typeof data.dir !== 'string') fail(`bad data.dir ${shown(data.dir)}`);
  const trainSize = data.trainSize;
  if (trainSize !== null && !(Number.isSafeInteger(trainSize) && (trainSize as number) >= 1)) fail(`bad data.trainSize ${shown(trainSize)}`);
  const f = data.fingerprint;
  if (f === undefined) return { dir: data.dir as string | null, trainSize: trainSize as number | null };
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!isObject(f) || !count(f.train) || !count(f.validation) || !count(f.test) || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) {
    return fail('bad data.fingerprint (expected train, validation and test counts and a sha256)');
  }
  const fingerprint: DataFingerprint = { train: f.train as number, validation: f.validation as number, test: f.test as number, sha256: f.sha256 };
  return { dir: data.dir as string | null, trainSize: trainSize as number | null, fingerprint };
}

function parseState(st: Record<string, unknown>, config: TrainConfig, fail: Fail): TrainState {
  const paramCount = parameterCount(config.layers);
  const floats = (key: string, optional: boolean): Float64Array | null => {
    if (optional && (st[key] === null || st[key] === undefined)) return null;
    const d = decodeNumbers(st[key], 'float64', paramCount);
    return 'error' in d ? fail(`state.${key}: ${d.error}`) : Float64Array.from(d.values);
  };
  const epoch = st.epoch;
  const position = st.position;
  if (!Number.isInteger(epoch) || (epoch as number) < 0 || (epoch as number) > config.epochs) fail(`bad state.epoch ${shown(epoch)}`);
  if (!Number.isInteger(position) || (position as number) < 0) fail(`bad state.position ${shown(position)}`);
  const history = parseHistory(st.history, epoch as number, config, fail);
  const params = floats('params', false)!;
  const velocity = floats('velocity', true);
  const bestParams = floats('bestParams', true);
  const damaged = checksumProblem(st.checksum, stateChecksum(params, velocity, bestParams));
  if (damaged) fail(damaged);
  return {
    epoch: epoch as number,
    position: position as number,
    order: (position as number) > 0 ? parseOrder(st.order, position as number, fail) : null,
    elapsed: typeof st.elapsed === 'number' && Number.isFinite(st.elapsed) ? st.elapsed : 0,
    rng: parseRng(st.rng, fail),
    params,
    velocity,
    schedule: parseSchedule(st.schedule, fail),
    history,
    best: parseBest(st.best, history, fail),
    bestParams,
  };
}

/**
 * The epochs done, one entry each, numbered from 0: as many as state.epoch,
 * or fewer when early stopping ended the run (state.epoch is then the last).
 */
function parseHistory(value: unknown, epoch: number, config: TrainConfig, fail: Fail): EpochEvent[] {
  if (!Array.isArray(value)) return fail('bad state.history');
  const stoppedEarly = config.earlyStop !== null && epoch === config.epochs && value.length >= 1 && value.length < epoch;
  if (value.length !== epoch && !stoppedEarly) fail(`state.history holds ${value.length} epochs but state.epoch is ${epoch}`);
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  value.forEach((e: unknown, i) => {
    const ok = isObject(e) && e.epoch === i && isScore(e) && ['seconds', 'evalSeconds', 'validationCost', 'eta'].every((k) => finite(e[k]));
    if (!ok || (e.trainCost !== undefined && !finite(e.trainCost))) fail(`bad state.history entry ${i}`);
  });
  return value as EpochEvent[];
}

/** The best epoch: null before the first, else one of the history's, with its score. */
function parseBest(value: unknown, history: EpochEvent[], fail: Fail): BestEpoch | null {
  if (history.length === 0) {
    if (value !== null && value !== undefined) fail('state.best is set but no epoch has run');
    return null;
  }
  const entry = isObject(value) && Number.isInteger(value.epoch) ? history[value.epoch as number] : undefined;
  if (!entry || !isObject(value) || value.correct !== entry.correct || value.total !== entry.total) {
    fail(`bad state.best: expected the epoch, correct and total of one of the ${history.length} epochs in state.history`);
  }
  const best = value as unknown as BestEpoch;
  return { epoch: best.epoch, correct: best.correct, total: best.total };
}

function isScore(v: Record<string, unknown>): boolean {
  const { correct, total } = v;
  return Number.isInteger(correct) && Number.isInteger(total) && (correct as number) >= 0 && (correct as number) <= (total as number) && (total as number) >= 1;
}

/** The epoch's shuffle: each of 0 … N−1 once (N is checked against the training set when resuming). */
function parseOrder(value: unknown, position: number, fail: Fail): Uint32Array {
  const d = decodeNumbers(value, 'uint32');
  if ('error' in d) return fail(`state.order: ${d.error}`);
  const order = Uint32Array.from(d.values);
  if (order.length < position) fail(`state.order holds ${order.length} examples, fewer than state.position ${position}`);
  const seen = new Uint8Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const k = order[i];
    if (k >= order.length) fail(`state.order: example ${k} is out of range (the order holds ${order.length})`);
    if (seen[k]) fail(`state.order: example ${k} appears twice`);
    seen[k] = 1;
  }
  return order;
}

/** xoshiro128**'s state: four unsigned 32-bit words, not all 0, and the spare normal (a number or null). */
function parseRng(value: unknown, fail: Fail): RandomState {
  const s = isObject(value) ? value.s : undefined;
  const words = Array.isArray(s) && s.length === 4 && s.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff) && s.some((v) => v !== 0);
  const spare = isObject(value) ? value.spare : undefined;
  if (!words || !(spare === null || (typeof spare === 'number' && Number.isFinite(spare)))) {
    fail('bad state.rng (expected four unsigned 32-bit integers, not all 0, and a spare number or null)');
  }
  return { s: [...(s as number[])], spare: spare as number | null };
}

function parseSchedule(value: unknown, fail: Fail): TrainState['schedule'] {
  if (!isObject(value) || !(typeof value.eta === 'number' && Number.isFinite(value.eta) && value.eta > 0) || !(Number.isInteger(value.sinceImprovement) && (value.sinceImprovement as number) >= 0)) {
    fail('bad state.schedule');
  }
  const schedule = value as Record<string, number>;
  return { eta: schedule.eta, sinceImprovement: schedule.sinceImprovement };
}
