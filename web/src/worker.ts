/**
 * The page's Web Worker: trains a network with the library's own trainer
 * and kernels, and finds the test images a network gets wrong, so the page
 * stays responsive. It fetches MNIST itself (once) and answers with the
 * messages of worker-protocol.ts. One training run at a time; `stop` aborts
 * it where the trainer next checks (between chunks of mini-batches).
 */
import type { Dataset } from '../../src/data/dataset.js';
import { argmax, Network } from '../../src/nn/network.js';
import { probabilitiesOf } from '../../src/nn/probabilities.js';
import { Random } from '../../src/random.js';
import { specOf, trainOptionsOf } from '../../src/train/config.js';
import { evaluateNetwork } from '../../src/train/evaluate.js';
import { train } from '../../src/train/trainer.js';
import { fetchPair, splitTraining } from './browser-mnist.js';
import { type LoadedKernels, loadBrowserKernels } from './browser-kernels.js';
import { configOf, type FirstLayerWeights, type TrainSettings, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

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

function firstLayer(net: Network, params: Float64Array): FirstLayerWeights {
  const { inputs, outputs } = net.layers[0];
  const units = Math.min(SHOWN_UNITS, outputs);
  // Weights of layer 1 come first in the params layout: outputs×inputs, row-major.
  return { units, of: outputs, inputs, values: Float32Array.from(params.subarray(0, units * inputs)) };
}

async function runTraining(settings: TrainSettings, signal: AbortSignal): Promise<void> {
  const config = configOf(settings);
  const loaded = await kernels();
  if (!trainingSet) post({ type: 'status', text: 'Loading the MNIST training images…' });
  const all = await (trainingSet ?? cached(() => fetchPair('train'), (p) => (trainingSet = p)));
  const data = splitTraining(all, settings.trainSize);
  const rng = new Random(config.seed);
  const net = Network.create(specOf(config), rng, config.init);
  post({ type: 'started', config, trainCount: data.train.count, validationCount: data.validation.count, weights: firstLayer(net, net.params) });

  let latest = net.params;
  const result = await train(net, data, {
    ...trainOptionsOf(config),
    kernels: loaded.kernels,
    rng,
    signal,
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
            weights: firstLayer(net, latest),
          });
          return;
        case 'test':
          return;
      }
    },
  });
  const params = net.params.slice();
  post({ type: 'done', spec: net.spec, params, config, aborted: result.aborted, epochsDone: result.epochs.length }, [params.buffer]);
}

/** The network's score on the 10,000 test images (the model shelf's test accuracy). */
async function runEvaluation(id: number, net: Network): Promise<void> {
  const loaded = await kernels();
  const test = await (testSet ?? cached(() => fetchPair('t10k'), (p) => (testSet = p)));
  const { correct, total } = evaluateNetwork(net, test, loaded.kernels);
  post({ type: 'evaluated', id, correct, total });
}

/** Every test image scored with a plain forward pass: guess and confidence for Explore's matrix and lists. */
async function runExplore(id: number, net: Network): Promise<void> {
  const test = await (testSet ?? cached(() => fetchPair('t10k'), (p) => (testSet = p)));
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

scope.onmessage = (event) => {
  const request = event.data;
  const fail = (e: unknown, id?: number) => post({ type: 'error', text: e instanceof Error ? e.message : String(e), id });
  switch (request.type) {
    case 'init':
      kernels().catch((e) => fail(e));
      return;
    case 'train':
      if (abort) return fail(new Error('a training run is already under way'));
      abort = new AbortController();
      runTraining(request.settings, abort.signal)
        .catch((e) => fail(e))
        .finally(() => (abort = null));
      return;
    case 'stop':
      abort?.abort();
      return;
    case 'evaluate':
    case 'explore': {
      let net: Network;
      try {
        net = new Network(request.spec);
        net.params.set(request.params);
      } catch (e) {
        return fail(e, request.id);
      }
      const run = request.type === 'evaluate' ? runEvaluation(request.id, net) : runExplore(request.id, net);
      run.catch((e) => fail(e, request.id));
      return;
    }
  }
};
