/**
 * The Train panel: set the network's layers, hidden activation, batch size,
 * epochs, η, training images and augmentation (each checked as
 * `digitnet train` checks its flags, errors shown at the field); the worker
 * trains with the library's trainer while this panel draws progress, the
 * accuracy/cost chart, a table of epochs (numbered from 0, as the CLI prints
 * them) and the first layer's weights. Every run, finished or stopped, goes
 * on the model shelf (model-shelf.ts) with its recipe and accuracy; it takes
 * over the drawing pad only when it beats the model in use on the test
 * images, or when a person chooses it.
 */
import { UsageError } from '../../src/errors.js';
import type { ModelInfo } from '../../src/io/model-format.js';
import { MAX_AUGMENT, type TrainConfig } from '../../src/train/config.js';
import { VALIDATION_SIZE } from '../../src/data/mnist-split.js';
import type { ActivationName } from '../../src/nn/activations.js';
import { Network } from '../../src/nn/network.js';
import { formatSchedule } from '../../src/train/schedule.js';
import { type CurrentModel, onModelChange } from './current-model.js';
import { byId } from './dom.js';
import {
  addToShelf,
  bindShelfSelect,
  chooseFromShelf,
  chosenEntry,
  downloadEntry,
  onShelfChange,
  percent,
  type EpochRow,
  type ShelfEntry,
  shelf,
  updateShelf,
} from './model-shelf.js';
import { drawWeightGrid } from './pictures.js';
import { announce, messageOf } from './status.js';
import { TrainingChart } from './training-chart.js';
import {
  configOf,
  DEFAULT_SETTINGS,
  type FirstLayerWeights,
  HIDDEN_ACTIVATIONS,
  parseLayers,
  type TrainSettings,
  type WorkerReply,
  type WorkerRequest,
} from './worker-protocol.js';

/** MNIST has 60,000 training images; the last VALIDATION_SIZE validate. */
const MAX_TRAIN_SIZE = 60_000 - VALIDATION_SIZE;

type FieldName = 'layers' | 'activation' | 'batch' | 'epochs' | 'eta' | 'train-size' | 'augment';

/** Which field a message from the library's checks is about. */
function fieldOf(message: string): FieldName {
  if (/batch/i.test(message)) return 'batch';
  if (/activation|softmax/i.test(message)) return 'activation';
  if (/epoch/i.test(message)) return 'epochs';
  if (/learning rate|eta|η/i.test(message)) return 'eta';
  if (/augment/i.test(message)) return 'augment';
  if (/training (images|set)|examples/i.test(message)) return 'train-size';
  return 'layers';
}

export function setUpTrainPanel(_servedModel: () => CurrentModel | null): void {
  const form = byId<HTMLFormElement>('train-form');
  const fields: Record<FieldName, HTMLInputElement | HTMLSelectElement> = {
    layers: byId<HTMLInputElement>('layers'),
    activation: byId<HTMLSelectElement>('activation'),
    batch: byId<HTMLInputElement>('batch'),
    epochs: byId<HTMLInputElement>('epochs'),
    eta: byId<HTMLInputElement>('eta'),
    'train-size': byId<HTMLInputElement>('train-size'),
    augment: byId<HTMLInputElement>('augment'),
  };
  const start = byId<HTMLButtonElement>('train-start');
  const stop = byId<HTMLButtonElement>('train-stop');
  const kernelsNote = byId('kernels');
  const progress = byId<HTMLProgressElement>('train-progress');
  const progressLabel = byId('progress-label');
  const table = byId<HTMLTableSectionElement>('epoch-rows');
  const weights = byId<HTMLCanvasElement>('weights');
  const weightsCaption = byId('weights-caption');
  const shelfList = byId<HTMLUListElement>('shelf-list');
  const chart = new TrainingChart(byId('chart') as unknown as SVGSVGElement);

  // The form starts with the default recipe.
  const activation = fields.activation as HTMLSelectElement;
  activation.replaceChildren(
    ...HIDDEN_ACTIVATIONS.map((a) => {
      const option = document.createElement('option');
      option.value = a;
      option.textContent = a;
      return option;
    }),
  );
  fields.layers.value = DEFAULT_SETTINGS.layers.join(',');
  activation.value = DEFAULT_SETTINGS.activation;
  fields.batch.value = String(DEFAULT_SETTINGS.batchSize);
  fields.epochs.value = String(DEFAULT_SETTINGS.epochs);
  fields.eta.value = String(DEFAULT_SETTINGS.eta);
  fields['train-size'].value = String(DEFAULT_SETTINGS.trainSize);
  fields['train-size'].setAttribute('max', String(MAX_TRAIN_SIZE));
  fields.augment.value = String(DEFAULT_SETTINGS.augment);
  fields.augment.setAttribute('max', String(MAX_AUGMENT));

  const worker = new Worker('worker.js');
  const send = (request: WorkerRequest) => worker.postMessage(request);
  let settings: TrainSettings | null = null;
  let config: TrainConfig | null = null;
  let last: { epoch: number; correct: number; total: number } | null = null;
  let rows: EpochRow[] = [];
  const chartOf = byId('chart-of');
  let runs = 0;
  let running = false;

  // Before a run, the chart's x axis follows the epochs chosen.
  let ran = false;
  const planChart = () => {
    const epochs = Number(fields.epochs.value);
    if (!ran && Number.isInteger(epochs) && epochs >= 1 && epochs <= 200) chart.reset(epochs);
  };
  planChart();
  fields.epochs.addEventListener('input', planChart);

  const setRunning = (on: boolean) => {
    running = on;
    for (const field of [...Object.values(fields), start]) field.disabled = on;
    stop.disabled = !on;
    form.setAttribute('aria-busy', String(on));
    renderShelf();
  };

  const showWeights = (w: FirstLayerWeights) => {
    drawWeightGrid(weights, w.values, w.units, gridColumns(w.units));
    weightsCaption.textContent = `First-layer weights of ${w.units === w.of ? `all ${w.of}` : `the first ${w.units} of ${w.of}`} hidden units, each as a 28×28 image: red pulls the unit up, blue down.`;
  };

  // Errors at the field: aria-invalid and a message under it.
  const setError = (name: FieldName, message: string | null) => {
    const field = fields[name];
    const note = byId(`${name}-error`);
    note.textContent = message ?? '';
    note.hidden = message === null;
    if (message === null) field.removeAttribute('aria-invalid');
    else field.setAttribute('aria-invalid', 'true');
  };
  for (const [name, field] of Object.entries(fields) as [FieldName, HTMLInputElement][]) {
    field.addEventListener('input', () => setError(name, null));
  }

  const whole = (name: FieldName, what: string, min: number, max: number): number => {
    const text = fields[name].value.trim();
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${what} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, got ${text || 'nothing'}`);
    return n;
  };
  const decimal = (name: FieldName): number => {
    const text = fields[name].value.trim();
    return text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? NaN : Number(text);
  };

  /** The settings in the form, checked as the command line checks its flags; null (and messages at the fields) when one is bad. */
  const readSettings = (): TrainSettings | null => {
    const problems = new Map<FieldName, string>();
    const read = <T>(name: FieldName, get: () => T, fallback: T): T => {
      try {
        return get();
      } catch (e) {
        problems.set(name, messageOf(e));
        return fallback;
      }
    };
    const s: TrainSettings = {
      layers: read('layers', () => parseLayers(fields.layers.value), DEFAULT_SETTINGS.layers),
      activation: activation.value as ActivationName,
      batchSize: read('batch', () => whole('batch', 'batch size', 1, 10_000), DEFAULT_SETTINGS.batchSize),
      epochs: read('epochs', () => whole('epochs', 'epochs', 1, 200), DEFAULT_SETTINGS.epochs),
      eta: read('eta', () => decimal('eta'), DEFAULT_SETTINGS.eta),
      trainSize: read('train-size', () => whole('train-size', 'training images', 1, MAX_TRAIN_SIZE), DEFAULT_SETTINGS.trainSize),
      augment: read('augment', () => decimal('augment'), DEFAULT_SETTINGS.augment),
    };
    // The library's own checks (checkConfig), one field at a time so each message lands at its field.
    const check = (name: FieldName, change: Partial<TrainSettings>) => {
      if (problems.has(name)) return;
      try {
        configOf({ ...DEFAULT_SETTINGS, ...change });
      } catch (e) {
        problems.set(name, messageOf(e));
      }
    };
    check('eta', { eta: s.eta });
    check('augment', { augment: s.augment });
    check('epochs', { epochs: s.epochs });
    check('layers', { layers: s.layers });
    if (!problems.has('layers')) check('activation', { layers: s.layers, activation: s.activation });
    if (problems.size === 0) {
      try {
        configOf(s);
        if (s.batchSize > s.trainSize) throw new UsageError(`batch size ${s.batchSize} is larger than the training set (${s.trainSize} examples)`);
      } catch (e) {
        problems.set(fieldOf(messageOf(e)), messageOf(e));
      }
    }
    for (const name of Object.keys(fields) as FieldName[]) setError(name, problems.get(name) ?? null);
    if (problems.size > 0) {
      const [first] = problems.keys();
      fields[first].focus();
      announce(`Cannot train: ${[...problems.values()].join('; ')}`, 'error');
      return null;
    }
    return s;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (running) return;
    const s = readSettings();
    if (!s) return;
    settings = s;
    ran = true;
    config = null;
    last = null;
    rows = [];
    chart.reset(s.epochs);
    table.replaceChildren();
    chartOf.textContent = `Run ${runs + 1}, under way.`;
    progress.value = 0;
    progressLabel.textContent = 'Starting…';
    setRunning(true);
    announce(`Training ${recipeOf(s)}…`);
    send({ type: 'train', settings: s });
  });

  stop.addEventListener('click', () => {
    stop.disabled = true;
    progressLabel.textContent = 'Stopping…';
    send({ type: 'stop' });
  });

  // Test accuracy of shelf entries, scored by the worker on the 10,000 test images.
  let nextEvaluation = 1;
  const scoring = new Map<number, ShelfEntry>();
  const score = (entry: ShelfEntry) => {
    const id = nextEvaluation++;
    scoring.set(id, entry);
    send({ type: 'evaluate', id, spec: entry.model.network.spec, params: entry.model.network.params.slice() });
  };
  const scored = (entry: ShelfEntry) => {
    if (!entry.model.info.test) entry.model.info.test = entry.test ?? undefined;
    if (entry.model.source !== 'trained' || entry.model === chosenEntry()?.model) return;
    const current = chosenEntry();
    const better = !current || !current.test || (entry.test && entry.test.correct / entry.test.total > current.test.correct / current.test.total);
    if (better) {
      chooseFromShelf(entry.id);
      announce(`${entry.name} scores ${percent(entry.test)} on the test images, better than ${current?.name ?? 'the model in use'}: the drawing pad now uses it.`);
    } else {
      announce(`${entry.name} is on the shelf: ${percent(entry.test)} on the test images, not better than ${current.name} (${percent(current.test)}), which the drawing pad keeps. Choose it on the shelf to use it.`);
    }
  };
  onModelChange(() => {
    for (const entry of shelf()) if (!entry.test && ![...scoring.values()].includes(entry)) score(entry);
  });

  const renderShelf = () => {
    const chosen = chosenEntry();
    shelfList.replaceChildren(
      ...shelf().map((entry) => {
        const li = document.createElement('li');
        li.className = 'shelf-item';
        li.dataset.id = String(entry.id);
        if (entry === chosen) li.dataset.chosen = 'true';
        const title = document.createElement('p');
        title.className = 'shelf-name';
        title.textContent = `${entry.name}${entry.stopped ? ' (stopped)' : ''}${entry === chosen ? ' · on the pad' : ''}`;
        const recipe = document.createElement('p');
        recipe.className = 'shelf-recipe';
        recipe.textContent = entry.recipe;
        const scores = document.createElement('p');
        scores.className = 'shelf-scores';
        scores.textContent = `Validation ${entry.validation ? percent(entry.validation) : '–'} · Test ${entry.test ? percent(entry.test) : 'scoring…'}`;
        const actions = document.createElement('div');
        actions.className = 'shelf-actions';
        const use = document.createElement('button');
        use.type = 'button';
        use.className = 'shelf-use';
        use.textContent = entry === chosen ? 'In use' : 'Use on the pad';
        use.disabled = entry === chosen;
        use.setAttribute('aria-label', `Use ${entry.name} on the drawing pad`);
        use.addEventListener('click', () => {
          chooseFromShelf(entry.id);
          announce(`The drawing pad uses ${entry.name} now.`);
        });
        const save = document.createElement('button');
        save.type = 'button';
        save.className = 'shelf-download';
        save.textContent = 'Download';
        save.setAttribute('aria-label', `Download ${entry.name}`);
        save.addEventListener('click', () => {
          const name = downloadEntry(entry);
          announce(`${entry.name} saved as ${name} (load it with digitnet serve --model, or digitnet eval).`);
        });
        actions.append(use, save);
        if (entry.history) {
          const show = document.createElement('button');
          show.type = 'button';
          show.className = 'shelf-chart';
          show.textContent = 'Chart';
          show.disabled = running;
          show.setAttribute('aria-label', `Show the chart and table of ${entry.name}`);
          show.addEventListener('click', () => showHistory(entry));
          actions.append(show);
        }
        li.append(title, recipe, scores, actions);
        return li;
      }),
    );
    if (shelf().length === 0) {
      const li = document.createElement('li');
      li.className = 'shelf-empty';
      li.textContent = 'The served model and every network you train here will be listed here.';
      shelfList.append(li);
    }
  };
  onShelfChange(renderShelf);
  onModelChange(renderShelf);
  renderShelf();
  bindShelfSelect(byId<HTMLSelectElement>('pad-model'));

  const addRow = (r: EpochRow) => {
    const accuracy = (100 * r.correct) / r.total;
    chart.add({ epoch: r.epoch, accuracy, cost: r.cost });
    const tr = table.insertRow();
    for (const text of [String(r.epoch), `${accuracy.toFixed(2)}%`, `${r.correct.toLocaleString('en')} / ${r.total.toLocaleString('en')}`, r.cost.toFixed(4), `${r.seconds.toFixed(2)} s`]) {
      tr.insertCell().textContent = text;
    }
  };
  /** Shows a shelf entry's chart and table again. */
  const showHistory = (entry: ShelfEntry) => {
    if (!entry.history || running) return;
    chart.reset(entry.history.planned);
    table.replaceChildren();
    for (const r of entry.history.rows) addRow(r);
    chartOf.textContent = `${entry.name}${entry.stopped ? ', stopped' : ''}.`;
  };

  const finish = (reply: Extract<WorkerReply, { type: 'done' }>) => {
    setRunning(false);
    progressLabel.textContent = reply.aborted ? `Stopped after ${reply.epochsDone} epoch${reply.epochsDone === 1 ? '' : 's'}` : 'Done';
    if (reply.epochsDone === 0 || !last || !settings) {
      chartOf.textContent = 'The last run stopped before its first epoch ended.';
      announce('Stopped before the first epoch ended: nothing to keep; the drawing pad keeps its model.');
      return;
    }
    const network = new Network(reply.spec);
    network.params.set(reply.params);
    const info: ModelInfo = {
      training: { ...reply.config, schedule: formatSchedule(reply.config.schedule), data: { source: 'web page', trainSize: settings.trainSize } },
      validation: { ...last },
    };
    runs++;
    const name = `Run ${runs}`;
    const entry = addToShelf({
      name,
      model: {
        network,
        description: `${name}, trained in this browser: ${reply.epochsDone} epoch${reply.epochsDone === 1 ? '' : 's'}, ${percent(last)} on validation`,
        source: 'trained',
        info,
      },
      recipe: recipeOf(settings, reply.aborted ? reply.epochsDone : undefined),
      validation: { correct: last.correct, total: last.total },
      test: null,
      stopped: reply.aborted,
      history: { planned: settings.epochs, rows },
    });
    chartOf.textContent = `${name}${reply.aborted ? ', stopped' : ''}.`;
    announce(`${reply.aborted ? 'Stopped' : 'Trained'} after ${reply.epochsDone} epoch${reply.epochsDone === 1 ? '' : 's'}: ${percent(last)} of the validation images right. ${name} is on the shelf; scoring it on the test images…`);
    score(entry);
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
        progressLabel.textContent = `Epoch 0 of 0–${reply.config.epochs - 1}`;
        showWeights(reply.weights);
        return;
      case 'progress': {
        const epochs = config?.epochs ?? 1;
        progress.value = (reply.epoch + reply.done / reply.total) / epochs;
        progressLabel.textContent = `Epoch ${reply.epoch} of 0–${epochs - 1}: ${reply.done.toLocaleString('en')} / ${reply.total.toLocaleString('en')} images`;
        return;
      }
      case 'epoch': {
        last = { epoch: reply.epoch, correct: reply.correct, total: reply.total };
        const row: EpochRow = { epoch: reply.epoch, correct: reply.correct, total: reply.total, cost: reply.validationCost, seconds: reply.seconds };
        rows.push(row);
        addRow(row);
        showWeights(reply.weights);
        return;
      }
      case 'done':
        finish(reply);
        return;
      case 'evaluated': {
        const entry = scoring.get(reply.id);
        if (!entry) return;
        scoring.delete(reply.id);
        updateShelf(entry.id, { test: { correct: reply.correct, total: reply.total } });
        scored(entry);
        return;
      }
      case 'error':
        if (reply.id !== undefined && scoring.has(reply.id)) {
          scoring.delete(reply.id);
          return;
        }
        setRunning(false);
        progressLabel.textContent = 'Failed';
        if (/batch size/.test(reply.text)) setError('batch', reply.text);
        announce(`Training failed: ${reply.text}`, 'error');
        return;
    }
  };
  worker.onerror = (event) => {
    setRunning(false);
    announce(`The training worker failed: ${event.message}`, 'error');
  };
  send({ type: 'init' });
}

/** "[784, 100, 10] relu → softmax, batch 20, η 0.05, 3 epochs on 10,000 images". */
function recipeOf(s: TrainSettings, epochsDone?: number): string {
  const shape = `[${s.layers.join(', ')}] ${s.layers.length > 2 ? `${s.activation} → ` : ''}softmax`;
  const epochs = epochsDone === undefined ? `${s.epochs} epoch${s.epochs === 1 ? '' : 's'}` : `${epochsDone} of ${s.epochs} epochs`;
  const parts = [shape, `batch ${s.batchSize}`, `η ${s.eta} (Nesterov 0.9, L2 5)`, `${epochs} on ${s.trainSize.toLocaleString('en')} images`];
  if (s.augment > 0) parts.push(`augmented ×${s.augment}`);
  return parts.join(', ');
}

/** Columns for `units` tiles: 8 to 12, whichever leaves the last row fullest (30 units: 10 by 3). */
function gridColumns(units: number): number {
  if (units <= 12) return units;
  let best = 12;
  for (let c = 12; c >= 8; c--) if ((units % c || c) > (units % best || best)) best = c;
  return best;
}
