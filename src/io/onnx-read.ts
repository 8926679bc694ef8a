/**
 * ONNX files as DigitNet networks: DigitNet's own exports, and fully
 * connected networks written by other tools (PyTorch, onnx.helper, …).
 * The protobuf is decoded by onnx-proto, the graph read as a chain of
 * layers (onnx-graph.ts), and the layers become a Network. What the reader
 * had to assume (raw scores read through a softmax, sigmoid outputs scaled
 * to sum to 1) comes back in `notes` for the user to hear.
 */
import { DigitNetError, oneLineMessage } from '../errors.js';
import type { ActivationName } from '../nn/activations.js';
import { type CostName, isCostName } from '../nn/costs.js';
import { Network, sizesProblem } from '../nn/network.js';
import { isObject } from './encoding.js';
import type { Accuracy, LoadedModel, ModelInfo } from './model-format.js';
import { type ActivationStep, type ChainOptions, type LinearStep, readChain, type Step } from './onnx-graph.js';
import { int64, META, type ModelProto, NORMALIZE_PREFIX, onnxClasses, PRODUCER } from './onnx-schema.js';
import { readTrainingRecord } from './training-record.js';
import type { Fail } from './onnx-tensor.js';

/** Parse an ONNX model; `name` (the file) prefixes every error message. */
export function parseOnnx(bytes: Uint8Array, name = 'model'): LoadedModel {
  const fail: Fail = (why) => {
    throw new DigitNetError(`${name}: ${why}`);
  };
  const model = decode(bytes, fail);
  const meta = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const ours = model.producerName === PRODUCER;
  const steps = readChain(model.graph!, chainOptions(model, meta, ours, fail), fail);
  const notes: string[] = [];
  const network = networkOf(layersOf(steps, fail), ours ? meta.get(META.cost) : undefined, (note) => notes.push(`${name}: ${note}`), fail);
  return { network, info: ours ? infoOf(meta, model) : {}, format: 'onnx', notes };
}

/** The ModelProto, with a graph and a standard opset; a damaged or foreign file is one line. */
function decode(bytes: Uint8Array, fail: Fail): ModelProto {
  if (bytes.length === 0) fail('the file is empty');
  let model: ModelProto;
  try {
    model = onnxClasses().ModelProto.decode(bytes);
  } catch (e) {
    return fail(`not an ONNX model, or a damaged one: the protobuf cannot be read (${oneLineMessage(e)})`);
  }
  if (!model.irVersion || !model.graph) fail('not an ONNX model: no ir_version or no graph (the file is truncated or not ONNX)');
  if (!opsetOf(model)) fail('imports no standard ONNX operator set (ai.onnx)');
  return model;
}

function opsetOf(model: ModelProto): number {
  const standard = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return standard ? int64(standard.version) : 0;
}

/**
 * Where the chain ends: the graph's one output; or, in DigitNet's own
 * export of a network without softmax, the scores before the normalisation
 * it appended (DigitNet applies that normalisation itself, probabilitiesOf).
 */
function chainOptions(model: ModelProto, meta: Map<string, string>, ours: boolean, fail: Fail): ChainOptions {
  const graph = model.graph!;
  const outputs = graph.output ?? [];
  if (outputs.length !== 1) fail(`the graph has ${outputs.length} outputs; DigitNet reads networks with one (the class scores)`);
  const scores = ours ? meta.get(META.scores) : undefined;
  const opset = opsetOf(model);
  if (scores) return { end: scores, ignore: (n) => (n.name ?? '').startsWith(NORMALIZE_PREFIX), opset };
  return { end: outputs[0].name ?? '', ignore: () => false, opset };
}

interface LayerPlan {
  linear: LinearStep;
  activation: ActivationStep | null;
}

/** Steps grouped into layers: a linear step, then at most one activation. */
function layersOf(steps: Step[], fail: Fail): LayerPlan[] {
  const layers: LayerPlan[] = [];
  for (const step of steps) {
    const last = layers[layers.length - 1];
    if (step.kind === 'linear') {
      if (last && !last.activation) fail(`${last.linear.where} and ${step.where} have no activation between them; DigitNet reads one activation per layer`);
      layers.push({ linear: step, activation: null });
    } else if (!last) {
      fail(`${step.where} comes before any Gemm or MatMul; DigitNet reads an activation after each layer`);
    } else if (last.activation) {
      fail(`${step.where} follows ${last.activation.where}; DigitNet reads one activation per layer`);
    } else {
      last.activation = step;
    }
  }
  layers.slice(0, -1).forEach((l) => {
    if (l.activation?.activation === 'softmax') fail(`${l.activation.where} is not on the last layer; DigitNet applies Softmax only to the output`);
  });
  return layers;
}

/** The Network, with the cost the file records (DigitNet's) or the one its output layer goes with. */
function networkOf(layers: LayerPlan[], recordedCost: string | undefined, note: (text: string) => void, fail: Fail): Network {
  const sizes = [layers[0].linear.inputs, ...layers.map((l) => l.linear.outputs)];
  const problem = sizesProblem(sizes);
  if (problem) fail(problem);
  const last = layers[layers.length - 1].activation;
  const output: ActivationName = last?.activation ?? 'softmax';
  if (!last) note('the last layer has no activation (raw scores): DigitNet applies Softmax to them for probabilities');
  else if (output !== 'softmax' && recordedCost === undefined) {
    // DigitNet's own exports record their cost and were DigitNet networks to begin with: nothing to say.
    const clipped = output === 'sigmoid' || output === 'relu' ? '' : ' (negative ones as 0)';
    note(`the last layer ends in ${last.op}, not Softmax: DigitNet scales its outputs${clipped} to sum to 1 as probabilities`);
  }
  const activations = [...layers.slice(0, -1).map((l) => l.activation!.activation), output];
  const fallback: CostName = output === 'softmax' ? 'log-likelihood' : output === 'sigmoid' ? 'cross-entropy' : 'quadratic';
  let network: Network;
  try {
    network = new Network({ sizes, activations, cost: recordedCost && isCostName(recordedCost) ? recordedCost : fallback });
  } catch {
    // A recorded cost that does not go with the output layer: the layers are what counts.
    network = new Network({ sizes, activations, cost: fallback });
  }
  network.layers.forEach((layer, i) => {
    layer.weights.set(layers[i].linear.weights);
    layer.biases.set(layers[i].linear.biases);
  });
  return network;
}

/** What DigitNet's export recorded in metadata_props; an entry that does not parse is left out. */
function infoOf(meta: Map<string, string>, model: ModelProto): ModelInfo {
  const json = (key: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(meta.get(key) ?? '');
      return isObject(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const accuracy = (key: string): (Accuracy & { epoch?: number }) | undefined => {
    const v = json(key);
    if (!v || !Number.isInteger(v.correct) || !Number.isInteger(v.total)) return undefined;
    return { correct: v.correct as number, total: v.total as number, ...(Number.isInteger(v.epoch) ? { epoch: v.epoch as number } : {}) };
  };
  const info: ModelInfo = { digitnet: meta.get(META.version) ?? model.producerVersion ?? undefined };
  const training = json(META.training);
  const validation = accuracy(META.validation);
  const test = accuracy(META.test);
  if (training) info.training = readTrainingRecord(training);
  if (validation) info.validation = validation;
  if (test) info.test = { correct: test.correct, total: test.total };
  if (meta.has(META.savedAt)) info.savedAt = meta.get(META.savedAt);
  return info;
}
