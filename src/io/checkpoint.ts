/**
 * Checkpoints: everything a stopped run needs to continue exactly as if it
 * had never stopped — the configuration, the data it trained on, the kernels,
 * and the trainer's state (parameters and velocities in float64, the RNG, the
 * epoch's shuffle and position, the schedule, the history, the best so far).
 * Written atomically after every epoch and on SIGINT.
 */
import { DigitNetError } from '../errors.js';
import type { KernelsName } from '../kernels/types.js';
import { Network } from '../nn/network.js';
import { checkConfig, specOf, type TrainConfig } from '../train/config.js';
import type { TrainState } from '../train/trainer.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from './atomic.js';
import { readTextFile } from './read-text.js';
import { decodeNumbers, encodeNumbers, isObject } from './encoding.js';

export const CHECKPOINT_FORMAT = 'digitnet-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  config: TrainConfig;
  /** The data trained on: a --data folder (null for the default MNIST) and --train-size. */
  data: { dir: string | null; trainSize: number | null };
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
      params: encodeNumbers(s.params, 'float64'),
      velocity: s.velocity && encodeNumbers(s.velocity, 'float64'),
      bestParams: s.bestParams && encodeNumbers(s.bestParams, 'float64'),
    },
  });
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
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail('not a checkpoint: the JSON is truncated or invalid');
  }
  if (!isObject(json) || json.format !== CHECKPOINT_FORMAT) fail(`not a checkpoint (no "format": "${CHECKPOINT_FORMAT}")`);
  if (!Number.isInteger(json.version) || (json.version as number) < 1) fail(`bad checkpoint version ${JSON.stringify(json.version)}`);
  if ((json.version as number) > CHECKPOINT_VERSION) {
    fail(`written by a newer DigitNet (checkpoint version ${json.version}; this DigitNet ${VERSION} reads version ${CHECKPOINT_VERSION})`);
  }
  if (!isObject(json.config)) fail('no "config"');
  const config = json.config as unknown as TrainConfig;
  config.augment ??= 0; // checkpoints from before augmentation existed
  try {
    checkConfig(config);
  } catch (e) {
    fail(`its configuration is invalid: ${(e as Error).message}`);
  }
  const data = json.data as Checkpoint['data'];
  if (!isObject(data) || !(data.dir === null || typeof data.dir === 'string') || !(data.trainSize === null || Number.isInteger(data.trainSize))) {
    fail('bad "data"');
  }
  if (json.kernels !== 'reference' && json.kernels !== 'wasm') fail(`unknown kernels ${JSON.stringify(json.kernels)}`);
  const st = json.state;
  if (!isObject(st)) return fail('no "state"');
  const paramCount = new Network(specOf(config)).params.length;
  const floats = (key: string, optional: boolean): Float64Array | null => {
    if (optional && st[key] === null) return null;
    const d = decodeNumbers(st[key], 'float64', paramCount);
    return 'error' in d ? fail(`state.${key}: ${d.error}`) : Float64Array.from(d.values);
  };
  const epoch = st.epoch as number;
  const position = st.position as number;
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > config.epochs) fail(`bad state.epoch ${JSON.stringify(epoch)}`);
  if (!Number.isInteger(position) || position < 0) fail(`bad state.position ${JSON.stringify(position)}`);
  let order: Uint32Array | null = null;
  if (position > 0) {
    const d = decodeNumbers(st.order, 'uint32');
    if ('error' in d) fail(`state.order: ${d.error}`);
    order = Uint32Array.from((d as { values: number[] }).values);
    if (order.length < position) fail('state.order is shorter than state.position');
  }
  const rng = st.rng as TrainState['rng'];
  if (!isObject(rng) || !Array.isArray(rng.s) || rng.s.length !== 4) fail('bad state.rng');
  const schedule = st.schedule as TrainState['schedule'];
  if (!isObject(schedule) || !(Number.isFinite(schedule.eta) && schedule.eta > 0) || !Number.isInteger(schedule.sinceImprovement)) {
    fail('bad state.schedule');
  }
  if (!Array.isArray(st.history)) fail('bad state.history');
  return {
    config,
    data,
    kernels: json.kernels as KernelsName,
    state: {
      epoch,
      position,
      order,
      elapsed: Number(st.elapsed) || 0,
      rng,
      params: floats('params', false)!,
      velocity: floats('velocity', true),
      schedule,
      history: st.history as TrainState['history'],
      best: (st.best as TrainState['best']) ?? null,
      bestParams: floats('bestParams', true),
    },
  };
}

