/** Reading a file the user named, with the one-line errors a missing or unreadable file deserves. */
import { readFileSync } from 'node:fs';
import { DigitNetError } from '../errors.js';

/** The file's text; `kind` ("model file", "checkpoint") names it in the error. */
export function readTextFile(path: string, kind: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DigitNetError(code === 'ENOENT' ? `${kind} not found: ${path}` : `cannot read ${kind} ${path}: ${code ?? (e as Error).message}`);
  }
}
