/**
 * Strict parsers for flag values. `Number('')` is 0 and `parseInt('3abc')`
 * is 3; a typo must not silently become a number, so each value must match
 * its whole pattern.
 */
import { InvalidArgumentError } from 'commander';
import { MAX_LAYER_SIZE } from '../nn/network.js';

export function positiveInt(value: string): number {
  const n = /^\+?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = /^\+?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be an integer ≥ 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = finite(value);
  if (n <= 0) throw new InvalidArgumentError('must be a number > 0.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = finite(value);
  if (n < 0) throw new InvalidArgumentError('must be a number ≥ 0.');
  return n;
}

/** "784,30,25,10" → [784, 30, 25, 10]. */
export function layerList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length < 2) throw new InvalidArgumentError('must list at least two sizes, e.g. 784,30,10.');
  return parts.map((p) => {
    const n = /^\d+$/.test(p) ? Number(p) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LAYER_SIZE) {
      throw new InvalidArgumentError(`'${p}' is not a layer size (a positive integer up to ${MAX_LAYER_SIZE}).`);
    }
    return n;
  });
}

export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`must be one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

function finite(value: string): number {
  const s = value.trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(n)) throw new InvalidArgumentError('must be a finite number.');
  return n;
}

/** Most threads a flag may ask for: more than any machine DigitNet meets, fewer than would exhaust memory. */
export const MAX_THREADS = 64;

/** "auto" or a thread count from 1 to MAX_THREADS. */
export function threadCount(value: string): number | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  const n = /^\+?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_THREADS) throw new InvalidArgumentError(`must be auto or a whole number of threads from 1 to ${MAX_THREADS}.`);
  return n;
}
