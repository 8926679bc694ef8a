/**
 * A fine-tuned network as a model-shelf entry: named "Fine-tuned N", its
 * model info recording the recipe as `digitnet train --fine-tune` records
 * it (training.fineTune), validation on the held-out digits and test on
 * MNIST's test images, as the CLI saves them.
 */
import { withFineTune } from '../../src/io/training-record.js';
import type { ModelInfo } from '../../src/io/model-format.js';
import { Network } from '../../src/nn/network.js';
import type { Score, ShelfEntry } from './model-shelf.js';
import type { WorkerReply } from './worker-protocol.js';

let tunedCount = 0;

/**
 * A score into a table cell: the percentage, then "3 / 4" below it in
 * smaller type (so two columns fit a phone); for a missing score, "none held
 * out" once scoring is over, "…" while it is under way.
 */
export function writeScore(cell: HTMLElement, score: Score | null, scoredWithout: boolean): void {
  if (!score) {
    cell.textContent = scoredWithout ? 'none held out' : '…';
    return;
  }
  const pct = document.createElement('strong');
  pct.textContent = `${((100 * score.correct) / score.total).toFixed(score.total > 1000 ? 2 : 1)}%`;
  const of = document.createElement('span');
  of.className = 'teach-of';
  of.textContent = `${score.correct.toLocaleString('en')} / ${score.total.toLocaleString('en')}`;
  cell.replaceChildren(pct, ' ', of);
}

export function fineTunedEntry(reply: Extract<WorkerReply, { type: 'fine-tuned' }>, from: ShelfEntry | undefined, pictures: number): Omit<ShelfEntry, 'id'> {
  const network = new Network(reply.spec);
  network.params.set(reply.params);
  const name = `Fine-tuned ${++tunedCount}`;
  const fromName = from?.name ?? 'the pad’s model';
  const { epochs, eta, mnistShare, seed } = reply.settings;
  const base = from?.model.info;
  const info: ModelInfo = {
    ...(base ?? {}),
    training: withFineTune(base?.training, { from: fromName, data: 'web page', pictures, tuned: reply.tuned, heldOut: reply.heldOut, epochs, eta, mnistShare, seed }),
    validation: reply.after.held ?? base?.validation,
    test: reply.after.mnist,
  };
  return {
    name,
    model: { network, info, source: 'trained', description: `${name}: ${fromName} fine-tuned on ${reply.tuned} of your digits in this browser` },
    recipe: `${from?.recipe ?? 'the pad’s model'}; fine-tuned on ${reply.tuned} of your digits (${reply.heldOut} held out): ${epochs} epochs, η ${eta}, batch 10, half MNIST`,
    validation: reply.after.held,
    test: reply.after.mnist,
    stopped: false,
  };
}
