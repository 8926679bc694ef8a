/** Small datasets, temp folders and a CLI runner shared by the tests. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../src/data/dataset.js';
import { Random } from '../src/random.js';

/** dist/src/cli/main.js, next to this compiled test. */
export const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export function dataset(pixels: number[][], labels: number[], classes: number): Dataset {
  const inputSize = pixels[0].length;
  return {
    images: Uint8Array.from(pixels.flat()),
    labels: Uint8Array.from(labels),
    count: labels.length,
    inputSize,
    classes,
  };
}

/** N random examples of I byte pixels with labels below `classes`. */
export function randomDataset(seed: number, count: number, inputSize: number, classes: number): Dataset {
  const rng = new Random(seed);
  const images = new Uint8Array(count * inputSize);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = rng.int(classes);
  return { images, labels, count, inputSize, classes };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: options.timeoutMs ?? 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'digitnet-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function withTempDirAsync(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'digitnet-test-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Largest |a − b| / max(|a|, |b|, floor) over two arrays. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-4): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), floor);
    if (e > worst) worst = e;
  }
  return worst;
}

/** Like randomDataset, but about `zeroFraction` of the pixels are 0, as in MNIST (the wasm kernels skip zero inputs). */
export function sparseDataset(seed: number, count: number, inputSize: number, classes: number, zeroFraction = 0.6): Dataset {
  const ds = randomDataset(seed, count, inputSize, classes);
  const rng = new Random(seed + 1000);
  for (let i = 0; i < ds.images.length; i++) if (rng.next() < zeroFraction) ds.images[i] = 0;
  return ds;
}

/** Set to 1 every pixel of the side×side map `map` within `w` of the segment (x0, y0)–(x1, y1): a pen stroke for pictures drawn in tests. */
export function drawStroke<T extends Uint8Array | Float32Array>(map: T, side: number, x0: number, y0: number, x1: number, y1: number, w: number): T {
  const [dx, dy] = [x1 - x0, y1 - y0];
  const len2 = dx * dx + dy * dy || 1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / len2));
      if (Math.hypot(x - x0 - t * dx, y - y0 - t * dy) <= w) map[y * side + x] = 1;
    }
  }
  return map;
}
