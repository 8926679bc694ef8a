/**
 * What the real-handwriting bench runs: a plan of jobs (one picture each)
 * and how one job is done (render it, read it). Jobs are plain data, so a
 * worker thread can run them as well as the main thread; every picture is
 * seeded by its own identity, so the same job gives the same picture
 * whatever ran before it, on whichever thread.
 *
 * The default plan, sized so a full run takes a few minutes on 2 cores:
 *   held-out digits: every row under `even`, every 4th row under each other condition;
 *   dev digits: every 12th row under every condition;
 *   non-digits: 100 of each kind; numbers: 300, from the held-out rows
 *   (the dev rows with --split dev).
 * Non-digits and numbers cycle through the conditions. --limit N takes the
 * first N rows of each split under every condition, and at most N of each
 * non-digit kind and N numbers.
 */
import { NON_DIGIT_KINDS, type NonDigitKind, renderNonDigit } from './non-digits.js';
import { renderNumber } from './numbers.js';
import { gridOf, type Optdigits, type Split, splitRows } from './optdigits.js';
import type { Condition, Look } from './page.js';
import type { Reader, Reading } from './reader.js';
import { renderDigit, type Rendered } from './render.js';

export type Job =
  | { kind: 'digit'; row: number; split: Split; condition: Condition }
  | { kind: 'non-digit'; what: NonDigitKind; index: number; condition: Condition }
  | { kind: 'number'; index: number; split: Split; condition: Condition };

export interface Outcome {
  job: Job;
  /** The digits the picture shows ('' for a non-digit). */
  truth: string;
  reading: Reading;
  /** How it was drawn, for the breakdown by look: pen, pen width, paper, file format. */
  look: LookSummary;
}

export interface LookSummary {
  pen: Look['pen']['kind'];
  width: Look['pen']['width'];
  paper: Look['paper']['kind'];
  format: Look['encoding']['format'];
}

function summary(look: Look): LookSummary {
  return { pen: look.pen.kind, width: look.pen.width, paper: look.paper.kind, format: look.encoding.format };
}

export interface PlanOptions {
  splits: readonly Split[];
  conditions: readonly Condition[];
  limit?: number;
}

/** Rows of a split used under one condition, as in the header. */
const STRIDE: Record<Split, { even: number; other: number }> = { 'held-out': { even: 1, other: 4 }, dev: { even: 12, other: 12 } };
export const NON_DIGITS_PER_KIND = 100;
export const NUMBERS = 300;

export function plan(options: PlanOptions): Job[] {
  const { splits, conditions, limit } = options;
  const jobs: Job[] = [];
  for (const split of splits) {
    const rows = splitRows(split);
    for (const condition of conditions) {
      const stride = limit !== undefined ? 1 : condition === 'even' ? STRIDE[split].even : STRIDE[split].other;
      const chosen = limit !== undefined ? rows.slice(0, limit) : rows.filter((_, i) => i % stride === 0);
      for (const row of chosen) jobs.push({ kind: 'digit', row, split, condition });
    }
  }
  const cycle = (i: number) => conditions[i % conditions.length];
  for (const what of NON_DIGIT_KINDS) {
    for (let index = 0; index < Math.min(NON_DIGITS_PER_KIND, limit ?? Infinity); index++) jobs.push({ kind: 'non-digit', what, index, condition: cycle(index) });
  }
  const numberSplit = numbersSplit(splits);
  for (let index = 0; index < Math.min(NUMBERS, limit ?? Infinity); index++) jobs.push({ kind: 'number', index, split: numberSplit, condition: cycle(index) });
  return jobs;
}

/** Numbers come from the held-out rows unless only dev was asked for. */
export function numbersSplit(splits: readonly Split[]): Split {
  return splits.includes('held-out') ? 'held-out' : 'dev';
}

/** Render the job's picture and read it. */
export async function runJob(job: Job, data: Optdigits, seed: number, read: Reader): Promise<Outcome> {
  const { picture, truth } = render(job, data, seed);
  return { job, truth, reading: await read(picture.bytes, picture.name), look: summary(picture.look) };
}

function render(job: Job, data: Optdigits, seed: number): { picture: Rendered; truth: string } {
  switch (job.kind) {
    case 'digit':
      return { picture: renderDigit(gridOf(data, job.row), job.row, job.condition, seed), truth: String(data.labels[job.row]) };
    case 'non-digit':
      return { picture: renderNonDigit(job.what, job.index, job.condition, seed), truth: '' };
    case 'number': {
      const picture = renderNumber(data, splitRows(job.split), job.index, job.condition, seed);
      return { picture, truth: picture.label };
    }
  }
}
