/**
 * Model files. DigitNet's own format is versioned JSON: the network's shape,
 * its weights and biases (as nested arrays, or as base64 float32 for a file a
 * third the size, or float16 for a sixth), how it was trained and how well it
 * did. We also read and
 * write the JSON of Nielsen's network2.py `save()`, so a model trained there
 * runs here and back. ONNX is a ModelFormat too, but binary and Node-only:
 * model-file.ts hands it to onnx-write.ts and onnx-read.ts.
 *
 * Parsing is strict: any text that does not describe a usable network is
 * refused with one message naming the file and the problem. This module is
 * pure (no file system), so the browser uses it too; model-file.ts reads and
 * writes files.
 */
import { DigitNetError, shown } from '../errors.js';
import { isActivationName } from '../nn/activations.js';
import { isCostName } from '../nn/costs.js';
import { Network, type NetworkSpec, sizesProblem } from '../nn/network.js';
import { VERSION } from '../version.js';
import {
  checksumProblem, crc32OfNumbers, decodeNumbers, encodeNumbers, FLOAT16_MAX, FLOAT16_OVERFLOW, formatChecksum, fromFloat16Bits, isObject, type NumberKind,
  toFloat16Bits,
} from './encoding.js';
import { MNIST_INPUTS } from '../data/image.js';
import { readTrainingRecord, type TrainingRecord } from './training-record.js';

export const MODEL_FORMAT = 'digitnet-model';
/**
 * Bumped when a change would make older DigitNets misread a file. The
 * "checksum" field came without a bump: older versions ignore it, and files
 * without one (older, or network2) still load.
 */
export const MODEL_VERSION = 1;

/**
 * json: numbers as text (exact); compact: base64 float32; compact16: base64
 * float16 (half the download again: weights keep 11 significant bits, which
 * changed none of the shipped model's measured answers, README "The shipped
 * model"); network2: Nielsen's format; onnx: a standard ONNX model (binary,
 * so written and read by model-file.ts through onnx-write.ts and
 * onnx-read.ts, not here).
 */
export type ModelFormat = 'json' | 'compact' | 'compact16' | 'network2' | 'onnx';
export const MODEL_FORMATS: readonly ModelFormat[] = ['json', 'compact', 'compact16', 'network2', 'onnx'];

/** How each compact format stores a number, and the encoding its file names. */
const COMPACT: Partial<Record<ModelFormat, { kind: NumberKind; encoding: string }>> = {
  compact: { kind: 'float32', encoding: 'base64-float32' },
  compact16: { kind: 'float16', encoding: 'base64-float16' },
};

/** Whether v survives the encoding's rounding as a finite number (toFloat16Bits refuses the rest). */
function fits(v: number, kind: NumberKind): boolean {
  const f = Math.abs(Math.fround(v));
  return kind === 'float16' ? f < FLOAT16_OVERFLOW : Number.isFinite(f);
}

/** v as a file of this kind holds it (v must fit). */
function rounded(v: number, kind: NumberKind): number {
  return kind === 'float16' ? fromFloat16Bits(toFloat16Bits(v)) : kind === 'float32' ? Math.fround(v) : v;
}

/**
 * `format`, or the next wider one whose numbers hold every parameter
 * (compact16 → compact → json): for a file that must be written whatever the
 * weights, like the end of a training run.
 */
export function formatThatFits(params: ArrayLike<number>, format: ModelFormat): ModelFormat {
  const all = (kind: NumberKind) => Array.prototype.every.call(params, (v: number) => fits(v, kind));
  if (format === 'compact16' && !all('float16')) format = 'compact';
  if (format === 'compact' && !all('float32')) format = 'json';
  return format;
}

/** Whether every value survives float16 exactly: a network read from a compact16 file does. */
export function fitsFloat16(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!fits(v, 'float16') || rounded(v, 'float16') !== v) return false;
  }
  return true;
}

export interface Accuracy {
  correct: number;
  total: number;
}

/** What a model file says besides the parameters. */
export interface ModelInfo {
  /** What the run that made it recorded: its configuration, data and labels. */
  training?: TrainingRecord;
  validation?: Accuracy & { epoch?: number };
  test?: Accuracy;
  /** The DigitNet version that wrote it (absent for network2 files). */
  digitnet?: string;
  savedAt?: string;
}

export interface LoadedModel {
  network: Network;
  info: ModelInfo;
  /** Which format the file was in. */
  format: ModelFormat;
  /** What the reader assumed, for the user to hear (an ONNX network without softmax: how its outputs become probabilities). */
  notes?: string[];
}

export function serializeModel(net: Network, info: ModelInfo, format: ModelFormat): string {
  if (format === 'network2') return serializeNetwork2(net);
  if (format === 'onnx') throw new DigitNetError('ONNX models are binary: write them with saveModel (a file) rather than as text');
  const compact = COMPACT[format];
  if (compact) {
    const big = net.params.find((v) => !fits(v, compact.kind));
    const wider = compact.kind === 'float16' ? 'compact or json' : 'json';
    const range = compact.kind === 'float16' ? ` (at most ±${FLOAT16_MAX})` : '';
    if (big !== undefined) throw new DigitNetError(`a parameter of ${big} does not fit in ${compact.kind}${range}: save this model as ${wider}`);
  }
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    digitnet: VERSION,
    savedAt: new Date().toISOString(),
    sizes: net.sizes,
    activations: net.layers.map((l) => l.activation.name),
    cost: net.cost.name,
    encoding: compact ? compact.encoding : 'json',
    // Of the values the file holds: float32- or float16-rounded in a compact file.
    checksum: formatChecksum(crc32OfNumbers(compact ? net.params.map((v) => rounded(v, compact.kind)) : net.params)),
    layers: net.layers.map((l) =>
      compact
        ? { weights: encodeNumbers(l.weights, compact.kind), biases: encodeNumbers(l.biases, compact.kind) }
        : { weights: rows(l.weights, l.outputs, l.inputs), biases: Array.from(l.biases) },
    ),
    training: info.training,
    validation: info.validation,
    test: info.test,
  });
}

/** Parse a DigitNet or network2 model; `name` prefixes every error message. */
export function parseModel(text: string, name = 'model'): LoadedModel {
  const fail = (why: string): never => {
    throw new DigitNetError(`${name}: ${why}`);
  };
  if (text.trim() === '') fail('the file is empty');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail('not a model file: the JSON is truncated or invalid');
  }
  if (!isObject(json)) return fail('not a model file: expected a JSON object');
  try {
    if (json.format === MODEL_FORMAT) return parseDigitNet(json, fail);
    if ('sizes' in json && 'weights' in json && 'biases' in json) return parseNetwork2(json, fail);
  } catch (e) {
    // A spec the network refuses (say, softmax on a hidden layer) is a bad file here, not bad usage.
    if (e instanceof DigitNetError && !e.message.startsWith(name)) fail(e.message);
    throw e;
  }
  return fail(`not a DigitNet or network2 model file (no "format": "${MODEL_FORMAT}", nor sizes/weights/biases)`);
}

type Fail = (why: string) => never;

function parseDigitNet(json: Record<string, unknown>, fail: Fail): LoadedModel {
  const version = json.version;
  if (!Number.isInteger(version) || (version as number) < 1) fail(`bad format version ${shown(version)}`);
  if ((version as number) > MODEL_VERSION) {
    fail(`written by a newer DigitNet (model format version ${version}; this DigitNet ${VERSION} reads version ${MODEL_VERSION} and older)`);
  }
  const sizes = sizesOf(json.sizes, fail);
  const activations = json.activations;
  if (!Array.isArray(activations) || activations.length !== sizes.length - 1) {
    fail(`"activations" must list ${sizes.length - 1} names, one per layer after the input`);
  }
  for (const a of activations as unknown[]) if (typeof a !== 'string' || !isActivationName(a)) fail(`unknown activation ${shown(a)}`);
  if (typeof json.cost !== 'string' || !isCostName(json.cost)) fail(`unknown cost ${shown(json.cost)}`);
  const spec = { sizes, activations, cost: json.cost } as NetworkSpec;
  const net = new Network(spec);
  const encoding = json.encoding;
  const compact = Object.entries(COMPACT).find(([, c]) => c.encoding === encoding);
  if (encoding !== 'json' && !compact) fail(`unknown encoding ${shown(encoding)}`);
  const kind = compact?.[1].kind ?? 'float32';
  const layers = json.layers;
  if (!Array.isArray(layers) || layers.length !== net.layers.length) fail(`"layers" must hold ${net.layers.length} layers`);
  net.layers.forEach((layer, i) => {
    const entry = (layers as unknown[])[i];
    if (!isObject(entry)) return fail(`layer ${i + 1} is not an object`);
    const where = `layer ${i + 1}`;
    if (encoding === 'json') {
      readMatrix(entry.weights, layer.outputs, layer.inputs, layer.weights, `${where} weights`, fail);
      readVector(entry.biases, layer.outputs, layer.biases, `${where} biases`, fail);
    } else {
      readBase64(entry.weights, layer.weights, kind, `${where} weights`, fail);
      readBase64(entry.biases, layer.biases, kind, `${where} biases`, fail);
    }
  });
  // A changed weight that is still a number (a bit flip in base64, a digit in JSON) is caught here.
  const damaged = checksumProblem(json.checksum, crc32OfNumbers(net.params));
  if (damaged) fail(damaged);
  const info: ModelInfo = { digitnet: typeof json.digitnet === 'string' ? json.digitnet : undefined };
  if (isObject(json.training)) info.training = readTrainingRecord(json.training);
  if (isAccuracy(json.validation)) info.validation = json.validation as ModelInfo['validation'];
  if (isAccuracy(json.test)) info.test = json.test;
  if (typeof json.savedAt === 'string') info.savedAt = json.savedAt;
  return { network: net, info, format: compact ? (compact[0] as ModelFormat) : 'json' };
}

/** network2.py: sizes, weights (O×I nested lists), biases (O×1 nested lists), cost class name; sigmoid everywhere. */
const NETWORK2_COSTS = { QuadraticCost: 'quadratic', CrossEntropyCost: 'cross-entropy' } as const;

function parseNetwork2(json: Record<string, unknown>, fail: Fail): LoadedModel {
  const sizes = sizesOf(json.sizes, fail);
  const costName = json.cost;
  if (typeof costName !== 'string' || !(costName in NETWORK2_COSTS)) {
    fail(`network2 cost must be QuadraticCost or CrossEntropyCost, got ${shown(costName)}`);
  }
  const cost = NETWORK2_COSTS[costName as keyof typeof NETWORK2_COSTS];
  const net = new Network({ sizes, activations: sizes.slice(1).map(() => 'sigmoid'), cost });
  const weights = json.weights;
  const biases = json.biases;
  if (!Array.isArray(weights) || weights.length !== net.layers.length) fail(`"weights" must hold ${net.layers.length} matrices`);
  if (!Array.isArray(biases) || biases.length !== net.layers.length) fail(`"biases" must hold ${net.layers.length} vectors`);
  net.layers.forEach((layer, i) => {
    readMatrix((weights as unknown[])[i], layer.outputs, layer.inputs, layer.weights, `layer ${i + 1} weights`, fail);
    readMatrix((biases as unknown[])[i], layer.outputs, 1, layer.biases, `layer ${i + 1} biases`, fail);
  });
  return { network: net, info: {}, format: 'network2' };
}

/** A network that reads digits: 784 inputs, ten outputs, or eleven with "not a digit" (--non-digits). */
export function checkDigitNetwork(network: Network, name: string): void {
  if (network.inputSize !== MNIST_INPUTS || (network.outputSize !== 10 && network.outputSize !== 11)) {
    throw new DigitNetError(`${name}: the network maps ${network.inputSize} inputs to ${network.outputSize} outputs; digits need 784 → 10 (or 11 with "not a digit")`);
  }
}

export const NETWORK2_LIMITS = 'the network2 format holds only sigmoid networks with the quadratic or cross-entropy cost';

/** Whether network2.py can hold a network of this spec (it knows sigmoid layers and two costs only). */
export function fitsNetwork2(spec: NetworkSpec): boolean {
  return spec.activations.every((a) => a === 'sigmoid') && (spec.cost === 'quadratic' || spec.cost === 'cross-entropy');
}

export function serializeNetwork2(net: Network): string {
  if (!fitsNetwork2(net.spec)) throw new DigitNetError(NETWORK2_LIMITS);
  const cost = net.cost.name === 'quadratic' ? 'QuadraticCost' : 'CrossEntropyCost';
  return JSON.stringify({
    sizes: net.sizes,
    weights: net.layers.map((l) => rows(l.weights, l.outputs, l.inputs)),
    biases: net.layers.map((l) => Array.from(l.biases, (b) => [b])),
    cost,
  });
}

/** The layer sizes, within the limits of nn/network.ts, checked before anything is allocated. */
function sizesOf(value: unknown, fail: Fail): number[] {
  if (!Array.isArray(value)) return fail(`"sizes" must be a list of layer sizes, got ${shown(value)}`);
  const problem = sizesProblem(value);
  if (problem) fail(`"sizes": ${problem}`);
  return value as number[];
}

function readMatrix(value: unknown, O: number, I: number, out: Float64Array, what: string, fail: Fail): void {
  if (!Array.isArray(value) || value.length !== O) {
    fail(`${what}: expected ${O}×${I}, found ${Array.isArray(value) ? value.length : 'no'} rows`);
  }
  (value as unknown[]).forEach((row, j) => {
    if (!Array.isArray(row) || row.length !== I) {
      fail(`${what}: expected ${O}×${I}, row ${j} has ${Array.isArray(row) ? row.length : 'no'} columns`);
    }
    readNumbers(row as unknown[], out, j * I, what, fail);
  });
}

function readVector(value: unknown, O: number, out: Float64Array, what: string, fail: Fail): void {
  if (!Array.isArray(value) || value.length !== O) fail(`${what}: expected ${O} values, found ${Array.isArray(value) ? value.length : 'none'}`);
  readNumbers(value as unknown[], out, 0, what, fail);
}

function readNumbers(values: unknown[], out: Float64Array, offset: number, what: string, fail: Fail): void {
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what}: value ${shown(v)} is not a finite number`);
    out[offset + k] = v as number;
  }
}

function readBase64(value: unknown, out: Float64Array, kind: NumberKind, what: string, fail: Fail): void {
  const decoded = decodeNumbers(value, kind, out.length);
  if ('error' in decoded) return fail(`${what}: ${decoded.error}`);
  out.set(decoded.values);
}

function rows(values: Float64Array, O: number, I: number): number[][] {
  return Array.from({ length: O }, (_, j) => Array.from(values.subarray(j * I, (j + 1) * I)));
}


function isAccuracy(v: unknown): v is Accuracy {
  return isObject(v) && Number.isInteger(v.correct) && Number.isInteger(v.total);
}
