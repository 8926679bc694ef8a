/**
 * The model `predict` and `serve` answer with: the file given, or the one
 * shipped in models/default.json. Either must map 784 pixels to 10 digits.
 */
import { existsSync } from 'node:fs';
import { DigitNetError } from '../errors.js';
import { loadModel } from '../io/model-file.js';
import type { Network } from '../nn/network.js';
import { defaultModelPath } from '../paths.js';

export function loadDigitModel(file: string | undefined): { network: Network; path: string } {
  const path = file ?? defaultModelPath();
  if (!file && !existsSync(path)) throw new DigitNetError(`no default model at ${path}; pass --model FILE (npm run make-model writes it)`);
  const { network } = loadModel(path);
  if (network.inputSize !== 784 || network.outputSize !== 10) {
    throw new DigitNetError(`${path}: the network maps ${network.inputSize} inputs to ${network.outputSize} outputs; digits need 784 → 10`);
  }
  return { network, path };
}
