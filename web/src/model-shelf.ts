/**
 * The model shelf: the served model and every network trained in this page,
 * each with its recipe, validation and test accuracy. One of them is the
 * pad's (current-model.ts); a new run takes over only when it scores better
 * on the test images than the one in use, or when a person chooses it.
 * Nothing on the shelf is lost until the page is closed.
 */
import { serializeModel } from '../../src/io/model-format.js';
import { describeShape } from '../../src/nn/network.js';
import { type CurrentModel, currentModel, onModelChange, setCurrentModel } from './current-model.js';
import { download } from './dom.js';
import { announce } from './status.js';

export interface Score {
  correct: number;
  total: number;
}

export interface ShelfEntry {
  id: number;
  /** "Served model", "Run 1", … */
  name: string;
  model: CurrentModel;
  /** "[784, 100, 10] relu, batch 20, η 0.05, 3 epochs on 10,000 images". */
  recipe: string;
  validation: Score | null;
  /** On the 10,000 MNIST test images; null until scored. */
  test: Score | null;
  /** A run stopped before its last epoch. */
  stopped: boolean;
  /** A run's validation after each epoch, and the epochs it planned: its chart and table. */
  history?: { planned: number; rows: EpochRow[] };
}

export interface EpochRow {
  /** From 0, as the CLI numbers epochs. */
  epoch: number;
  correct: number;
  total: number;
  cost: number;
  seconds: number;
}

type Listener = () => void;

const entries: ShelfEntry[] = [];
const listeners: Listener[] = [];
let nextId = 1;

export function shelf(): readonly ShelfEntry[] {
  return entries;
}

export function onShelfChange(listener: Listener): void {
  listeners.push(listener);
}

function changed(): void {
  for (const listener of listeners) listener();
}

export function addToShelf(entry: Omit<ShelfEntry, 'id'>): ShelfEntry {
  const added = { ...entry, id: nextId++ };
  entries.push(added);
  changed();
  return added;
}

export function updateShelf(id: number, change: Partial<Omit<ShelfEntry, 'id'>>): void {
  const entry = entries.find((e) => e.id === id);
  if (!entry) return;
  Object.assign(entry, change);
  changed();
}

/** The entry the pad uses, if it is on the shelf. */
export function chosenEntry(): ShelfEntry | undefined {
  const model = currentModel();
  return entries.find((e) => e.model === model);
}

export function chooseFromShelf(id: number): void {
  const entry = entries.find((e) => e.id === id);
  if (entry && entry.model !== currentModel()) setCurrentModel(entry.model);
}

export function percent(score: Score | null): string {
  return score ? `${((100 * score.correct) / score.total).toFixed(2)}%` : '…';
}

/** The option text: "Run 1 · [784, 100, 10] · 97.12% test". */
export function shortLabel(entry: ShelfEntry): string {
  const score = entry.test ? `${percent(entry.test)} test` : entry.validation ? `${percent(entry.validation)} validation` : 'scoring…';
  return `${entry.name} · [${entry.model.network.sizes.join(', ')}] · ${score}`;
}

/** Saves an entry as a DigitNet model file (JSON), named after it. */
export function downloadEntry(entry: ShelfEntry): string {
  const model = entry.model;
  const blob = new Blob([serializeModel(model.network, model.info, 'json')], { type: 'application/json' });
  const name = `digitnet-${entry.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.json`;
  download(blob, name);
  return name;
}

/** What the shelf's list needs from the Train panel. */
export interface ShelfListOptions {
  /** While a run is under way the chart and table belong to it: no entry's history can take them. */
  running: boolean;
  showHistory(entry: ShelfEntry): void;
}

/** Fills `list` with the shelf: each entry's name, recipe and scores, and its buttons; a line saying what will come when it is empty. */
export function renderShelfList(list: HTMLUListElement, options: ShelfListOptions): void {
  const chosen = chosenEntry();
  list.replaceChildren(...entries.map((entry) => shelfItem(entry, entry === chosen, options)));
  if (entries.length === 0) {
    const li = document.createElement('li');
    li.className = 'shelf-empty';
    li.textContent = 'The served model and every network you train here will be listed here.';
    list.append(li);
  }
}

function shelfItem(entry: ShelfEntry, chosen: boolean, options: ShelfListOptions): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'shelf-item';
  li.dataset.id = String(entry.id);
  if (chosen) li.dataset.chosen = 'true';
  const line = (className: string, text: string) => {
    const p = document.createElement('p');
    p.className = className;
    p.textContent = text;
    return p;
  };
  li.append(
    line('shelf-name', `${entry.name}${entry.stopped ? ' (stopped)' : ''}${chosen ? ' · on the pad' : ''}`),
    line('shelf-recipe', entry.recipe),
    line('shelf-scores', `Validation ${entry.validation ? percent(entry.validation) : 'not recorded'} · Test ${entry.test ? percent(entry.test) : 'scoring…'}`),
    shelfActions(entry, chosen, options),
  );
  return li;
}

/** Use on the pad, Download, and Chart for a run that kept its history. */
function shelfActions(entry: ShelfEntry, chosen: boolean, options: ShelfListOptions): HTMLDivElement {
  const actions = document.createElement('div');
  actions.className = 'shelf-actions';
  const button = (className: string, text: string, label: string, onClick: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = className;
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', onClick);
    actions.append(b);
    return b;
  };
  const use = button('shelf-use', chosen ? 'In use' : 'Use on the pad', `Use ${entry.name} on the drawing pad`, () => {
    chooseFromShelf(entry.id);
    announce(`The drawing pad uses ${entry.name} now.`);
  });
  use.disabled = chosen;
  button('shelf-download', 'Download', `Download ${entry.name}`, () => {
    const name = downloadEntry(entry);
    announce(`${entry.name} saved as ${name} (load it with digitnet serve --model, or digitnet eval).`);
  });
  if (entry.history) {
    const show = button('shelf-chart', 'Chart', `Show the chart and table of ${entry.name}`, () => options.showHistory(entry));
    show.disabled = options.running;
  }
  return actions;
}

/** Keeps a <select> listing the shelf, its value the pad's model; choosing an option makes the pad use it. */
export function bindShelfSelect(select: HTMLSelectElement): void {
  const render = () => {
    const chosen = chosenEntry();
    select.replaceChildren(
      ...entries.map((e) => {
        const option = document.createElement('option');
        option.value = String(e.id);
        option.textContent = shortLabel(e);
        return option;
      }),
    );
    if (chosen) select.value = String(chosen.id);
    select.disabled = entries.length < 2;
  };
  select.addEventListener('change', () => chooseFromShelf(Number(select.value)));
  onShelfChange(render);
  onModelChange(render);
  render();
}

// The served model joins the shelf when the page first gets it (app.ts sets it as the current model).
onModelChange((model) => {
  if (model.source === 'served' && !entries.some((e) => e.model === model)) {
    const v = model.info.validation;
    addToShelf({
      name: 'Served model',
      model,
      recipe: recipeOfInfo(model),
      validation: v && typeof v === 'object' && 'correct' in v && 'total' in v ? { correct: Number(v.correct), total: Number(v.total) } : null,
      test: null,
      stopped: false,
    });
  }
});

function recipeOfInfo(model: CurrentModel): string {
  const t = model.info.training as { epochs?: unknown; batchSize?: unknown; eta?: unknown; hidden?: unknown } | undefined;
  const parts = [describeShape(model.network)];
  if (t && Array.isArray(t.hidden) && t.hidden.length) parts.push(String([...new Set(t.hidden)].join('/')));
  if (t && typeof t.batchSize === 'number') parts.push(`batch ${t.batchSize}`);
  if (t && typeof t.eta === 'number') parts.push(`η ${t.eta}`);
  if (t && typeof t.epochs === 'number') parts.push(`${t.epochs} epochs`);
  return parts.join(', ') + ' (from digitnet serve)';
}
