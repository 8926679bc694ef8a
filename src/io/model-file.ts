/**
 * Model files on disk: read and parse (strictly, see model-format.ts), or
 * serialize and write atomically so a kill never leaves half a model.
 */
import { readFileSync } from 'node:fs';
import { DigitNetError } from '../errors.js';
import type { Network } from '../nn/network.js';
import { writeFileAtomic } from './atomic.js';
import { type LoadedModel, type ModelFormat, type ModelInfo, parseModel, serializeModel } from './model-format.js';

export function saveModel(path: string, net: Network, info: ModelInfo, format: ModelFormat = 'json'): void {
  writeFileAtomic(path, serializeModel(net, info, format) + '\n');
}

export function loadModel(path: string): LoadedModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DigitNetError(code === 'ENOENT' ? `model file not found: ${path}` : `cannot read model file ${path}: ${code ?? (e as Error).message}`);
  }
  return parseModel(text, path);
}

