/** Where DigitNet's own files are, found from this module: it runs from src/ (tsx) or dist/src/ (built). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DigitNetError } from './errors.js';

let root: string | null = null;

/** The folder holding DigitNet's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'digitnet') return (root = dir);
    dir = dirname(dir);
  }
  throw new DigitNetError('cannot find the digitnet package folder (its package.json) above ' + fileURLToPath(import.meta.url));
}

/** The model `predict` and `serve` use when none is given. */
export function defaultModelPath(): string {
  return join(packageRoot(), 'models', 'default.json');
}

/** The built web page (npm run build puts it there). */
export function webAssetsDir(): string {
  return join(packageRoot(), 'dist', 'web');
}
