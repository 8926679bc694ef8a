/**
 * Model files on disk: read and parse (strictly, see model-format.ts), or
 * serialize and write atomically so a kill never leaves half a model.
 */
import type { Network } from '../nn/network.js';
import { writeFileAtomic } from './atomic.js';
import { readTextFile } from './read-text.js';
import { type LoadedModel, type ModelFormat, type ModelInfo, parseModel, serializeModel } from './model-format.js';

export function saveModel(path: string, net: Network, info: ModelInfo, format: ModelFormat = 'json'): void {
  writeFileAtomic(path, serializeModel(net, info, format) + '\n');
}

export function loadModel(path: string): LoadedModel {
  const text = readTextFile(path, 'model file');
  return parseModel(text, path);
}

