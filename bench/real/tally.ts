/**
 * The bench's outcomes counted into figures (plain JSON-able data): digits
 * per split and condition, per true digit, a confusion matrix; non-digits
 * per kind; numbers. A single digit counts as right only when the reader
 * found exactly one digit and it is the label. A non-digit counts as
 * rejected when it was refused or not answered as digits ("not a digit", or
 * a number whose digits are unclear).
 * Inside numbers, digits are compared position by position, left to right
 * (a missing or extra digit shifts nothing: it is simply absent or unmatched).
 * A number is split right when the split into digits found as many as it
 * has, whether or not each was then read with confidence.
 */
import type { LookSummary, Outcome } from './jobs.js';
import { NON_DIGIT_KINDS, type NonDigitKind } from './non-digits.js';
import type { Split } from './optdigits.js';
import type { Condition } from './page.js';
import type { Reading } from './reader.js';

export interface DigitCell {
  total: number;
  correct: number;
  refused: number;
  /** Answered "not a digit". */
  notDigit: number;
  /** Found no digit or more than one, without refusing. */
  wrongCount: number;
}

export interface NonDigitCell {
  total: number;
  rejected: number;
  refused: number;
  /** How often each digit 0..9 was answered (first digit found). */
  answers: number[];
}

export interface NumberFigures {
  split: Split;
  total: number;
  countRight: number;
  allRight: number;
  digits: number;
  digitsRight: number;
  /** Split right, yet not answered as digits: a digit too unsure to read ("unclear digits", or "not a digit" as a whole). */
  splitButUnsure: number;
  /** Per number length 2..6. */
  byLength: Record<string, { total: number; countRight: number; allRight: number }>;
}

export interface Figures {
  digits: Partial<Record<Split, Partial<Record<Condition, DigitCell>>>>;
  perDigit: Partial<Record<Split, DigitCell[]>>;
  /** confusion[true][answer]: columns 0..9, then 10 = refused, not a digit or wrong count. */
  confusion: number[][];
  confusionSplit: Split;
  /** The confusion split's digits by how they were drawn: keys "pen marker", "width thin", "paper grey", "format jpeg"... */
  byLook: Record<string, DigitCell>;
  nonDigits: Partial<Record<NonDigitKind, NonDigitCell>>;
  numbers: NumberFigures;
}

export const emptyCell = (): DigitCell => ({ total: 0, correct: 0, refused: 0, notDigit: 0, wrongCount: 0 });

export function tally(outcomes: Outcome[], confusionSplit: Split, numbersSplit: Split): Figures {
  const figures: Figures = {
    digits: {},
    perDigit: {},
    confusion: Array.from({ length: 10 }, () => new Array<number>(11).fill(0)),
    confusionSplit,
    byLook: {},
    nonDigits: {},
    numbers: { split: numbersSplit, total: 0, countRight: 0, allRight: 0, digits: 0, digitsRight: 0, splitButUnsure: 0, byLength: {} },
  };
  for (const { job, truth, reading, look } of outcomes) {
    if (job.kind === 'digit') countDigit(figures, job.split, job.condition, Number(truth), reading, look);
    else if (job.kind === 'non-digit') countNonDigit(figures, job.what, reading);
    else countNumber(figures.numbers, truth, reading);
  }
  // Kinds in their usual order, for the report.
  figures.nonDigits = Object.fromEntries(NON_DIGIT_KINDS.filter((k) => figures.nonDigits[k]).map((k) => [k, figures.nonDigits[k]]));
  return figures;
}

function addTo(cell: DigitCell, label: number, reading: Reading): number {
  cell.total++;
  const only = reading.digits.length === 1 ? reading.digits[0] : undefined;
  if (reading.refused !== undefined) cell.refused++;
  else if (only === null) cell.notDigit++;
  else if (only === undefined) cell.wrongCount++;
  else if (only === label) cell.correct++;
  return reading.refused === undefined && typeof only === 'number' ? only : 10;
}

function countDigit(figures: Figures, split: Split, condition: Condition, label: number, reading: Reading, look: LookSummary): void {
  const bySplit = (figures.digits[split] ??= {});
  addTo((bySplit[condition] ??= emptyCell()), label, reading);
  const answer = addTo(((figures.perDigit[split] ??= Array.from({ length: 10 }, emptyCell))[label]), label, reading);
  if (split !== figures.confusionSplit) return;
  figures.confusion[label][answer]++;
  for (const [aspect, value] of Object.entries(look)) addTo((figures.byLook[`${aspect} ${value}`] ??= emptyCell()), label, reading);
}

function countNonDigit(figures: Figures, kind: NonDigitKind, reading: Reading): void {
  const cell = (figures.nonDigits[kind] ??= { total: 0, rejected: 0, refused: 0, answers: new Array<number>(10).fill(0) });
  cell.total++;
  if (reading.refused !== undefined) cell.refused++;
  const first = reading.digits.find((d): d is number => d !== null);
  if (reading.refused !== undefined || !reading.answered || first === undefined) cell.rejected++;
  else cell.answers[first]++;
}

function countNumber(numbers: NumberFigures, truth: string, reading: Reading): void {
  const read = reading.refused === undefined ? reading.digits : [];
  const countRight = reading.split === truth.length;
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (read[i] === Number(truth[i])) right++;
  const byLength = (numbers.byLength[String(truth.length)] ??= { total: 0, countRight: 0, allRight: 0 });
  for (const cell of [numbers, byLength]) {
    cell.total++;
    cell.countRight += Number(countRight);
    cell.allRight += Number(read.length === truth.length && right === truth.length);
  }
  numbers.digits += truth.length;
  numbers.digitsRight += right;
  if (countRight && !reading.answered) numbers.splitButUnsure++;
}
