/**
 * Classes from labels. A data set's classes are the range of labels in its
 * training file, lowest to highest: MNIST, Fashion-MNIST and KMNIST label
 * 0–9 (10 classes); EMNIST letters labels 1–26, which becomes 26 classes, not
 * 27 with an empty class 0. The network's output k is label `first + k`; the
 * model file records `first` and the count (`training.labels`), so predict
 * can print the labels the data used. Pure: the browser may use it too.
 */
import { DigitNetError } from '../errors.js';
import type { TrainingRecord } from '../io/training-record.js';
import { MNIST_INPUTS } from './image.js';

/** The classes a data set has: labels first … first + count − 1 map to outputs 0 … count − 1. */
export interface ClassLabels {
  first: number;
  count: number;
}

/** MNIST's ten digits, as labelled there. */
export const DIGIT_LABELS: ClassLabels = { first: 0, count: 10 };

/** Labels are stored as bytes, as in IDX. */
export const MAX_LABEL = 255;

/** The range of `labels` (raw, as written in the file); `name` starts the error for an empty file. */
export function classRange(labels: Uint8Array, name: string): ClassLabels {
  if (labels.length === 0) throw new DigitNetError(`${name}: no labelled examples`);
  let low = MAX_LABEL;
  let high = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < low) low = labels[i];
    if (labels[i] > high) high = labels[i];
  }
  return { first: low, count: high - low + 1 };
}

/** "labels 1–26", or "label 3" for a single class. */
export function describeLabels(c: ClassLabels): string {
  return c.count === 1 ? `label ${c.first}` : `labels ${c.first}–${c.first + c.count - 1}`;
}

/** Whether the classes are MNIST's ten digits (what --non-digits and --styles assume). */
export function isDigitLabels(c: ClassLabels): boolean {
  return c.first === DIGIT_LABELS.first && c.count === DIGIT_LABELS.count;
}

/**
 * Shift raw labels in place so `classes.first` becomes class 0. The index
 * of the first label outside the classes, or −1 when all fit; the caller
 * names it in its own words (a file line, an IDX index).
 */
export function toClasses(labels: Uint8Array, classes: ClassLabels): number {
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i] - classes.first;
    if (k < 0 || k >= classes.count) return i;
  }
  if (classes.first !== 0) for (let i = 0; i < labels.length; i++) labels[i] -= classes.first;
  return -1;
}

/**
 * The classes a model file's outputs stand for, from `training.labels` as
 * train writes it. Files without it (older ones, network2's) answer labels
 * 0… : all outputs, or the first ten for a digit network with an 11th
 * "not a digit" output (the people preset's; `nonDigits` in its training).
 */
export function modelClassLabels(training: TrainingRecord | undefined, inputs: number, outputs: number): ClassLabels {
  const recorded = training?.labels;
  if (isClassLabels(recorded) && recorded.count <= outputs) return { first: recorded.first, count: recorded.count };
  const nonDigits = typeof training?.nonDigits === 'number' && training.nonDigits > 0;
  const digitsAndNotADigit = outputs === 11 && inputs === MNIST_INPUTS && (nonDigits || training === undefined);
  return { first: 0, count: digitsAndNotADigit ? 10 : outputs };
}

function isClassLabels(v: unknown): v is ClassLabels {
  if (typeof v !== 'object' || v === null) return false;
  const { first, count } = v as Record<string, unknown>;
  return Number.isInteger(first) && Number.isInteger(count) && (first as number) >= 0 && (count as number) >= 1 &&
    (first as number) + (count as number) - 1 <= MAX_LABEL;
}
