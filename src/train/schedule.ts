/**
 * Learning-rate schedules. `step` multiplies η by `factor` every `every`
 * epochs; `plateau` multiplies it when the validation score has not improved
 * for `patience` epochs (Nielsen's network2 halves η this way).
 */
import { UsageError } from '../errors.js';

export type Schedule =
  | { kind: 'none' }
  | { kind: 'step'; every: number; factor: number }
  | { kind: 'plateau'; patience: number; factor: number };

/** "none", "step:10:0.5", "plateau:3:0.5" → a Schedule. */
export function parseSchedule(text: string): Schedule {
  const [kind, a, b, ...rest] = text.split(':');
  const int = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : NaN);
  const num = (s: string | undefined) => (s !== undefined && s.trim() !== '' ? Number(s) : NaN);
  let schedule: Schedule | null = null;
  if (kind === 'none' && a === undefined) schedule = { kind: 'none' };
  else if (kind === 'step' && rest.length === 0) schedule = { kind: 'step', every: int(a), factor: b === undefined ? 0.5 : num(b) };
  else if (kind === 'plateau' && rest.length === 0) schedule = { kind: 'plateau', patience: int(a), factor: b === undefined ? 0.5 : num(b) };
  if (!schedule) throw new UsageError(`schedule '${text}' is not none, step:EPOCHS[:FACTOR] or plateau:EPOCHS[:FACTOR]`);
  checkSchedule(schedule);
  return schedule;
}

export function formatSchedule(s: Schedule): string {
  return s.kind === 'none' ? 'none' : s.kind === 'step' ? `step:${s.every}:${s.factor}` : `plateau:${s.patience}:${s.factor}`;
}

export function checkSchedule(s: Schedule): void {
  if (s.kind === 'none') return;
  const n = s.kind === 'step' ? s.every : s.patience;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`schedule ${s.kind}: the epoch count must be a positive integer, got ${n}`);
  if (!Number.isFinite(s.factor) || s.factor <= 0 || s.factor >= 1) {
    throw new UsageError(`schedule ${s.kind}: the factor must be between 0 and 1, got ${s.factor}`);
  }
}

/** What a schedule remembers between epochs (saved in checkpoints). */
export interface ScheduleState {
  eta: number;
  /** Epochs since the validation score last improved. */
  sinceImprovement: number;
}

/** η for the next epoch, after epoch `epoch` (from 0) ended with `improved`. */
export function nextEta(s: Schedule, state: ScheduleState, epoch: number, improved: boolean): ScheduleState {
  const sinceImprovement = improved ? 0 : state.sinceImprovement + 1;
  let eta = state.eta;
  if (s.kind === 'step' && (epoch + 1) % s.every === 0) eta *= s.factor;
  if (s.kind === 'plateau' && sinceImprovement > 0 && sinceImprovement % s.patience === 0) eta *= s.factor;
  return { eta, sinceImprovement };
}
