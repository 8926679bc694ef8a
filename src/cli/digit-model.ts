/**
 * The model `predict` and `serve` answer with: the file given (DigitNet
 * JSON, network2 or ONNX), or the one shipped in models/default.json. Either
 * must map 784 pixels to 10 digits (or 11, with "not a digit").
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { DigitNetError } from '../errors.js';
import { loadModel } from '../io/model-file.js';
import { checkDigitNetwork } from '../io/model-format.js';
import type { Network } from '../nn/network.js';
import { defaultModelPath } from '../paths.js';

export function loadDigitModel(file: string | undefined): { network: Network; path: string } {
  const path = file ?? defaultModelPath();
  if (!file && !existsSync(path)) throw new DigitNetError(`no default model at ${path}; pass --model FILE (npm run make-model writes it)`);
  const { network, notes } = loadModel(path);
  checkDigitNetwork(network, path);
  // serve's worker processes load the model too; the primary alone tells what was assumed.
  if (cluster.isPrimary) for (const note of notes ?? []) process.stderr.write(`digitnet: ${note}\n`);
  return { network, path };
}
