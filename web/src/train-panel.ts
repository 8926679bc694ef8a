/**
 * The Train panel: choose a preset, epochs, learning rate and how many
 * training images; the worker trains with the library's trainer while this
 * panel draws progress, the accuracy/cost chart, a table of epochs and the
 * first layer's weights. When the run ends the drawing pad switches to the
 * new network, which the Download button saves as a DigitNet model file.
 */
import { VALIDATION_SIZE } from '../../src/data/mnist-split.js';
import { type ModelInfo, serializeModel } from '../../src/io/model-format.js';
import { Network } from '../../src/nn/network.js';
import { preset, type PresetName, type TrainConfig } from '../../src/train/config.js';
import { formatSchedule } from '../../src/train/schedule.js';
import { type CurrentModel, currentModel, setCurrentModel } from './current-model.js';
import { byId } from './dom.js';
import { drawWeightGrid } from './pictures.js';
import { announce, messageOf } from './status.js';
import { TrainingChart } from './training-chart.js';
import { configOf, type FirstLayerWeights, type TrainSettings, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/** MNIST's training file holds 60,000 images; the last 10,000 validate. */
/** MNIST has 60,000 training images; the last VALIDATION_SIZE validate. */
const MAX_TRAIN_SIZE = 60_000 - VALIDATION_SIZE;

export function setUpTrainPanel(servedModel: () => CurrentModel | null): void {
  const form = byId<HTMLFormElement>('train-form');
  const presetField = byId<HTMLSelectElement>('preset');
  const epochsField = byId<HTMLInputElement>('epochs');
  const etaField = byId<HTMLInputElement>('eta');
  const sizeField = byId<HTMLInputElement>('train-size');
  const start = byId<HTMLButtonElement>('train-start');
  const stop = byId<HTMLButtonElement>('train-stop');
  const kernelsNote = byId('kernels');
  const progress = byId<HTMLProgressElement>('train-progress');
  const progressLabel = byId('progress-label');
  const table = byId<HTMLTableSectionElement>('epoch-rows');
  const weights = byId<HTMLCanvasElement>('weights');
  const weightsCaption = byId('weights-caption');
  const download = byId<HTMLButtonElement>('download');
  const useServed = byId<HTMLButtonElement>('use-served');
  const chart = new TrainingChart(byId('chart') as unknown as SVGSVGElement);

  const worker = new Worker('worker.js');
  const send = (request: WorkerRequest) => worker.postMessage(request);
  let settings: TrainSettings | null = null;
  let config: TrainConfig | null = null;
  let last: { epoch: number; correct: number; total: number } | null = null;

  const presetNote = byId('preset-note');
  const showPreset = () => {
    const chosen = preset(presetField.value as PresetName);
    etaField.value = String(chosen.eta);
    presetNote.textContent = describePreset(chosen);
  };
  showPreset();
  presetField.addEventListener('change', showPreset);
  // Before a run, the chart's x axis follows the epochs chosen.
  let ran = false;
  const planChart = () => {
    const epochs = Number(epochsField.value);
    if (!ran && Number.isInteger(epochs) && epochs >= 1 && epochs <= 200) chart.reset(epochs);
  };
  planChart();
  epochsField.addEventListener('input', planChart);
  sizeField.max = String(MAX_TRAIN_SIZE);

  const setRunning = (running: boolean) => {
    for (const field of [presetField, epochsField, etaField, sizeField, start]) field.disabled = running;
    stop.disabled = !running;
    form.setAttribute('aria-busy', String(running));
  };

  const showWeights = (w: FirstLayerWeights) => {
    drawWeightGrid(weights, w.values, w.units, gridColumns(w.units));
    weightsCaption.textContent = `First-layer weights of ${w.units === w.of ? `all ${w.of}` : `the first ${w.units} of ${w.of}`} hidden units, each as a 28×28 image: red pulls the unit up, blue down.`;
  };

  /** The settings in the form, checked as the command line checks its flags; null (and a message) when one is bad. */
  const readSettings = (): TrainSettings | null => {
    const s: TrainSettings = {
      preset: presetField.value as PresetName,
      epochs: Number(epochsField.value),
      eta: Number(etaField.value),
      trainSize: Number(sizeField.value),
    };
    try {
      configOf(s);
      if (!Number.isInteger(s.trainSize) || s.trainSize < 1 || s.trainSize > MAX_TRAIN_SIZE) {
        throw new Error(`training images must be a whole number from 1 to ${MAX_TRAIN_SIZE}, got ${sizeField.value || 'nothing'}`);
      }
    } catch (e) {
      announce(`Cannot train: ${messageOf(e)}`, 'error');
      return null;
    }
    return s;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const s = readSettings();
    if (!s) return;
    settings = s;
    ran = true;
    config = null;
    last = null;
    chart.reset(s.epochs);
    table.replaceChildren();
    progress.value = 0;
    progressLabel.textContent = 'Starting…';
    setRunning(true);
    announce(`Training ${s.preset} preset for ${s.epochs} epoch${s.epochs === 1 ? '' : 's'} on ${s.trainSize.toLocaleString('en')} images…`);
    send({ type: 'train', settings: s });
  });

  stop.addEventListener('click', () => {
    stop.disabled = true;
    progressLabel.textContent = 'Stopping…';
    send({ type: 'stop' });
  });

  download.addEventListener('click', () => {
    const model = currentModel();
    if (!model) return;
    const blob = new Blob([serializeModel(model.network, model.info, 'json')], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'digitnet-model.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    announce('Model saved as digitnet-model.json (load it with digitnet serve --model, or digitnet eval).');
  });

  useServed.addEventListener('click', () => {
    const served = servedModel();
    if (!served) return;
    setCurrentModel(served);
    announce('The drawing pad uses the served model again.');
  });

  const finish = (reply: Extract<WorkerReply, { type: 'done' }>) => {
    setRunning(false);
    progressLabel.textContent = reply.aborted ? 'Stopped' : 'Done';
    if (reply.epochsDone === 0 || !last) {
      announce('Stopped before the first epoch ended; the drawing pad keeps its model.');
      return;
    }
    const network = new Network(reply.spec);
    network.params.set(reply.params);
    const accuracy = `${((100 * last.correct) / last.total).toFixed(2)}%`;
    const info: ModelInfo = {
      training: { ...reply.config, schedule: formatSchedule(reply.config.schedule), data: { source: 'web page', trainSize: settings?.trainSize } },
      validation: { ...last },
    };
    setCurrentModel({
      network,
      description: `trained in this browser: ${reply.epochsDone} epoch${reply.epochsDone === 1 ? '' : 's'}, ${accuracy} on validation`,
      source: 'trained',
      info,
    });
    download.disabled = false;
    announce(`${reply.aborted ? 'Stopped' : 'Trained'} after ${reply.epochsDone} epoch${reply.epochsDone === 1 ? '' : 's'}: ${accuracy} of the validation images right. The drawing pad now uses this network.`);
  };

  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    switch (reply.type) {
      case 'kernels':
        kernelsNote.textContent = reply.name === 'wasm' ? 'Kernels: wasm (WebAssembly SIMD, float32)' : `Kernels: reference (plain TypeScript, float64): ${reply.note ?? 'chosen'}`;
        kernelsNote.dataset.kernels = reply.name;
        return;
      case 'status':
        progressLabel.textContent = reply.text;
        return;
      case 'started':
        config = reply.config;
        progressLabel.textContent = `Epoch 1 of ${reply.config.epochs}`;
        showWeights(reply.weights);
        return;
      case 'progress': {
        const epochs = config?.epochs ?? 1;
        progress.value = (reply.epoch + reply.done / reply.total) / epochs;
        progressLabel.textContent = `Epoch ${reply.epoch + 1} of ${epochs}: ${reply.done.toLocaleString('en')} / ${reply.total.toLocaleString('en')} images`;
        return;
      }
      case 'epoch': {
        last = { epoch: reply.epoch, correct: reply.correct, total: reply.total };
        const accuracy = (100 * reply.correct) / reply.total;
        chart.add({ epoch: reply.epoch + 1, accuracy, cost: reply.validationCost });
        const row = table.insertRow();
        for (const text of [String(reply.epoch + 1), `${accuracy.toFixed(2)}%`, `${reply.correct.toLocaleString('en')} / ${reply.total.toLocaleString('en')}`, reply.validationCost.toFixed(4), `${reply.seconds.toFixed(2)} s`]) {
          row.insertCell().textContent = text;
        }
        showWeights(reply.weights);
        return;
      }
      case 'done':
        finish(reply);
        return;
      case 'error':
        setRunning(false);
        progressLabel.textContent = 'Failed';
        announce(`Training failed: ${reply.text}`, 'error');
        return;
      case 'evaluated':
        return;
    }
  };
  worker.onerror = (event) => {
    setRunning(false);
    announce(`The training worker failed: ${event.message}`, 'error');
  };
  send({ type: 'init' });
}

/** Columns for `units` tiles: 8 to 12, whichever leaves the last row fullest (30 units: 10 by 3). */
function gridColumns(units: number): number {
  if (units <= 12) return units;
  let best = 12;
  for (let c = 12; c >= 8; c--) if ((units % c || c) > (units % best || best)) best = c;
  return best;
}

/** "ReLU → softmax, log-likelihood cost, batch 20, momentum 0.9, L2 5": what a recipe does besides its sizes. */
function describePreset(config: TrainConfig): string {
  const parts = [`${[...new Set(config.hidden)].join('/')} → ${config.output}`, `${config.cost} cost`, `batch ${config.batchSize}`];
  if (config.momentum > 0) parts.push(`${config.nesterov ? 'Nesterov ' : ''}momentum ${config.momentum}`);
  if (config.l2 > 0) parts.push(`L2 ${config.l2}`);
  if (config.schedule.kind !== 'none') parts.push(`η schedule ${formatSchedule(config.schedule)}`);
  if (config.augment > 0) parts.push('digits distorted afresh every epoch');
  return parts.join(', ');
}
