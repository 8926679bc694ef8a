/**
 * The Explore panel: how the current network reads the 10,000 MNIST test
 * images. A confusion matrix (true digit × answer, counts and colours);
 * clicking a cell lists its images, sorted by the network's confidence;
 * clicking an image shows its ten probabilities and a gradient × input map
 * of the pixels that pushed the answer up or down (explain.ts). Before any
 * cell is chosen the list shows all misread images.
 *
 * A worker of its own scores the images (an `explore` request), so a
 * training run in the other worker does not hold it up; it runs when the
 * panel is shown and the model has changed since.
 */
import { describeShape } from '../../src/nn/network.js';
import { type CurrentModel, currentModel, onModelChange } from './current-model.js';
import { byId } from './dom.js';
import { drawExplanation, explain } from './explain.js';
import { drawDigit } from './pictures.js';
import { announce } from './status.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** How many images a list shows. */
const SHOWN = 100;

type Scores = Extract<WorkerReply, { type: 'explored' }>;

/** A cell of the matrix, or null for every misread image. */
type Cell = { label: number; guess: number } | null;

/** The header for answer j: a digit, or ∅ for an eleventh "not a digit" output. */
const answerName = (j: number) => (j < 10 ? String(j) : '∅');

/** Background of a cell: green on the diagonal by the row's share read right, red off it by count. */
function cellColour(count: number, rowTotal: number, maxOff: number, diagonal: boolean): { background: string; dark: boolean } {
  if (count === 0) return { background: '#ffffff', dark: false };
  if (diagonal) {
    const t = rowTotal > 0 ? count / rowTotal : 0;
    const a = 0.25 + 0.75 * t;
    // White → #1b7a3a
    const mix = (w: number, c: number) => Math.round(w + (c - w) * a);
    return { background: `rgb(${mix(255, 27)}, ${mix(255, 122)}, ${mix(255, 58)})`, dark: a > 0.55 };
  }
  const t = maxOff > 0 ? Math.sqrt(count / maxOff) : 0;
  const a = 0.12 + 0.88 * t;
  const mix = (w: number, c: number) => Math.round(w + (c - w) * a);
  return { background: `rgb(${mix(255, 178)}, ${mix(255, 24)}, ${mix(255, 43)})`, dark: a > 0.55 };
}

export function setUpExplorePanel(): { shown(): void } {
  const panel = new ExplorePanel();
  onModelChange(() => {
    if (!byId('panel-explore').hidden) panel.evaluate();
  });
  return { shown: () => panel.evaluate() };
}

class ExplorePanel {
  private readonly summary = byId('explore-summary');
  private readonly table = byId<HTMLTableElement>('confusion');
  private readonly listTitle = byId('explore-list-title');
  private readonly listSummary = byId('explore-list-summary');
  private readonly grid = byId<HTMLUListElement>('mistakes');
  private readonly sortButton = byId<HTMLButtonElement>('explore-sort');
  private readonly explainCard = byId('explain-card');
  private readonly explainEmpty = byId('explain-empty');
  private readonly explainBody = byId('explain-body');
  private worker: Worker | null = null;
  /** The id of the request whose answer we want; older answers are dropped. */
  private wanted = 0;
  /** The model the latest request scores. */
  private scored: CurrentModel | null = null;
  /** The latest scores and the model they belong to. */
  private scores: Scores | null = null;
  private scoresModel: CurrentModel | null = null;
  private cell: Cell = null;
  private mostConfidentFirst = true;

  constructor() {
    this.sortButton.addEventListener('click', () => {
      this.mostConfidentFirst = !this.mostConfidentFirst;
      this.sortButton.textContent = `Sort: ${this.mostConfidentFirst ? 'most' : 'least'} confident first`;
      this.sortButton.setAttribute('aria-pressed', String(!this.mostConfidentFirst));
      this.showList();
    });
  }

  /** Scores the test images with the current model, unless they are scored already (or being scored) with it. */
  evaluate(): void {
    const model = currentModel();
    if (!model || this.scored === model) return;
    this.scored = model;
    this.wanted++;
    this.summary.textContent = 'Scoring the 10,000 test images…';
    this.grid.setAttribute('aria-busy', 'true');
    const request: WorkerRequest = { type: 'explore', id: this.wanted, spec: model.network.spec, params: model.network.params.slice() };
    this.startWorker().postMessage(request);
  }

  /** The panel's own worker, started on first use. */
  private startWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker('worker.js');
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'explored' && reply.id === this.wanted && this.scored) this.show(reply, this.scored);
      if (reply.type === 'error' && reply.id === this.wanted) {
        this.scored = null;
        this.summary.textContent = 'Could not score the test images.';
        announce(`Explore failed: ${reply.text}`, 'error');
      }
    };
    worker.onerror = (event) => announce(`The Explore worker failed: ${event.message}`, 'error');
    return (this.worker = worker);
  }

  private show(reply: Scores, model: CurrentModel): void {
    this.scores = reply;
    this.scoresModel = model;
    const accuracy = ((100 * reply.correct) / reply.total).toFixed(2);
    const wrong = reply.total - reply.correct;
    this.summary.textContent =
      `The network ${describeShape(model.network)}, ${model.description}, reads ` +
      `${reply.correct.toLocaleString('en')} of ${reply.total.toLocaleString('en')} test images right (${accuracy}%); ` +
      `${wrong.toLocaleString('en')} wrong.`;
    const classes = Math.max(10, model.network.outputSize);
    const caption = this.table.querySelector('caption')!;
    this.table.replaceChildren(caption, matrixHead(classes), this.matrixBody(confusionCounts(reply, classes)));
    this.table.classList.toggle('eleven', classes > 10);
    byId('confusion-none').hidden = classes <= 10;
    this.table.hidden = false;
    this.choose(null);
  }

  /** One row per true digit: a header, then a button per answer with its count and colour. */
  private matrixBody(counts: number[][]): HTMLTableSectionElement {
    let maxOff = 0;
    counts.forEach((row, r) => row.forEach((n, c) => r !== c && (maxOff = Math.max(maxOff, n))));
    const body = document.createElement('tbody');
    counts.forEach((row, r) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = String(r);
      tr.append(th);
      const rowTotal = row.reduce((a, b) => a + b, 0);
      row.forEach((n, c) => {
        const td = document.createElement('td');
        td.append(cellButton(r, c, n, cellColour(n, rowTotal, maxOff, r === c), () => this.choose({ label: r, guess: c })));
        tr.append(td);
      });
      body.append(tr);
    });
    return body;
  }

  private choose(next: Cell): void {
    this.cell = next;
    for (const b of this.table.querySelectorAll<HTMLButtonElement>('button.cell')) {
      b.setAttribute('aria-pressed', String(!!next && b.dataset.label === String(next.label) && b.dataset.guess === String(next.guess)));
    }
    this.explainBody.hidden = true;
    this.explainEmpty.hidden = false;
    this.showList();
  }

  /** The chosen cell's images (all misread ones before a cell is chosen), sorted by confidence, SHOWN at most. */
  private showList(): void {
    const scores = this.scores;
    if (!scores) return;
    const { labels, predictions, confidence, total } = scores;
    const cell = this.cell;
    const indices: number[] = [];
    for (let i = 0; i < total; i++) {
      if (cell ? labels[i] === cell.label && predictions[i] === cell.guess : labels[i] !== predictions[i]) indices.push(i);
    }
    const first = this.mostConfidentFirst;
    indices.sort((a, b) => (first ? confidence[b] - confidence[a] : confidence[a] - confidence[b]) || a - b);
    this.listTitle.textContent = !cell ? 'Misread test images' : cell.label === cell.guess ? `${cell.label}s read right` : `${cell.label}s read as ${answerName(cell.guess)}`;
    this.listSummary.textContent = listSummary(indices.length, cell, first ? 'most confident first' : 'least confident first');
    this.grid.replaceChildren(...indices.slice(0, SHOWN).map((i) => imageTile(scores, i, () => this.showExplanation(i))));
    this.grid.setAttribute('aria-busy', 'false');
  }

  /** Test image `index`: its answer, ten probabilities and gradient × input map. */
  private showExplanation(index: number): void {
    if (!this.scores || !this.scoresModel) return;
    const network = this.scoresModel.network;
    const I = network.inputSize;
    const input = Float64Array.from(this.scores.images.subarray(index * I, (index + 1) * I), (v) => v / 255);
    const { digit, probabilities, map } = explain(network, input);
    drawExplanation(byId<HTMLCanvasElement>('explain-map'), input, map);
    const label = this.scores.labels[index];
    byId('explain-answer').innerHTML =
      `Test image ${index}: a <strong>${label}</strong>, read as <strong class="${digit === label ? 'right' : 'wrong'}">${answerName(digit)}</strong> ` +
      `(${(100 * probabilities[digit]).toFixed(1)}% sure).`;
    byId('explain-caption').textContent =
      `Red pixels pushed the score for ${answerName(digit)} up, blue pixels pushed it down (gradient × input of the pre-softmax score); the digit shows in grey beneath.`;
    byId<HTMLOListElement>('explain-bars').replaceChildren(...probabilityBars(probabilities));
    this.explainEmpty.hidden = true;
    this.explainBody.hidden = false;
    for (const b of this.grid.querySelectorAll<HTMLButtonElement>('button')) b.setAttribute('aria-pressed', String(b.dataset.index === String(index)));
    // On a phone the explanation is below the list: bring it into view.
    const box = this.explainCard.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 80) {
      const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      this.explainCard.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
    }
  }
}

/** counts[true digit][answer] over the test images. */
function confusionCounts(reply: Scores, classes: number): number[][] {
  const counts = Array.from({ length: 10 }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < reply.total; i++) counts[reply.labels[i]][reply.predictions[i]]++;
  return counts;
}

/** The header row: a corner that says which way is which, then the answers. */
function matrixHead(classes: number): HTMLTableSectionElement {
  const head = document.createElement('thead');
  const row = document.createElement('tr');
  const corner = document.createElement('th');
  corner.scope = 'col';
  corner.className = 'corner';
  corner.innerHTML = '<span class="visually-hidden">True digit down, answer across</span><span aria-hidden="true">↓ true<br>read →</span>';
  row.append(corner);
  for (let c = 0; c < classes; c++) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = answerName(c);
    row.append(th);
  }
  head.append(row);
  return head;
}

/** The button for `n` images of true digit r read as c. */
function cellButton(r: number, c: number, n: number, colour: { background: string; dark: boolean }, onClick: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `cell${r === c ? ' diagonal' : ''}${n === 0 ? ' zero' : ''}${n >= 1000 ? ' wide' : ''}`;
  button.dataset.label = String(r);
  button.dataset.guess = String(c);
  button.dataset.count = String(n);
  button.textContent = String(n); // no thousands separator: the table fits a phone
  button.style.background = colour.background;
  if (colour.dark) button.classList.add('dark');
  button.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-label', `${n.toLocaleString('en')} ${r}s read as ${answerName(c)}`);
  button.addEventListener('click', onClick);
  return button;
}

/** "53 images, most confident first. Click one to see why.", or what to do when there are none. */
function listSummary(count: number, cell: Cell, order: string): string {
  if (count === 0) {
    return cell
      ? 'No test images in this cell. Choose another cell of the table.'
      : 'The network reads every test image right: nothing to list. Click a diagonal cell to see the images read right.';
  }
  const shown = count > SHOWN ? `; the ${SHOWN} ${order}` : `, ${order}`;
  return `${count.toLocaleString('en')} image${count === 1 ? '' : 's'}${shown}. Click one to see why.`;
}

/** Test image i as a button: the picture, its label, the answer when wrong, and how sure. */
function imageTile(scores: Scores, i: number, onClick: () => void): HTMLLIElement {
  const label = scores.labels[i];
  const guess = scores.predictions[i];
  const sure = `${Math.round(100 * scores.confidence[i])}%`;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'explore-image';
  button.dataset.index = String(i);
  button.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-label', `Test image ${i}: a ${label}, read as ${answerName(guess)}, ${sure} sure`);
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-hidden', 'true');
  drawDigit(canvas, scores.images.subarray(i * 784, (i + 1) * 784), 1);
  const caption = document.createElement('span');
  caption.className = 'mistake-caption';
  caption.setAttribute('aria-hidden', 'true');
  caption.innerHTML =
    label === guess ? `<span class="label">${label}</span> · ${sure}` : `<span class="label">${label}</span> as <span class="guess">${answerName(guess)}</span> · ${sure}`;
  button.append(canvas, caption);
  button.addEventListener('click', onClick);
  const li = document.createElement('li');
  li.title = `Test image ${i}: a ${label}, read as ${answerName(guess)} (${sure} sure)`;
  li.dataset.label = String(label);
  li.dataset.guess = String(guess);
  li.append(button);
  return li;
}

/** Ten bars, one per answer, the likeliest marked. */
function probabilityBars(probabilities: number[]): HTMLLIElement[] {
  const top = probabilities.indexOf(Math.max(...probabilities));
  return probabilities.map((p, d) => {
    const li = document.createElement('li');
    if (d === top) li.className = 'top';
    li.innerHTML = `<span class="bar-digit">${answerName(d)}</span><span class="bar-track"><span class="bar-fill"></span></span><span class="bar-value">${(100 * p).toFixed(1)}%</span>`;
    li.querySelector<HTMLElement>('.bar-fill')!.style.width = `${(100 * p).toFixed(2)}%`;
    return li;
  });
}
