/**
 * Errors a user can cause and fix: bad flags, bad files, bad model shapes.
 * The CLI prints their message as one line and exits with `exitCode`; anything
 * else is a bug in DigitNet.
 */
export class DigitNetError extends Error {
  constructor(
    message: string,
    /** 2 for bad usage (flags, options), 1 for bad data or files, 130 for an interrupted run. */
    readonly exitCode: 1 | 2 | 130 = 1,
  ) {
    super(message);
    this.name = 'DigitNetError';
  }
}

/** A bad option value: exit code 2, as for any usage error. */
export class UsageError extends DigitNetError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** Any thrown value's message on one line (library errors can span several), for a one-line report. */
export function oneLineMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/\s+/g, ' ').trim();
}

/**
 * A value from a file or a flag as an error message shows it: short, and safe
 * whatever its size or depth (JSON.stringify and String() recurse, so a
 * 100,000-deep array would overflow the stack). Nested values show as […] and {…}.
 */
export function shown(value: unknown, max = 60): string {
  const scalar = (v: unknown): string => {
    if (typeof v === 'string') return JSON.stringify(v.length > max ? `${v.slice(0, max)}…` : v);
    if (Array.isArray(v)) return '[…]';
    if (typeof v === 'object' && v !== null) return '{…}';
    return String(v);
  };
  if (!Array.isArray(value)) return scalar(value);
  const items = value.slice(0, 8).map(scalar);
  if (value.length > 8) items.push(`… ${value.length} items`);
  return `[${items.join(', ')}]`;
}
