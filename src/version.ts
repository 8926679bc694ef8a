/** DigitNet's version, read from its package.json (model files record it). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findVersion(): string {
  // Walk up from this file: it runs from src/ under tsx and from dist/src/ when built.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
      if (json.name === 'digitnet' && json.version) return json.version;
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export const VERSION = findVersion();
