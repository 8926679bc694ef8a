/**
 * Saving a trained or fine-tuned network so the run is never lost to its
 * format: a weight past float16 (compact16) or float32 (compact) moves the
 * file to the next wider format, said in one line on stderr.
 */
import { saveModel } from '../io/model-file.js';
import { formatThatFits, type ModelFormat, type ModelInfo } from '../io/model-format.js';
import type { Network } from '../nn/network.js';

/** saveModel in `asked`, or the next wider format that holds every weight; `askedAs` names `asked` in the warning (e.g. "--format compact16"). */
export function saveInFormatThatFits(path: string, net: Network, info: ModelInfo, asked: ModelFormat, askedAs: string): ModelFormat {
  const format = formatThatFits(net.params, asked);
  if (format !== asked) process.stderr.write(`digitnet: a weight does not fit in ${askedAs}; saving as ${format}\n`);
  return saveModel(path, net, info, format);
}
