/**
 * Model files on disk: read (size-checked first, see read-text.ts) and parse
 * strictly, or serialize and write atomically so a kill never leaves half a
 * model. JSON formats go through model-format.ts, ONNX through
 * onnx-write.ts and onnx-read.ts; which one a file holds is told from its
 * bytes, so a model loads whatever its name.
 */
import { basename, extname } from 'node:path';
import type { Network } from '../nn/network.js';
import { writeFileAtomic } from './atomic.js';
import { type LoadedModel, type ModelFormat, type ModelInfo, parseModel, serializeModel } from './model-format.js';
import { parseOnnx } from './onnx-read.js';
import { networkToOnnx } from './onnx-write.js';
import { MAX_FILE_BYTES, readFileCapped } from './read-text.js';

/**
 * Write `net` to `path` in `format` ('json' by default); a path ending in
 * .onnx is written as ONNX unless another format than the default 'json' is
 * asked for. Returns the format written.
 */
export function saveModel(path: string, net: Network, info: ModelInfo, format: ModelFormat = 'json'): ModelFormat {
  const written = modelFormatFor(path, format);
  if (written === 'onnx') writeFileAtomic(path, networkToOnnx(net, info, modelName(path)));
  else writeFileAtomic(path, serializeModel(net, info, written) + '\n');
  return written;
}

/** The format saveModel writes `path` in when asked for `format`: .onnx turns the default 'json' into 'onnx'. */
export function modelFormatFor(path: string, format: ModelFormat): ModelFormat {
  return format === 'json' && extname(path).toLowerCase() === '.onnx' ? 'onnx' : format;
}

/** A DigitNet (JSON or compact), network2 or ONNX model file; any problem is a DigitNetError naming the file. */
export function loadModel(path: string): LoadedModel {
  const bytes = readFileCapped(path, 'model file', MAX_FILE_BYTES);
  return isOnnx(path, bytes) ? parseOnnx(bytes, path) : parseModel(bytes.toString('utf8'), path);
}

/**
 * ONNX writers put ir_version (field 1, a varint: byte 0x08) first, a byte
 * no JSON file starts with; a file named .onnx is read as ONNX too unless it
 * is JSON (saved with --format compact under that name), so its errors speak of ONNX.
 */
function isOnnx(path: string, bytes: Uint8Array): boolean {
  if (bytes[0] === 0x08) return true;
  if (extname(path).toLowerCase() !== '.onnx') return false;
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return first !== 0x7b; // '{'
}

/** "models/best.onnx" → "best": the model's name in ONNX metadata. */
export function modelName(path: string): string {
  return basename(path, extname(path)) || 'digitnet';
}
