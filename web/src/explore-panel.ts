/**
 * The Explore panel: the test images (MNIST t10k) the current network gets
 * wrong, each with its true label and the network's guess. A worker of its
 * own scores all 10,000 with the training kernels, so a training run in the
 * other worker does not hold it up; it runs when the panel is shown and the
 * model has changed since.
 */
import { describeShape } from '../../src/nn/network.js';
import { type CurrentModel, currentModel, onModelChange } from './current-model.js';
import { byId } from './dom.js';
import { drawDigit } from './pictures.js';
import { announce } from './status.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** How many mistakes to show. */
const SHOWN = 100;

export function setUpExplorePanel(): { shown(): void } {
  const panel = byId('panel-explore');
  const summary = byId('explore-summary');
  const grid = byId<HTMLUListElement>('mistakes');
  let worker: Worker | null = null;
  /** The id of the request whose answer we want; older answers are dropped. */
  let wanted = 0;
  /** The model the latest request scores. */
  let scored: CurrentModel | null = null;

  const show = (reply: Extract<WorkerReply, { type: 'evaluated' }>, model: CurrentModel) => {
    const accuracy = ((100 * reply.correct) / reply.total).toFixed(2);
    summary.textContent =
      `The network ${describeShape(model.network)}, ${model.description}, reads ` +
      `${reply.correct.toLocaleString('en')} of ${reply.total.toLocaleString('en')} test images right (${accuracy}%). ` +
      (reply.mistakeCount === 0 ? 'No mistakes at all.' : `${reply.mistakeCount.toLocaleString('en')} wrong; ${reply.mistakes.length < reply.mistakeCount ? `the first ${reply.mistakes.length}` : 'all of them'}:`);
    const items = reply.mistakes.map((m, k) => {
      const li = document.createElement('li');
      const canvas = document.createElement('canvas');
      canvas.setAttribute('aria-hidden', 'true');
      drawDigit(canvas, reply.pixels.subarray(k * 784, (k + 1) * 784), 1);
      const caption = document.createElement('span');
      caption.className = 'mistake-caption';
      caption.innerHTML = `<span class="label">${m.label}</span> read as <span class="guess">${m.guess}</span>`;
      li.title = `Test image ${m.index}: a ${m.label}, read as ${m.guess}`;
      li.dataset.label = String(m.label);
      li.dataset.guess = String(m.guess);
      li.append(canvas, caption);
      return li;
    });
    grid.replaceChildren(...items);
    grid.setAttribute('aria-busy', 'false');
  };

  const evaluate = () => {
    const model = currentModel();
    if (!model || scored === model) return;
    scored = model;
    if (!worker) {
      worker = new Worker('worker.js');
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.type === 'evaluated' && reply.id === wanted && scored) show(reply, scored);
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
    const request: WorkerRequest = { type: 'evaluate', id: wanted, spec: model.network.spec, params: model.network.params.slice(), limit: SHOWN };
    worker.postMessage(request);
  };

  onModelChange(() => {
    if (!panel.hidden) evaluate();
  });
  return { shown: evaluate };
}
