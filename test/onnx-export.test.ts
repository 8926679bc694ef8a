/**
 * ONNX export checked by another runtime: the shipped model and a small
 * trained sigmoid network, written as ONNX and run in onnxruntime-node on all
 * 10,000 MNIST test images, give DigitNet's predicted class every time and
 * its probabilities within 1e-5.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import { sliceDataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { loadModel } from '../src/io/model-file.js';
import { ATTRIBUTE_TYPE, DATA_TYPE, EXTERNAL_DATA, INPUT_NAME, META, OPSET, onnxClasses, OUTPUT_NAME, type ValueInfoProto } from '../src/io/onnx-schema.js';
import { networkToOnnx } from '../src/io/onnx-write.js';
import { loadKernels } from '../src/kernels/index.js';
import { Network } from '../src/nn/network.js';
import { defaultModelPath } from '../src/paths.js';
import { Random } from '../src/random.js';
import { train } from '../src/train/trainer.js';
import { VERSION } from '../src/version.js';
import { compareWithOnnxRuntime } from './onnx-helpers.js';

const data = loadMnist({ trainSize: 5000 });

test('the shipped model in onnxruntime: the same class on all 10,000 test images, probabilities within 1e-5', async (t) => {
  const { network, info } = loadModel(defaultModelPath());
  const agreement = await compareWithOnnxRuntime(networkToOnnx(network, info, 'default'), network, data.test);
  t.diagnostic(`shipped model ${JSON.stringify(agreement)}`);
  assert.equal(agreement.same, 10_000);
  assert.ok(agreement.maxDifference < 1e-5, `max difference ${agreement.maxDifference}`);
});

test('a trained sigmoid network in onnxruntime: normalised as DigitNet does, the same on all 10,000', async (t) => {
  const rng = new Random(7);
  const network = Network.create({ sizes: [784, 30, 10], activations: ['sigmoid', 'sigmoid'], cost: 'cross-entropy' }, rng, 'scaled');
  const validation = sliceDataset(data.validation, 0, 1000);
  const result = await train(network, { train: data.train, validation }, { epochs: 1, batchSize: 10, eta: 0.5, kernels: await loadKernels('wasm'), rng });
  assert.ok(result.epochs[0].correct > 500, `it learnt something: ${result.epochs[0].correct} / 1000`);
  const agreement = await compareWithOnnxRuntime(networkToOnnx(network, {}, 'sigmoid'), network, data.test);
  t.diagnostic(`sigmoid network ${JSON.stringify(agreement)}`);
  assert.equal(agreement.same, 10_000);
  assert.ok(agreement.maxDifference < 1e-5, `max difference ${agreement.maxDifference}`);
});

test('every activation and the all-zero case match probabilitiesOf', async () => {
  // Relu and tanh outputs can all be ≤ 0: DigitNet then answers 1/n each, and so must the ONNX graph.
  for (const activations of [['tanh', 'tanh'], ['leaky-relu', 'relu'], ['relu', 'leaky-relu']] as const) {
    const network = Network.create({ sizes: [784, 12, 10], activations: [...activations], cost: 'quadratic' }, new Random(3), 'scaled');
    network.layers[1].biases.fill(-50);
    network.layers[1].biases[0] = 0; // some images still get a positive output 0
    const agreement = await compareWithOnnxRuntime(networkToOnnx(network, {}, 'x'), network, sliceDataset(data.test, 0, 500));
    assert.equal(agreement.same, 500, activations.join());
    assert.ok(agreement.maxDifference < 1e-5, `${activations}: ${agreement.maxDifference}`);
  }
});

test('the file is standard ONNX: opset 13, input [N, 784], output [N, classes], metadata', async () => {
  const { network, info } = loadModel(defaultModelPath());
  const bytes = networkToOnnx(network, info, 'default');
  const model = onnxClasses().ModelProto.decode(bytes);
  assert.deepEqual(model.opsetImport.map((o) => [o.domain, Number(o.version)]), [['', OPSET]]);
  const session = await ort.InferenceSession.create(bytes);
  assert.deepEqual([session.inputNames, session.outputNames], [[INPUT_NAME], [OUTPUT_NAME]]);
  await session.release();
  const graph = model.graph!;
  const dims = (v: ValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
  assert.deepEqual(dims(graph.input![0]), ['N', 784]);
  assert.deepEqual(dims(graph.output![0]), ['N', 11]);
  assert.deepEqual(graph.node!.map((n) => n.opType), ['Gemm', 'Relu', 'Gemm', 'Softmax']);
  const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  assert.equal(meta[META.name], 'default');
  assert.equal(meta[META.version], VERSION);
  assert.equal(JSON.parse(meta[META.classes])[10], 'not a digit');
  assert.match(meta[META.accuracy], /^\d+\.\d\d% on 10000 test images$/);
  assert.deepEqual(JSON.parse(meta[META.test]), info.test);
});

test('the protobuf enum values DigitNet names are onnx.proto\'s', () => {
  const { TensorProto, AttributeProto } = onnxClasses();
  for (const [key, value] of Object.entries(DATA_TYPE)) assert.equal(TensorProto.DataType[key as keyof typeof TensorProto.DataType], value, key);
  assert.deepEqual([AttributeProto.AttributeType.FLOAT, AttributeProto.AttributeType.INT], [ATTRIBUTE_TYPE.FLOAT, ATTRIBUTE_TYPE.INT]);
  assert.equal(TensorProto.DataLocation.EXTERNAL, EXTERNAL_DATA);
});

test('metadata names the classes from the training labels: digits, or what the data had', () => {
  const classesOf = (outputs: number, training?: Record<string, unknown>) => {
    const net = Network.create({ sizes: [784, 3, outputs], activations: ['relu', 'softmax'], cost: 'log-likelihood' }, new Random(1));
    const model = onnxClasses().ModelProto.decode(networkToOnnx(net, { training }, 'x'));
    return JSON.parse(model.metadataProps.find((p) => p.key === META.classes)!.value!) as string[];
  };
  assert.deepEqual(classesOf(10), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(classesOf(11, { nonDigits: 100 }).slice(9), ['9', 'not a digit']);
  assert.deepEqual(classesOf(26, { labels: { first: 1, count: 26 } }).slice(0, 2), ['1', '2']);
});
