// Train a small network on 1,000 MNIST digits, save it, load it back and read a test digit.
import { answerDigit, evaluateNetwork, inputOf, loadKernels, loadMnist, loadModel, preset, runTraining, saveModel, trainingRecord, type TrainConfig } from 'digitnet';

const config: TrainConfig = { ...preset('best'), layers: [784, 30, 10], epochs: 1 };
const data = loadMnist({ trainSize: 1000 }); // the bundled MNIST: 1,000 to train, 10,000 to validate, 10,000 to test
const kernels = await loadKernels('wasm', (why) => console.error(why)); // falls back to the reference kernels
const { net, best } = await runTraining(config, data, {
  kernels, signal: AbortSignal.timeout(60_000),
  onEvent: (e) => { if (e.type === 'epoch') console.error(`epoch ${e.epoch}: ${e.correct} / ${e.total}`); },
});
saveModel('model.json', net, { training: trainingRecord(config, { trainSize: 1000 }), validation: best ?? undefined });
const loaded = loadModel('model.json').network;
const { correct, total, confusion } = evaluateNetwork(loaded, data.test, kernels);
const input = inputOf(data.test, 0);
const [trained, reloaded] = [answerDigit(net, input), answerDigit(loaded, input)];
console.log(JSON.stringify({ label: data.test.labels[0], trained: trained.best, reloaded: reloaded.best,
  digit: reloaded.digit, testAccuracy: correct / total, sevensReadAs: confusion[7] }));
