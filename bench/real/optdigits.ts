/**
 * UCI optdigits, the copy Debian ships in python3-sklearn
 * (sklearn/datasets/data/digits.csv.gz): 1,797 digits written by people
 * outside MNIST, each an 8×8 grid of counts 0..16 (the set pixels of one
 * 4×4 block of the 32×32 scanned bitmap) and the label.
 *
 * The split, fixed by row number:
 *   rows 0–1199    dev:      may be used to tune preprocessing, recipes, thresholds;
 *   rows 1200–1796 held-out: never used for tuning; the headline figure.
 * No model the bench reports, nor the shipped one, is trained on optdigits
 * (bench/fine-tune.ts fine-tunes throwaway copies on its rows, to measure
 * fine-tuning itself).
 *
 * The file lives in .cache/optdigits/digits.csv.gz at the repository root
 * (gitignored, never committed). When it is missing it is fetched with
 * `apt-get download python3-sklearn` and taken out of the .deb.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DigitNetError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';

export const GRID = 8;
export const CELLS = GRID * GRID;
export const MAX_COUNT = 16;
export const ROWS = 1797;
/** The first held-out row; everything before it is dev. */
export const HELD_OUT_START = 1200;

export type Split = 'dev' | 'held-out';
export const SPLITS: readonly Split[] = ['dev', 'held-out'];

export interface Optdigits {
  /** ROWS × 64 counts, row-major 8×8 per digit. */
  grids: Uint8Array;
  labels: Uint8Array;
}

const DEB_PATH = 'usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';

export function cachePath(): string {
  return join(packageRoot(), '.cache', 'optdigits', 'digits.csv.gz');
}

export function splitOf(row: number): Split {
  return row < HELD_OUT_START ? 'dev' : 'held-out';
}

/** The rows of one split, in order. */
export function splitRows(split: Split): number[] {
  const [from, to] = split === 'dev' ? [0, HELD_OUT_START] : [HELD_OUT_START, ROWS];
  return Array.from({ length: to - from }, (_, i) => from + i);
}

export function gridOf(data: Optdigits, row: number): Uint8Array {
  return data.grids.subarray(row * CELLS, (row + 1) * CELLS);
}

/** The cached data, fetched first if missing. Throws a one-line DigitNetError on any failure. */
export function loadOptdigits(log: (line: string) => void): Optdigits {
  const path = cachePath();
  if (!existsSync(path)) fetchOptdigits(path, log);
  let text: string;
  try {
    text = gunzipSync(readFileSync(path)).toString('utf8');
  } catch (e) {
    throw new DigitNetError(`${path}: not a readable gzip file (${(e as Error).message}); delete it to fetch it again`);
  }
  return parseOptdigits(text, path);
}

/** 65 integers per line (64 counts 0..16, then the label 0..9), ROWS lines. */
export function parseOptdigits(text: string, path: string): Optdigits {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  if (lines.length !== ROWS) throw new DigitNetError(`${path}: ${lines.length} rows, expected ${ROWS}`);
  const grids = new Uint8Array(ROWS * CELLS);
  const labels = new Uint8Array(ROWS);
  lines.forEach((line, row) => {
    const values = line.split(',').map((s) => Number(s.trim()));
    const bad = (why: string) => new DigitNetError(`${path}: line ${row + 1}: ${why}`);
    if (values.length !== CELLS + 1) throw bad(`${values.length} values, expected ${CELLS + 1}`);
    values.forEach((v, i) => {
      const max = i < CELLS ? MAX_COUNT : 9;
      if (!Number.isInteger(v) || v < 0 || v > max) throw bad(`value ${i + 1} is '${line.split(',')[i]}', expected an integer 0..${max}`);
    });
    grids.set(values.slice(0, CELLS), row * CELLS);
    labels[row] = values[CELLS];
  });
  return { grids, labels };
}

/** apt-get download python3-sklearn into a temp dir, extract the .deb, copy the csv.gz to `path`. */
function fetchOptdigits(path: string, log: (line: string) => void): void {
  if (!commandExists('apt-get') || !commandExists('dpkg-deb')) {
    throw new DigitNetError(`cannot fetch optdigits: apt-get or dpkg-deb not available (put sklearn's digits.csv.gz at ${path})`);
  }
  log(`optdigits not cached; fetching python3-sklearn with apt-get download into ${path}`);
  const dir = mkdtempSync(join(tmpdir(), 'optdigits-'));
  try {
    if (!run('apt-get', ['download', 'python3-sklearn'], dir).ok) {
      // A fresh machine has no package lists yet: update once, then retry once.
      const update = run('apt-get', ['update'], dir);
      if (!update.ok) throw new DigitNetError(`cannot fetch optdigits: apt-get update failed (${update.error})`);
      const retry = run('apt-get', ['download', 'python3-sklearn'], dir);
      if (!retry.ok) throw new DigitNetError(`cannot fetch optdigits: apt-get download python3-sklearn failed (${retry.error})`);
    }
    const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
    if (!deb) throw new DigitNetError('cannot fetch optdigits: apt-get download left no .deb');
    const extracted = run('dpkg-deb', ['-x', deb, 'x'], dir);
    if (!extracted.ok) throw new DigitNetError(`cannot fetch optdigits: dpkg-deb -x ${deb} failed (${extracted.error})`);
    const csv = join(dir, 'x', DEB_PATH);
    if (!existsSync(csv)) throw new DigitNetError(`cannot fetch optdigits: ${deb} holds no ${DEB_PATH}`);
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(csv, path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: string[], cwd: string): { ok: boolean; error: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error) return { ok: false, error: result.error.message };
  const last = (result.stderr || result.stdout).trim().split('\n').pop() ?? '';
  return { ok: result.status === 0, error: last || `exit code ${result.status}` };
}
