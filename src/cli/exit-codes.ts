/**
 * The command line's one table from kinds of failure (errors.ts) to exit
 * codes: 2 bad usage, 1 bad or missing data, 130 interrupted (as shells
 * expect after Ctrl-C). `predict` adds 3 for a picture that is not a digit.
 */
import type { DigitNetError, ErrorKind } from '../errors.js';

const EXIT_CODES: Record<ErrorKind, number> = { usage: 2, 'bad-data': 1, 'not-found': 1, 'too-large': 1, interrupted: 130 };

export function exitCodeOf(e: DigitNetError): number {
  return EXIT_CODES[e.kind];
}
