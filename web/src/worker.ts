/**
 * The page's Web Worker: trains a network with the library's own trainer
 * and kernels, fine-tunes one on the person's own digits (the library's
 * recipe, src/train/fine-tune.ts, as `digitnet train --fine-tune`), and
 * finds the test images a network gets wrong, so the page stays responsive. It fetches MNIST itself (once) and answers with the
 * messages of worker-protocol.ts. One training or fine-tuning run at a time;
 * `stop` aborts it where the trainer next checks (between chunks of
 * mini-batches).
 */
import type { Dataset } from '../../src/data/dataset.js';
import { MNIST_INPUTS } from '../../src/data/image.js';
import { VALIDATION_SIZE } from '../../src/data/mnist-split.js';
import { argmax, Network, type NetworkSpec } from '../../src/nn/network.js';
import { probabilitiesOf } from '../../src/nn/probabilities.js';
import { evaluateNetwork } from '../../src/train/evaluate.js';
import { datasetOfInputs, fineTune, fineTuneSettings } from '../../src/train/fine-tune.js';
import { runTraining } from '../../src/train/run.js';
import { fetchPair, splitTraining } from './browser-mnist.js';
import { type LoadedKernels, loadBrowserKernels } from './browser-kernels.js';
import { configOf, type FirstLayerWeights, type PersonDigits, type TrainSettings, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/** The worker's global scope, typed by hand: the DOM library types `self` as a Window. */
const scope = self as unknown as {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};

/** Hidden units whose first-layer weights are drawn. */
const SHOWN_UNITS = 48;

let kernelsPromise: Promise<LoadedKernels> | null = null;
let trainingSet: Promise<Dataset> | null = null;
let testSet: Promise<Dataset> | null = null;
let abort: AbortController | null = null;

function post(message: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** Kernels are loaded once, and the page is told which it got. */
function kernels(): Promise<LoadedKernels> {
  if (!kernelsPromise) {
    kernelsPromise = loadBrowserKernels().then((loaded) => {
      post({ type: 'kernels', name: loaded.kernels.name, note: loaded.note });
      return loaded;
    });
  }
  return kernelsPromise;
}

/** Fetched once and kept; a failed fetch is forgotten so a later job retries. */
function cached(get: () => Promise<Dataset>, keep: (p: Promise<Dataset> | null) => void): Promise<Dataset> {
  const p = get();
  keep(p);
  p.catch(() => keep(null));
  return p;
}

/** MNIST's 60,000 training images (the first 50,000 train, the last 10,000 validate), fetched once. */
function trainingImages(): Promise<Dataset> {
  return trainingSet ?? cached(() => fetchPair('train'), (p) => (trainingSet = p));
}

/** MNIST's 10,000 test images, fetched once. */
function testImages(): Promise<Dataset> {
  return testSet ?? cached(() => fetchPair('t10k'), (p) => (testSet = p));
}

function firstLayer(net: Network, params: Float64Array): FirstLayerWeights {
  const { inputs, outputs } = net.layers[0];
  const units = Math.min(SHOWN_UNITS, outputs);
  // Weights of layer 1 come first in the params layout: outputs×inputs, row-major.
  return { units, of: outputs, inputs, values: Float32Array.from(params.subarray(0, units * inputs)) };
}

async function trainInPage(settings: TrainSettings, signal: AbortSignal): Promise<void> {
  const config = configOf(settings);
  const loaded = await kernels();
  if (!trainingSet) post({ type: 'status', text: 'Loading the MNIST training images…' });
  const all = await trainingImages();
  const data = splitTraining(all, settings.trainSize);
  // The network runTraining builds, and its latest weights (a copy from each epoch's checkpoint), to draw the first layer.
  let shown: Network | null = null;
  let latest: Float64Array = new Float64Array(0);
  const started = (net: Network) => {
    shown = net;
    latest = net.params;
    post({ type: 'started', config, trainCount: data.train.count, validationCount: data.validation.count, weights: firstLayer(net, net.params) });
  };
  const { net, aborted, epochs } = await runTraining(config, data, {
    kernels: loaded.kernels,
    signal,
    onNetwork: started,
    onEvent(event) {
      switch (event.type) {
        case 'progress':
          post({ type: 'progress', epoch: event.epoch, done: event.done, total: event.total });
          return;
        case 'checkpoint':
          latest = event.state.params; // a copy, made by the trainer
          return;
        case 'epoch':
          post({
            type: 'epoch',
            epoch: event.epoch,
            correct: event.correct,
            total: event.total,
            validationCost: event.validationCost,
            seconds: event.seconds,
            weights: firstLayer(shown!, latest),
          });
          return;
        case 'test':
          return;
      }
    },
  });
  const params = net.params.slice();
  post({ type: 'done', spec: net.spec, params, config, aborted, epochsDone: epochs.length }, [params.buffer]);
}

/** The network's score on the 10,000 test images (the model shelf's test accuracy). */
async function runEvaluation(id: number, net: Network): Promise<void> {
  const loaded = await kernels();
  const test = await testImages();
  const { correct, total } = evaluateNetwork(net, test, loaded.kernels);
  post({ type: 'evaluated', id, correct, total });
}

/** Every test image scored with a plain forward pass: guess and confidence for Explore's matrix and lists. */
async function runExplore(id: number, net: Network): Promise<void> {
  const test = await testImages();
  const I = test.inputSize;
  const predictions = new Uint8Array(test.count);
  const confidence = new Float32Array(test.count);
  const input = new Float64Array(I);
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    for (let k = 0; k < I; k++) input[k] = test.images[i * I + k] / 255;
    const probabilities = probabilitiesOf(net.feedforward(input));
    const guess = argmax(probabilities, 0, probabilities.length);
    predictions[i] = guess;
    confidence[i] = probabilities[guess];
    if (guess === test.labels[i]) correct++;
  }
  const labels = test.labels.slice();
  const images = test.images.slice();
  post({ type: 'explored', id, correct, total: test.count, labels, predictions, confidence, images }, [
    labels.buffer,
    predictions.buffer,
    confidence.buffer,
    images.buffer,
  ]);
}

/**
 * Fine-tune `net` (a copy of the page's model) on the person's digits mixed
 * with MNIST training images, with the CLI's defaults, scoring held-out and
 * MNIST test accuracy before and after.
 */
async function runFineTuning(id: number, net: Network, digits: PersonDigits, signal: AbortSignal): Promise<void> {
  const loaded = await kernels();
  const person = datasetOfInputs(rowsOf(digits.inputs), Array.from(digits.labels), net.sizes[net.sizes.length - 1]);
  if (!trainingSet || !testSet) post({ type: 'status', text: 'Loading the MNIST images to mix in…' });
  const [all, mnistTest] = await Promise.all([trainingImages(), testImages()]);
  const settings = fineTuneSettings();
  const result = await fineTune(net, { person, mnistTrain: splitTraining(all, all.count - VALIDATION_SIZE).train, mnistTest }, settings, {
    kernels: loaded.kernels,
    signal,
    onStart: ({ tuned, heldOut, mixed, before }) => post({ type: 'fine-tune-started', id, settings, tuned, heldOut, mixed, before }),
    onEvent: (event) => {
      if (event.type === 'epoch') post({ type: 'fine-tune-epoch', id, epoch: event.epoch, epochs: settings.epochs });
    },
  });
  if (result.aborted) throw new Error('fine-tuning was stopped; nothing was kept');
  const params = net.params.slice();
  const { tuned, heldOut, before, after } = result;
  post({ type: 'fine-tuned', id, spec: net.spec, params, settings, tuned, heldOut, before, after }, [params.buffer]);
}

/** count×784 values as one 784-value view per digit. */
function rowsOf(inputs: Float32Array): Float32Array[] {
  if (inputs.length % MNIST_INPUTS !== 0) throw new Error(`the digits hold ${inputs.length} values, not a whole number of ${MNIST_INPUTS}-pixel inputs`);
  return Array.from({ length: inputs.length / MNIST_INPUTS }, (_, n) => inputs.subarray(n * MNIST_INPUTS, (n + 1) * MNIST_INPUTS));
}

/** One run at a time (training or fine-tuning), stoppable by `stop`. */
function startRun(run: (signal: AbortSignal) => Promise<void>, fail: (e: unknown) => void): void {
  if (abort) return fail(new Error('a training run is already under way'));
  abort = new AbortController();
  run(abort.signal)
    .catch(fail)
    .finally(() => (abort = null));
}

/** The network a request carries, or null (and an error reply) when it does not make one. */
function networkOf(request: { spec: NetworkSpec; params: Float64Array }, fail: (e: unknown) => void): Network | null {
  try {
    const net = new Network(request.spec);
    net.params.set(request.params);
    return net;
  } catch (e) {
    fail(e);
    return null;
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  const fail = (e: unknown, id?: number) => post({ type: 'error', text: e instanceof Error ? e.message : String(e), id });
  switch (request.type) {
    case 'init':
      kernels().catch((e) => fail(e));
      return;
    case 'train':
      startRun((signal) => trainInPage(request.settings, signal), fail);
      return;
    case 'stop':
      abort?.abort();
      return;
    case 'evaluate':
    case 'explore': {
      const net = networkOf(request, (e) => fail(e, request.id));
      if (!net) return;
      const run = request.type === 'evaluate' ? runEvaluation(request.id, net) : runExplore(request.id, net);
      run.catch((e) => fail(e, request.id));
      return;
    }
    case 'fine-tune': {
      const net = networkOf(request, (e) => fail(e, request.id));
      if (net) startRun((signal) => runFineTuning(request.id, net, request.digits, signal), (e) => fail(e, request.id));
      return;
    }
  }
};
