/**
 * A DigitNet network as a standard ONNX model (opset 13): input "input",
 * float32 [N, 784] pixels in 0..1; output "probabilities", float32
 * [N, classes]. Each layer is a Gemm (the weights stored as DigitNet holds
 * them, O×I, so transB=1) and its activation node; a softmax network ends in
 * Softmax(axis=1). Other output activations end in the normalisation that
 * DigitNet's probabilitiesOf applies (clip at 0, divide by the sum; all equal
 * when the sum is 0), so any ONNX runtime gives DigitNet's probabilities.
 * The model's name, DigitNet's version, the accuracy and the class names go
 * in metadata_props.
 */
import { modelClassLabels } from '../data/classes.js';
import type { ActivationName } from '../nn/activations.js';
import { LEAKY_SLOPE } from '../nn/activations.js';
import { describeShape, type Layer, type Network } from '../nn/network.js';
import { VERSION } from '../version.js';
import type { Accuracy, ModelInfo } from './model-format.js';
import {
  ATTRIBUTE_TYPE, type AttributeProto, DATA_TYPE, type GraphProto, INPUT_NAME, IR_VERSION, META, type NodeProto, NORMALIZE_PREFIX, onnxClasses, OPSET, OUTPUT_NAME, PRODUCER,
  SCORES_NAME, type TensorProto, type ValueInfoProto,
} from './onnx-schema.js';

const FLOAT = DATA_TYPE.FLOAT;
const INT64 = DATA_TYPE.INT64;

/** The ONNX model's bytes; `name` is the model's name in its metadata (say, the file's base name). */
export function networkToOnnx(net: Network, info: ModelInfo, name: string): Uint8Array {
  const graph = graphOf(net, name);
  const { ModelProto } = onnxClasses();
  const model = ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: PRODUCER,
    producerVersion: VERSION,
    docString: `DigitNet ${describeShape(net)}: input [N, ${net.inputSize}] float32 grey pixels in 0..1, row by row (white ink on black, as MNIST); output [N, ${net.outputSize}] class probabilities`,
    graph,
    metadataProps: metadataOf(net, info, name),
  });
  return ModelProto.encode(model).finish();
}

function graphOf(net: Network, name: string): GraphProto {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  let value = INPUT_NAME;
  const last = net.layers.length - 1;
  net.layers.forEach((layer, i) => {
    const prefix = `layer${i + 1}`;
    initializers.push(floatTensor(`${prefix}.weight`, [layer.outputs, layer.inputs], layer.weights));
    initializers.push(floatTensor(`${prefix}.bias`, [layer.outputs], layer.biases));
    nodes.push(node('Gemm', `${prefix}/gemm`, [value, `${prefix}.weight`, `${prefix}.bias`], `${prefix}/z`, [intAttr('transB', 1)]));
    const out = i < last ? `${prefix}/a` : layer.activation.name === 'softmax' ? OUTPUT_NAME : SCORES_NAME;
    nodes.push(activationNode(layer, `${prefix}/${layer.activation.name}`, `${prefix}/z`, out));
    value = out;
  });
  if (value === SCORES_NAME) normalization(net.layers[last], nodes, initializers);
  return onnxClasses().GraphProto.create({
    name,
    node: nodes,
    initializer: initializers,
    input: [valueInfo(INPUT_NAME, net.inputSize)],
    output: [valueInfo(OUTPUT_NAME, net.outputSize)],
  });
}

function activationNode(layer: Layer, name: string, input: string, output: string): NodeProto {
  const op: Record<ActivationName, string> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', 'leaky-relu': 'LeakyRelu', softmax: 'Softmax' };
  const kind = layer.activation.name;
  const attributes = kind === 'leaky-relu' ? [floatAttr('alpha', LEAKY_SLOPE)] : kind === 'softmax' ? [intAttr('axis', 1)] : [];
  return node(op[kind], name, [input], output, attributes);
}

/**
 * probabilitiesOf (nn/probabilities.ts) in ONNX: p = max(0, s) / Σ max(0, s),
 * or 1/n each when that sum is 0. The clip is left out after Sigmoid and
 * Relu, whose outputs are never negative.
 */
function normalization(layer: Layer, nodes: NodeProto[], initializers: TensorProto[]): void {
  const p = NORMALIZE_PREFIX;
  const n = layer.outputs;
  const clipped = layer.activation.name === 'sigmoid' || layer.activation.name === 'relu' ? SCORES_NAME : `${p}clipped`;
  if (clipped !== SCORES_NAME) nodes.push(node('Relu', `${p}clip`, [SCORES_NAME], clipped));
  initializers.push(
    int64Tensor(`${p}axes`, [1], [1]),
    floatTensor(`${p}zero`, [], [0]),
    floatTensor(`${p}one`, [], [1]),
    floatTensor(`${p}uniform`, [], [1 / n]),
  );
  nodes.push(
    node('ReduceSum', `${p}sum`, [clipped, `${p}axes`], `${p}total`, [intAttr('keepdims', 1)]),
    node('Equal', `${p}is_zero`, [`${p}total`, `${p}zero`], `${p}none`),
    node('Where', `${p}numerator`, [`${p}none`, `${p}uniform`, clipped], `${p}top`),
    node('Where', `${p}denominator`, [`${p}none`, `${p}one`, `${p}total`], `${p}bottom`),
    node('Div', `${p}divide`, [`${p}top`, `${p}bottom`], OUTPUT_NAME),
  );
}

function metadataOf(net: Network, info: ModelInfo, name: string): { key: string; value: string }[] {
  const entries: [string, string | undefined][] = [
    [META.name, name],
    [META.version, VERSION],
    [META.classes, JSON.stringify(classNamesOf(net, info))],
    [META.accuracy, accuracyText(info)],
    [META.test, info.test && JSON.stringify(info.test)],
    [META.validation, info.validation && JSON.stringify(info.validation)],
    [META.cost, net.cost.name],
    [META.training, info.training && JSON.stringify(info.training)],
    [META.savedAt, new Date().toISOString()],
    [META.scores, net.layers[net.layers.length - 1].activation.name === 'softmax' ? undefined : SCORES_NAME],
  ];
  return entries.filter((e): e is [string, string] => e[1] !== undefined).map(([key, value]) => ({ key, value }));
}

/**
 * What each output stands for: the labels the training data had (data/classes.ts;
 * "0"…"9" for digits), and "not a digit" for the extra output of --non-digits.
 */
function classNamesOf(net: Network, info: ModelInfo): string[] {
  const { first, count } = modelClassLabels(info.training, net.inputSize, net.outputSize);
  return Array.from({ length: net.outputSize }, (_, k) => (k < count ? String(first + k) : 'not a digit'));
}

/** "98.07% on 10000 test images", from the test score, else the validation score. */
function accuracyText(info: ModelInfo): string | undefined {
  const describe = (a: Accuracy, set: string) => `${((100 * a.correct) / a.total).toFixed(2)}% on ${a.total} ${set} images`;
  if (info.test && info.test.total > 0) return describe(info.test, 'test');
  if (info.validation && info.validation.total > 0) return describe(info.validation, 'validation');
  return undefined;
}

function node(opType: string, name: string, input: string[], output: string, attribute: AttributeProto[] = []): NodeProto {
  return { opType, name, input, output: [output], attribute };
}

function intAttr(name: string, i: number): AttributeProto {
  return { name, type: ATTRIBUTE_TYPE.INT, i };
}

function floatAttr(name: string, f: number): AttributeProto {
  return { name, type: ATTRIBUTE_TYPE.FLOAT, f };
}

/** Float32, little-endian in raw_data (what other writers use for weights; smaller and faster to read than float_data). */
function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const rawData = new Uint8Array(values.length * 4);
  const view = new DataView(rawData.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims, dataType: FLOAT, rawData };
}

function int64Tensor(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dims, dataType: INT64, int64Data: values };
}

/** A float32 [N, size] tensor with a named, free batch dimension. */
function valueInfo(name: string, size: number): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: size }] } } },
  };
}
