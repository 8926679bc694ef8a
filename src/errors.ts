/**
 * What kind of failure an error is, said by the core; each edge maps kinds
 * once, in one table: the CLI to exit codes (cli/main.ts), the server to HTTP
 * statuses (server/server.ts).
 * - usage: a bad option, flag or argument;
 * - bad-data: a file or picture that cannot be used as it is;
 * - not-found: a file that is not there;
 * - too-large: a file over a limit, refused before it is read;
 * - interrupted: a run stopped by the user (Ctrl-C).
 */
export type ErrorKind = 'usage' | 'bad-data' | 'not-found' | 'too-large' | 'interrupted';

/**
 * Errors a user can cause and fix: bad flags, bad files, bad model shapes.
 * The message is one line meant for a person; anything else thrown is a bug
 * in DigitNet.
 */
export class DigitNetError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind = 'bad-data',
  ) {
    super(message);
    this.name = 'DigitNetError';
  }
}

/** A bad option value, flag or argument. */
export class UsageError extends DigitNetError {
  constructor(message: string) {
    super(message, 'usage');
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
