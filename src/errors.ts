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
