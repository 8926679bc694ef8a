/**
 * Atomic file writes: write a temporary file beside the target, flush it to
 * disk, then rename it over the target. A kill at any moment leaves either
 * the old file or the new one, never half of one. A kill -9 can leave the
 * temporary file; the next save to the same path removes it.
 */
import { accessSync, closeSync, constants, fsyncSync, lstatSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DigitNetError } from '../errors.js';

/**
 * Refuse, before any long work, a path writeFileAtomic could not write: a
 * folder, or a file in a folder that does not exist or cannot be written
 * (the temporary file goes beside the target). `flag` ("--save") names it.
 */
export function checkWritable(path: string, flag: string): void {
  const folder = dirname(path) || '.';
  if (statOf(path)?.isDirectory() || /[\\/]$/.test(path)) throw new DigitNetError(`${flag} ${path} is a folder; give a file name`, 'usage');
  const parent = statOf(folder);
  if (!parent) throw new DigitNetError(`${flag} ${path}: the folder ${folder} does not exist`, 'not-found');
  if (!parent.isDirectory()) throw new DigitNetError(`${flag} ${path}: ${folder} is not a folder`, 'usage');
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new DigitNetError(`${flag} ${path}: cannot write in the folder ${folder}`);
  }
}

function statOf(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  removeStaleTemporaries(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new DigitNetError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Remove temporary files that writeFileAtomic made for `path` and that no
 * running save owns: exactly `.NAME.PID.TIME.tmp`, a plain file, from a
 * process that has ended (or from this one before it started: a reused PID).
 * Best effort: a folder we cannot list or a file we cannot remove is left.
 */
export function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.([0-9a-z]+)\.tmp$/.exec(name.slice(prefix.length));
    if (!match || !isStale(Number(match[1]), parseInt(match[2], 36))) continue;
    try {
      if (lstatSync(join(dir, name)).isFile()) rmSync(join(dir, name));
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

function isStale(pid: number, writtenAt: number): boolean {
  if (pid === process.pid) return writtenAt < performance.timeOrigin;
  try {
    process.kill(pid, 0);
    return false; // still running: perhaps saving right now
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
