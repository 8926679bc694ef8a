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
import type { ModelInfo } from '../../src/io/model-format.js';
import { Network } from '../../src/nn/network.js';
import type { TrainConfig } from '../../src/train/config.js';
import { trainingRecord } from '../../src/io/training-record.js';
import { onModelChange } from './current-model.js';
import { byId } from './dom.js';
import {
  addToShelf,
  bindShelfSelect,
  chooseFromShelf,
  chosenEntry,
  onShelfChange,
  percent,
  renderShelfList,
  type EpochRow,
  type Score,
  type ShelfEntry,
  shelf,
  updateShelf,
} from './model-shelf.js';
import { drawWeightGrid } from './pictures.js';
import { announce } from './status.js';
import { TrainForm } from './train-form.js';
import { TrainingChart } from './training-chart.js';
import type { FirstLayerWeights, TrainSettings, WorkerReply, WorkerRequest } from './worker-protocol.js';

type Done = Extract<WorkerReply, { type: 'done' }>;

/** The run under way, or the last one: its recipe, the trainer's config once started, and its epochs so far. */
interface Run {
  settings: TrainSettings;
  config: TrainConfig | null;
  last: (Score & { epoch: number }) | null;
  rows: EpochRow[];
}

export function setUpTrainPanel(): void {
  new TrainPanel();
}

class TrainPanel {
  private readonly form = new TrainForm();
  private readonly start = byId<HTMLButtonElement>('train-start');
  private readonly stop = byId<HTMLButtonElement>('train-stop');
  private readonly kernelsNote = byId('kernels');
  private readonly progress = byId<HTMLProgressElement>('train-progress');
  private readonly progressLabel = byId('progress-label');
  private readonly table = byId<HTMLTableSectionElement>('epoch-rows');
  private readonly tableBox = byId('epoch-table');
  private readonly epochsNote = byId('epochs-note');
  private readonly weights = byId<HTMLCanvasElement>('weights');
  private readonly weightsCaption = byId('weights-caption');
  private readonly shelfList = byId<HTMLUListElement>('shelf-list');
  private readonly chartOf = byId('chart-of');
  private readonly chart = new TrainingChart(byId('chart') as unknown as SVGSVGElement);
  private readonly worker = new Worker('worker.js');
  private run: Run | null = null;
  /** Runs that reached the shelf: the next is called "Run runs + 1". */
  private runs = 0;
  private running = false;
  /** Shelf entries being scored on the test images, by request id. */
  private readonly scoring = new Map<number, ShelfEntry>();
  private nextEvaluation = 1;

  constructor() {
    // Before the first run, the chart's x axis follows the epochs chosen.
    this.planChart();
    this.form.onEpochsInput(() => this.planChart());
    this.form.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.begin();
    });
    this.stop.addEventListener('click', () => {
      this.stop.disabled = true;
      this.progressLabel.textContent = 'Stopping…';
      this.send({ type: 'stop' });
    });
    onModelChange(() => {
      for (const entry of shelf()) if (!entry.test && ![...this.scoring.values()].includes(entry)) this.score(entry);
    });
    onShelfChange(() => this.renderShelf());
    onModelChange(() => this.renderShelf());
    this.renderShelf();
    bindShelfSelect(byId<HTMLSelectElement>('pad-model'));
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      this.setRunning(false);
      announce(`The training worker failed: ${event.message}`, 'error');
    };
    this.send({ type: 'init' });
  }

  private send(request: WorkerRequest): void {
    this.worker.postMessage(request);
  }

  private planChart(): void {
    const epochs = this.form.plannedEpochs();
    if (!this.run && epochs !== null) this.chart.reset(epochs);
  }

  private setRunning(on: boolean): void {
    this.running = on;
    this.form.disabled = on;
    this.start.disabled = on;
    this.stop.disabled = !on;
    this.form.element.setAttribute('aria-busy', String(on));
    this.renderShelf();
  }

  private renderShelf(): void {
    renderShelfList(this.shelfList, { running: this.running, showHistory: (entry) => this.showHistory(entry) });
  }

  /** The form's recipe, if it passes its checks, goes to the worker; the chart, table and progress start over. */
  private begin(): void {
    if (this.running) return;
    const settings = this.form.read();
    if (!settings) return;
    this.run = { settings, config: null, last: null, rows: [] };
    this.resetTable(settings.epochs);
    this.chartOf.textContent = `Run ${this.runs + 1}, under way.`;
    this.progress.value = 0;
    this.progressLabel.textContent = 'Starting…';
    this.setRunning(true);
    announce(`Training ${recipeOf(settings)}…`);
    this.send({ type: 'train', settings });
  }

  private receive(reply: WorkerReply): void {
    switch (reply.type) {
      case 'kernels':
        this.kernelsNote.textContent =
          reply.name === 'wasm' ? 'Kernels: wasm (WebAssembly SIMD, float32)' : `Kernels: reference (plain TypeScript, float64): ${reply.note ?? 'chosen'}`;
        this.kernelsNote.dataset.kernels = reply.name;
        return;
      case 'status':
        this.progressLabel.textContent = reply.text;
        return;
      case 'started':
        if (this.run) this.run.config = reply.config;
        this.progressLabel.textContent = `Epoch 0 of 0–${reply.config.epochs - 1}`;
        this.showWeights(reply.weights);
        return;
      case 'progress': {
        const epochs = this.run?.config?.epochs ?? 1;
        this.progress.value = (reply.epoch + reply.done / reply.total) / epochs;
        this.progressLabel.textContent = `Epoch ${reply.epoch} of 0–${epochs - 1}: ${reply.done.toLocaleString('en')} / ${reply.total.toLocaleString('en')} images`;
        return;
      }
      case 'epoch':
        return this.epochEnded(reply);
      case 'done':
        return this.finish(reply);
      case 'evaluated':
        return this.evaluated(reply.id, { correct: reply.correct, total: reply.total });
      case 'error':
        return this.failed(reply.text, reply.id);
    }
  }

  private epochEnded(reply: Extract<WorkerReply, { type: 'epoch' }>): void {
    const row: EpochRow = { epoch: reply.epoch, correct: reply.correct, total: reply.total, cost: reply.validationCost, seconds: reply.seconds };
    if (this.run) {
      this.run.last = { epoch: reply.epoch, correct: reply.correct, total: reply.total };
      this.run.rows.push(row);
    }
    this.addRow(row);
    if (this.run) this.epochsNote.textContent = epochsNote(this.run.rows.length, this.run.settings.epochs, false);
    this.showWeights(reply.weights);
  }

  /** An error from the worker: a failed scoring is dropped quietly; a failed run is said. */
  private failed(text: string, id: number | undefined): void {
    if (id !== undefined && this.scoring.has(id)) {
      this.scoring.delete(id);
      return;
    }
    this.setRunning(false);
    this.progressLabel.textContent = 'Failed';
    this.epochsNote.textContent = 'The run failed: see the message at the bottom of the page.';
    this.form.showRunError(text);
    announce(`Training failed: ${text}`, 'error');
  }

  private showWeights(w: FirstLayerWeights): void {
    drawWeightGrid(this.weights, w.values, w.units, gridColumns(w.units));
    this.weights.hidden = false;
    const which = w.units === w.of ? `all ${w.of}` : `the first ${w.units} of ${w.of}`;
    this.weightsCaption.textContent = `First-layer weights of ${which} hidden units, each as a 28×28 image: red pulls the unit up, blue down.`;
  }

  /** An empty chart and table for `epochs` epochs, the table's rows reserved (see .table-wrap in style.css). */
  private resetTable(epochs: number): void {
    this.chart.reset(epochs);
    this.table.replaceChildren();
    this.tableBox.style.setProperty('--rows', String(Math.min(epochs, 10)));
    this.epochsNote.textContent = epochsNote(0, epochs, false);
  }

  private addRow(r: EpochRow): void {
    const accuracy = (100 * r.correct) / r.total;
    this.chart.add({ epoch: r.epoch, accuracy, cost: r.cost });
    const tr = this.table.insertRow();
    const correct = `${r.correct.toLocaleString('en')} / ${r.total.toLocaleString('en')}`;
    for (const text of [String(r.epoch), `${accuracy.toFixed(2)}%`, correct, r.cost.toFixed(4), `${r.seconds.toFixed(2)} s`]) {
      tr.insertCell().textContent = text;
    }
    // Past ten rows the table scrolls in its box: keep the newest epoch in view.
    this.tableBox.scrollTop = this.tableBox.scrollHeight;
  }

  /** Shows a shelf entry's chart and table again. */
  private showHistory(entry: ShelfEntry): void {
    if (!entry.history || this.running) return;
    this.resetTable(entry.history.planned);
    for (const r of entry.history.rows) this.addRow(r);
    this.epochsNote.textContent = epochsNote(entry.history.rows.length, entry.history.planned, entry.stopped);
    this.chartOf.textContent = `${entry.name}${entry.stopped ? ', stopped' : ''}.`;
  }

  /** A run ended, finished or stopped: after at least one epoch it goes on the shelf and is scored on the test images. */
  private finish(reply: Done): void {
    this.setRunning(false);
    const epochs = `${reply.epochsDone} epoch${reply.epochsDone === 1 ? '' : 's'}`;
    this.progressLabel.textContent = reply.aborted ? `Stopped after ${epochs}` : 'Done';
    const run = this.run;
    if (run) this.epochsNote.textContent = epochsNote(reply.epochsDone, run.settings.epochs, reply.aborted);
    if (reply.epochsDone === 0 || !run?.last) {
      this.chartOf.textContent = 'The last run stopped before its first epoch ended.';
      announce('Stopped before the first epoch ended: nothing to keep; the drawing pad keeps its model.');
      return;
    }
    this.runs++;
    const name = `Run ${this.runs}`;
    const entry = addToShelf({
      name,
      model: { network: networkOf(reply), description: `${name}, trained in this browser: ${epochs}, ${percent(run.last)} on validation`, source: 'trained', info: infoOf(reply, run.settings, run.last) },
      recipe: recipeOf(run.settings, reply.aborted ? reply.epochsDone : undefined),
      validation: { correct: run.last.correct, total: run.last.total },
      test: null,
      stopped: reply.aborted,
      history: { planned: run.settings.epochs, rows: run.rows },
    });
    this.chartOf.textContent = `${name}${reply.aborted ? ', stopped' : ''}.`;
    announce(`${reply.aborted ? 'Stopped' : 'Trained'} after ${epochs}: ${percent(run.last)} of the validation images right. ${name} is on the shelf; scoring it on the test images…`);
    this.score(entry);
  }

  /** Asks the worker to score a shelf entry on the 10,000 test images. */
  private score(entry: ShelfEntry): void {
    const id = this.nextEvaluation++;
    this.scoring.set(id, entry);
    this.send({ type: 'evaluate', id, spec: entry.model.network.spec, params: entry.model.network.params.slice() });
  }

  private evaluated(id: number, test: Score): void {
    const entry = this.scoring.get(id);
    if (!entry) return;
    this.scoring.delete(id);
    updateShelf(entry.id, { test });
    this.scored(entry);
  }

  /** A run scored on the test images takes the pad when it beats the model in use; either way the status line says so. */
  private scored(entry: ShelfEntry): void {
    if (!entry.model.info.test) entry.model.info.test = entry.test ?? undefined;
    if (entry.model.source !== 'trained' || entry.model === chosenEntry()?.model) return;
    const current = chosenEntry();
    const better = !current || !current.test || (entry.test && entry.test.correct / entry.test.total > current.test.correct / current.test.total);
    if (better) {
      chooseFromShelf(entry.id);
      announce(`${entry.name} scores ${percent(entry.test)} on the test images, better than ${current?.name ?? 'the model in use'}: the drawing pad now uses it.`);
    } else {
      announce(
        `${entry.name} is on the shelf: ${percent(entry.test)} on the test images, not better than ${current.name} (${percent(current.test)}), which the drawing pad keeps. Choose it on the shelf to use it.`,
      );
    }
  }
}

/** The line under the epoch table: which epochs are still to come, or how the run ended. Numbered from 0, as the rows are. */
function epochsNote(done: number, planned: number, stopped: boolean): string {
  if (stopped) return done === 0 ? 'Stopped before the first epoch ended.' : `Stopped after ${done} of ${planned} epochs.`;
  if (done >= planned) return `All ${planned} epoch${planned === 1 ? '' : 's'} done, numbered 0–${planned - 1}.`;
  return done === planned - 1 ? `Epoch ${done} to come.` : `Epochs ${done}–${planned - 1} to come.`;
}

/** The trained network the worker sent back. */
function networkOf(reply: Done): Network {
  const network = new Network(reply.spec);
  network.params.set(reply.params);
  return network;
}

/** What a downloaded model file records of the run: its recipe, data and last validation score. */
function infoOf(reply: Done, settings: TrainSettings, last: NonNullable<Run['last']>): ModelInfo {
  return {
    training: trainingRecord(reply.config, { source: 'web page', trainSize: settings.trainSize }),
    validation: { ...last },
  };
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
