/**
 * An error a client caused, with the status and headers it is answered
 * with, and the one rule for putting a client's own text into a message:
 * short text only, anything longer described by its length.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Short client text that may appear in a message (a path, a method, a content type). */
const MAX_ECHO = 40;

/** `text` quoted for a message when short and plain, else "a N-character <what>": a 4xx never repeats a client's bulk. */
export function echo(text: string, what: string): string {
  return text.length <= MAX_ECHO && /^[\x21-\x7e ]*$/.test(text) ? text : `a ${text.length}-character ${what}`;
}

/** What kind of JSON value `v` is, for a message that must not repeat the value itself. */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') {
    const shown = String(v);
    return shown.length <= 12 ? shown : 'a number outside 0..1';
  }
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
