/** Running ONNX models in onnxruntime-node beside DigitNet, and building small ONNX graphs, for the ONNX tests. */
import type onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import type { Dataset } from '../src/data/dataset.js';
import { type AttributeProto, DATA_TYPE, type NodeProto, onnxClasses, type TensorProto } from '../src/io/onnx-schema.js';
import { argmax, type Network } from '../src/nn/network.js';
import { probabilitiesOf } from '../src/nn/probabilities.js';
import { Random } from '../src/random.js';

export interface Agreement {
  /** Examples where onnxruntime and DigitNet predict the same class. */
  same: number;
  total: number;
  /** Largest |onnxruntime − DigitNet| over every output of every example. */
  maxDifference: number;
}

/** The model's first output for a float32 batch of n examples, each of shape `shape` ([features] unless told). */
export async function runOnnx(session: ort.InferenceSession, input: Float32Array, n: number, shape = [input.length / n]): Promise<Float32Array> {
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, [n, ...shape]) };
  const out = await session.run(feeds);
  return out[session.outputNames[0]].data as Float32Array;
}

export interface CompareOptions {
  /** DigitNet's answer for one input: probabilitiesOf(network.feedforward(x)) unless told. */
  digitnet?: (x: Float64Array) => ArrayLike<number>;
  /** One example's shape as the model's input declares it: [784] unless told ([1, 28, 28], say). */
  shape?: number[];
}

/** onnxruntime on every example of `ds` (in batches) against DigitNet's own answers. */
export async function compareWithOnnxRuntime(model: Uint8Array | string, network: Network, ds: Dataset, options: CompareOptions = {}): Promise<Agreement> {
  const digitnet = options.digitnet ?? ((x) => probabilitiesOf(network.feedforward(x)));
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
  const I = ds.inputSize;
  const O = network.outputSize;
  const BATCH = 1000;
  let same = 0;
  let maxDifference = 0;
  try {
    for (let start = 0; start < ds.count; start += BATCH) {
      const n = Math.min(BATCH, ds.count - start);
      const pixels = ds.images.subarray(start * I, (start + n) * I);
      const theirs = await runOnnx(session, Float32Array.from(pixels, (p) => p / 255), n, options.shape);
      for (let i = 0; i < n; i++) {
        const ours = digitnet(Float64Array.from(pixels.subarray(i * I, (i + 1) * I), (p) => p / 255));
        if (argmax(ours, 0, O) === argmax(theirs, i * O, O)) same++;
        for (let j = 0; j < O; j++) maxDifference = Math.max(maxDifference, Math.abs(ours[j] - theirs[i * O + j]));
      }
    }
  } finally {
    await session.release();
  }
  return { same, total: ds.count, maxDifference };
}

/** A float32 tensor in float_data (DigitNet writes raw_data; this covers the other layout). */
export function floats(name: string, dims: number[], values: ArrayLike<number>, dataType: number = DATA_TYPE.FLOAT): TensorProto {
  return dataType === DATA_TYPE.FLOAT ? { name, dims, dataType, floatData: Array.from(values) } : { name, dims, dataType, doubleData: Array.from(values) };
}

/** Values drawn from a seeded stream, in (−1, 1). */
export function noise(seed: number, count: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => 2 * rng.next() - 1);
}

export function node(opType: string, input: string[], output: string, attribute: AttributeProto[] = [], name = ''): NodeProto {
  return { opType, input, output: [output], attribute, name };
}

export interface TinyGraph {
  nodes: NodeProto[];
  initializers: TensorProto[];
  /** The input "x": float32 [N, features]. */
  features: number;
  /** The graph's outputs, each [N, ?]. */
  outputs: string[];
}

/** A small ONNX model built with onnx-proto, as another tool would write it (opset 13). */
export function tinyOnnx(g: TinyGraph): Uint8Array {
  const value = (name: string, dims: onnxProto.onnx.TensorShapeProto.IDimension[]) => ({
    name,
    type: { tensorType: { elemType: DATA_TYPE.FLOAT, shape: { dim: dims } } },
  });
  return onnxClasses().ModelProto.encode({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'test',
    graph: {
      name: 'tiny',
      node: g.nodes,
      initializer: g.initializers,
      input: [value('x', [{ dimParam: 'N' }, { dimValue: g.features }])],
      output: g.outputs.map((o) => value(o, [{ dimParam: 'N' }])),
    },
  }).finish();
}
