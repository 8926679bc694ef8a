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
  const panel = byId('panel-explore');
  const summary = byId('explore-summary');
  const table = byId<HTMLTableElement>('confusion');
  const listTitle = byId('explore-list-title');
  const listSummary = byId('explore-list-summary');
  const grid = byId<HTMLUListElement>('mistakes');
  const sortButton = byId<HTMLButtonElement>('explore-sort');
  const explainCard = byId('explain-card');
  const explainEmpty = byId('explain-empty');
  const explainBody = byId('explain-body');
  const explainMap = byId<HTMLCanvasElement>('explain-map');
  const explainCaption = byId('explain-caption');
  const explainAnswer = byId('explain-answer');
  const explainBars = byId<HTMLOListElement>('explain-bars');

  let worker: Worker | null = null;
  /** The id of the request whose answer we want; older answers are dropped. */
  let wanted = 0;
  /** The model the latest request scores. */
  let scored: CurrentModel | null = null;
  /** The latest scores and the model they belong to. */
  let scores: Scores | null = null;
  let scoresModel: CurrentModel | null = null;
  let cell: Cell = null;
  let mostConfidentFirst = true;

  const clearExplanation = () => {
    explainBody.hidden = true;
    explainEmpty.hidden = false;
  };

  const showExplanation = (index: number) => {
    if (!scores || !scoresModel) return;
    const network = scoresModel.network;
    const I = network.inputSize;
    const bytes = scores.images.subarray(index * I, (index + 1) * I);
    const input = Float64Array.from(bytes, (v) => v / 255);
    const { digit, probabilities, map } = explain(network, input);
    drawExplanation(explainMap, input, map);
    const label = scores.labels[index];
    const right = digit === label;
    explainAnswer.innerHTML =
      `Test image ${index}: a <strong>${label}</strong>, read as <strong class="${right ? 'right' : 'wrong'}">${answerName(digit)}</strong> ` +
      `(${(100 * probabilities[digit]).toFixed(1)}% sure).`;
    explainCaption.textContent =
      `Red pixels pushed the score for ${answerName(digit)} up, blue pixels pushed it down (gradient × input of the pre-softmax score); the digit shows in grey beneath.`;
    const top = probabilities.indexOf(Math.max(...probabilities));
    explainBars.replaceChildren(
      ...probabilities.map((p, d) => {
        const li = document.createElement('li');
        if (d === top) li.className = 'top';
        li.innerHTML = `<span class="bar-digit">${answerName(d)}</span><span class="bar-track"><span class="bar-fill"></span></span><span class="bar-value">${(100 * p).toFixed(1)}%</span>`;
        li.querySelector<HTMLElement>('.bar-fill')!.style.width = `${(100 * p).toFixed(2)}%`;
        return li;
      }),
    );
    explainEmpty.hidden = true;
    explainBody.hidden = false;
    for (const b of grid.querySelectorAll<HTMLButtonElement>('button')) b.setAttribute('aria-pressed', String(b.dataset.index === String(index)));
    // On a phone the explanation is below the list: bring it into view.
    const box = explainCard.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 80) {
      const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      explainCard.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
    }
  };

  const showList = () => {
    if (!scores) return;
    const { labels, predictions, confidence, total } = scores;
    const indices: number[] = [];
    for (let i = 0; i < total; i++) {
      if (cell ? labels[i] === cell.label && predictions[i] === cell.guess : labels[i] !== predictions[i]) indices.push(i);
    }
    indices.sort((a, b) => (mostConfidentFirst ? confidence[b] - confidence[a] : confidence[a] - confidence[b]) || a - b);
    const shown = indices.slice(0, SHOWN);
    const order = mostConfidentFirst ? 'most confident first' : 'least confident first';
    if (!cell) listTitle.textContent = 'Misread test images';
    else if (cell.label === cell.guess) listTitle.textContent = `${cell.label}s read right`;
    else listTitle.textContent = `${cell.label}s read as ${answerName(cell.guess)}`;
    const count = indices.length.toLocaleString('en');
    listSummary.textContent =
      indices.length === 0
        ? cell
          ? 'No test images in this cell. Choose another cell of the table.'
          : 'The network reads every test image right: nothing to list. Click a diagonal cell to see the images read right.'
        : `${count} image${indices.length === 1 ? '' : 's'}${indices.length > SHOWN ? `; the ${SHOWN} ${order}` : `, ${order}`}. Click one to see why.`;
    const items = shown.map((i) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'explore-image';
      button.dataset.index = String(i);
      button.setAttribute('aria-pressed', 'false');
      const label = labels[i];
      const guess = predictions[i];
      const sure = `${Math.round(100 * confidence[i])}%`;
      button.setAttribute('aria-label', `Test image ${i}: a ${label}, read as ${answerName(guess)}, ${sure} sure`);
      const canvas = document.createElement('canvas');
      canvas.setAttribute('aria-hidden', 'true');
      drawDigit(canvas, scores!.images.subarray(i * 784, (i + 1) * 784), 1);
      const caption = document.createElement('span');
      caption.className = 'mistake-caption';
      caption.setAttribute('aria-hidden', 'true');
      caption.innerHTML =
        label === guess
          ? `<span class="label">${label}</span> · ${sure}`
          : `<span class="label">${label}</span> as <span class="guess">${answerName(guess)}</span> · ${sure}`;
      button.append(canvas, caption);
      button.addEventListener('click', () => showExplanation(i));
      li.title = `Test image ${i}: a ${label}, read as ${answerName(guess)} (${sure} sure)`;
      li.dataset.label = String(label);
      li.dataset.guess = String(guess);
      li.append(button);
      return li;
    });
    grid.replaceChildren(...items);
    grid.setAttribute('aria-busy', 'false');
  };

  const choose = (next: Cell) => {
    cell = next;
    for (const b of table.querySelectorAll<HTMLButtonElement>('button.cell')) {
      b.setAttribute('aria-pressed', String(!!cell && b.dataset.label === String(cell.label) && b.dataset.guess === String(cell.guess)));
    }
    clearExplanation();
    showList();
  };

  const showMatrix = (reply: Scores, model: CurrentModel) => {
    const classes = Math.max(10, model.network.outputSize);
    const rows = 10;
    const counts = Array.from({ length: rows }, () => new Array<number>(classes).fill(0));
    for (let i = 0; i < reply.total; i++) counts[reply.labels[i]][reply.predictions[i]]++;
    let maxOff = 0;
    counts.forEach((row, r) => row.forEach((n, c) => r !== c && (maxOff = Math.max(maxOff, n))));

    const caption = table.querySelector('caption')!;
    const head = document.createElement('thead');
    const headRow = document.createElement('tr');
    const corner = document.createElement('th');
    corner.scope = 'col';
    corner.className = 'corner';
    corner.innerHTML = '<span class="visually-hidden">True digit down, answer across</span><span aria-hidden="true">↓ true<br>read →</span>';
    headRow.append(corner);
    for (let c = 0; c < classes; c++) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = answerName(c);
      headRow.append(th);
    }
    head.append(headRow);
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
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `cell${r === c ? ' diagonal' : ''}${n === 0 ? ' zero' : ''}`;
        button.dataset.label = String(r);
        button.dataset.guess = String(c);
        button.dataset.count = String(n);
        button.textContent = String(n); // no thousands separator: the table fits a phone
        const { background, dark } = cellColour(n, rowTotal, maxOff, r === c);
        button.style.background = background;
        if (dark) button.classList.add('dark');
        button.setAttribute('aria-pressed', 'false');
        button.setAttribute('aria-label', `${n.toLocaleString('en')} ${r}s read as ${answerName(c)}`);
        button.addEventListener('click', () => choose({ label: r, guess: c }));
        td.append(button);
        tr.append(td);
      });
      body.append(tr);
    });
    table.replaceChildren(caption, head, body);
    table.hidden = false;
  };

  const show = (reply: Scores, model: CurrentModel) => {
    scores = reply;
    scoresModel = model;
    const accuracy = ((100 * reply.correct) / reply.total).toFixed(2);
    const wrong = reply.total - reply.correct;
    summary.textContent =
      `The network ${describeShape(model.network)}, ${model.description}, reads ` +
      `${reply.correct.toLocaleString('en')} of ${reply.total.toLocaleString('en')} test images right (${accuracy}%); ` +
      `${wrong.toLocaleString('en')} wrong.`;
    showMatrix(reply, model);
    choose(null);
  };

  sortButton.addEventListener('click', () => {
    mostConfidentFirst = !mostConfidentFirst;
    sortButton.textContent = `Sort: ${mostConfidentFirst ? 'most' : 'least'} confident first`;
    sortButton.setAttribute('aria-pressed', String(!mostConfidentFirst));
    showList();
  });

  const evaluate = () => {
    const model = currentModel();
    if (!model || scored === model) return;
    scored = model;
    if (!worker) {
      worker = new Worker('worker.js');
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.type === 'explored' && reply.id === wanted && scored) show(reply, scored);
        if (reply.type === 'error' && reply.id === wanted) {
          scored = null;
          summary.textContent = 'Could not score the test images.';
          announce(`Explore failed: ${reply.text}`, 'error');
        }
      };
      worker.onerror = (event) => announce(`The Explore worker failed: ${event.message}`, 'error');
    }
    wanted++;
    summary.textContent = 'Scoring the 10,000 test images…';
    grid.setAttribute('aria-busy', 'true');
    const request: WorkerRequest = { type: 'explore', id: wanted, spec: model.network.spec, params: model.network.params.slice() };
    worker.postMessage(request);
  };

  onModelChange(() => {
    if (!panel.hidden) evaluate();
  });
  return { shown: evaluate };
}
