/**
 * "Teach it your handwriting": when the pad misreads a digit, the person
 * types the right one and keeps the drawing (as the 28×28 input the network
 * saw, in IndexedDB: teach-store.ts). The kept digits are counted, shown,
 * deleted one by one or all, exported as a CSV that `digitnet train
 * --fine-tune MODEL --data FILE.csv` reads (teach-export.ts), and used to
 * fine-tune the pad's model in the worker with the CLI's recipe. The
 * fine-tuned model joins the model shelf as a new entry; the pad keeps its
 * model until the person chooses the new one.
 */
import { currentModel } from './current-model.js';
import { byId } from './dom.js';
import { addToShelf, chooseFromShelf, chosenEntry, type Score, type ShelfEntry } from './model-shelf.js';
import { drawDigit } from './pictures.js';
import { announce, messageOf } from './status.js';
import { downloadDigits } from './teach-export.js';
import { fineTunedEntry, writeScore } from './teach-tuned.js';
import { INPUT_SIZE, type KeptDigit, TeachStore } from './teach-store.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** What the teach form needs from the drawing pad. */
export interface PadAccess {
  /** The pad's single digit as the network saw it, or a sentence saying why there is none. */
  drawing(): { input: Float32Array } | { problem: string };
  clear(): void;
}

/** Fewest kept digits to fine-tune on: one to tune on and one held out. */
const MIN_DIGITS = 2;

export function setUpTeachPanel(pad: PadAccess): void {
  const panel = new TeachPanel(pad);
  TeachStore.open().then(
    (store) => panel.ready(store),
    (e) => panel.unavailable(messageOf(e)),
  );
}

class TeachPanel {
  private store: TeachStore | null = null;
  private digits: KeptDigit[] = [];
  private worker: Worker | null = null;
  private tuning: { id: number; from: ShelfEntry | undefined } | null = null;
  private nextRequest = 1;
  private readonly digitField = byId<HTMLInputElement>('teach-digit');
  private readonly formError = byId('teach-form-error');
  private readonly count = byId('teach-count');
  private readonly list = byId<HTMLUListElement>('teach-list');
  private readonly show = byId<HTMLButtonElement>('teach-show');
  private readonly tune = byId<HTMLButtonElement>('teach-tune');
  private readonly progress = byId('teach-progress');

  constructor(private readonly pad: PadAccess) {
    byId<HTMLFormElement>('teach-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.keep().catch((e) => this.fail('Could not keep the drawing', e));
    });
    this.digitField.addEventListener('input', () => this.setFormError(null));
    this.show.addEventListener('click', () => this.toggleList());
    byId('teach-export').addEventListener('click', () => this.exportCsv());
    byId('teach-delete-all').addEventListener('click', () => this.removeAll().catch((e) => this.fail('Could not delete', e)));
    this.tune.addEventListener('click', () => this.startFineTune());
    this.render();
  }

  ready(store: TeachStore): void {
    this.store = store;
    this.refresh().catch((e) => this.fail('Could not read the kept digits', e));
  }

  unavailable(reason: string): void {
    this.count.textContent = `Your digits cannot be kept here: ${reason}.`;
    for (const id of ['teach-keep', 'teach-show', 'teach-export', 'teach-delete-all', 'teach-tune']) byId<HTMLButtonElement>(id).disabled = true;
  }

  /** Keep the pad's digit with the digit typed; the pad is cleared for the next one. */
  private async keep(): Promise<void> {
    const text = this.digitField.value.trim();
    if (!/^[0-9]$/.test(text)) return this.setFormError(`Type the digit you drew, one of 0–9${text ? `, not “${text}”` : ''}.`);
    const drawing = this.pad.drawing();
    if ('problem' in drawing) return this.setFormError(drawing.problem);
    if (!this.store) return this.setFormError('The kept digits are still loading; try again in a moment.');
    await this.store.add(Number(text), drawing.input);
    this.digitField.value = '';
    this.pad.clear();
    await this.refresh();
    announce(`Kept your drawing as a ${text}. ${this.countText()}`);
  }

  private setFormError(message: string | null): void {
    this.formError.textContent = message ?? '';
    this.formError.hidden = message === null;
    if (message === null) this.digitField.removeAttribute('aria-invalid');
    else {
      this.digitField.setAttribute('aria-invalid', 'true');
      this.digitField.focus();
    }
  }

  private async refresh(): Promise<void> {
    this.digits = this.store ? await this.store.all() : [];
    this.render();
  }

  private render(): void {
    this.count.textContent = this.store ? this.countText() : 'Loading the digits you kept…';
    const none = this.digits.length === 0;
    for (const id of ['teach-export', 'teach-delete-all']) byId<HTMLButtonElement>(id).disabled = none;
    this.tune.disabled = this.digits.length < MIN_DIGITS || this.tuning !== null;
    byId('teach-tune-note').hidden = this.digits.length >= MIN_DIGITS;
    if (!this.list.hidden) this.renderList();
  }

  /** "5 digits kept: 1 ×2, 7 ×3." */
  private countText(): string {
    const n = this.digits.length;
    if (n === 0) return 'No digits kept yet. When the pad misreads one, type the right digit under the pad and press Keep to teach: they are counted here.';
    const per = new Map<number, number>();
    for (const d of this.digits) per.set(d.label, (per.get(d.label) ?? 0) + 1);
    const parts = [...per].sort(([a], [b]) => a - b).map(([label, k]) => `${label} ×${k}`);
    return `${n} digit${n === 1 ? '' : 's'} kept: ${parts.join(', ')}.`;
  }

  private toggleList(): void {
    const open = this.list.hidden;
    this.list.hidden = !open;
    this.show.setAttribute('aria-expanded', String(open));
    this.show.textContent = open ? 'Hide them' : 'Show them';
    if (open) this.renderList();
  }

  /** Each kept digit as the network saw it, with its label and a Delete button. */
  private renderList(): void {
    if (this.digits.length === 0) {
      const li = document.createElement('li');
      li.className = 'teach-empty';
      li.textContent = 'No digits kept yet: each one you keep will be shown here as the network saw it.';
      this.list.replaceChildren(li);
      return;
    }
    this.list.replaceChildren(...this.digits.map((d, i) => this.listItem(d, i)));
  }

  private listItem(d: KeptDigit, i: number): HTMLLIElement {
    const li = document.createElement('li');
    li.className = 'teach-item';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-hidden', 'true');
    drawDigit(canvas, d.input);
    const label = document.createElement('span');
    label.className = 'teach-label';
    label.textContent = String(d.label);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'teach-delete';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete kept digit ${i + 1}, a ${d.label}`);
    remove.addEventListener('click', () => this.remove(d, i).catch((e) => this.fail('Could not delete', e)));
    li.append(canvas, label, remove);
    return li;
  }

  private async remove(d: KeptDigit, i: number): Promise<void> {
    await this.store?.remove(d.id);
    await this.refresh();
    announce(`Deleted kept digit ${i + 1} (a ${d.label}). ${this.countText()}`);
    // Focus stays in the list: the next digit's Delete, or Show when none is left.
    const buttons = this.list.querySelectorAll<HTMLButtonElement>('.teach-delete');
    (buttons[Math.min(i, buttons.length - 1)] ?? this.show).focus();
  }

  private async removeAll(): Promise<void> {
    const n = this.digits.length;
    if (n === 0 || !window.confirm(`Delete all ${n} kept digit${n === 1 ? '' : 's'} from this browser?`)) return;
    await this.store?.clear();
    await this.refresh();
    announce('Deleted all your kept digits.');
  }

  private exportCsv(): void {
    if (this.digits.length === 0) return;
    const name = downloadDigits(this.digits);
    announce(`Saved ${this.digits.length} digits as ${name}: digitnet train --fine-tune MODEL --data ${name} reads it.`);
  }

  /** Send the pad's model and the kept digits to the worker. */
  private startFineTune(): void {
    const model = currentModel();
    if (!model || this.digits.length < MIN_DIGITS || this.tuning) return;
    const id = this.nextRequest++;
    this.tuning = { id, from: chosenEntry() };
    this.render();
    this.showResult('Fine-tuning starts: scoring the model before…');
    const inputs = new Float32Array(this.digits.length * INPUT_SIZE);
    this.digits.forEach((d, n) => inputs.set(d.input, n * INPUT_SIZE));
    const labels = Uint8Array.from(this.digits, (d) => d.label);
    const request: WorkerRequest = { type: 'fine-tune', id, spec: model.network.spec, params: model.network.params.slice(), digits: { inputs, labels } };
    this.workerOf().postMessage(request, [inputs.buffer, labels.buffer, request.params.buffer]);
  }

  /** Its own worker, started on first use: fine-tuning runs beside a Train run rather than waiting for it. */
  private workerOf(): Worker {
    if (!this.worker) {
      this.worker = new Worker('worker.js');
      this.worker.onmessage = (event: MessageEvent<WorkerReply>) => this.reply(event.data);
      this.worker.onerror = (event) => this.finish(`The fine-tuning worker failed: ${event.message}`);
    }
    return this.worker;
  }

  private reply(reply: WorkerReply): void {
    if (!this.tuning) return;
    switch (reply.type) {
      case 'status':
        this.progress.textContent = reply.text;
        return;
      case 'fine-tune-started':
        this.showScores(reply.before.held, reply.before.mnist, null, null);
        this.progress.textContent = `Tuning on ${reply.tuned} of your digits (${reply.heldOut} held out), ${reply.settings.epochs} epochs of ${reply.mixed} (half MNIST)…`;
        return;
      case 'fine-tune-epoch':
        this.progress.textContent = `Epoch ${reply.epoch + 1} of ${reply.epochs} done…`;
        return;
      case 'fine-tuned':
        return this.tuned(reply);
      case 'error':
        if (reply.id === this.tuning.id) this.finish(`Fine-tuning failed: ${reply.text}`);
        return;
    }
  }

  /** The new model onto the shelf, its figures on the page; the pad keeps its model until chosen. */
  private tuned(reply: Extract<WorkerReply, { type: 'fine-tuned' }>): void {
    const entry = addToShelf(fineTunedEntry(reply, this.tuning?.from, this.digits.length));
    this.showScores(reply.before.held, reply.before.mnist, reply.after.held, reply.after.mnist);
    const use = byId<HTMLButtonElement>('teach-use');
    use.hidden = false;
    use.textContent = `Use ${entry.name} on the pad`;
    use.onclick = () => {
      chooseFromShelf(entry.id);
      announce(`The drawing pad uses ${entry.name} now.`);
    };
    this.finish(`${entry.name} is on the model shelf (the pad keeps ${this.tuning?.from?.name ?? 'its model'} until you choose it).`);
  }

  private showResult(text: string): void {
    byId('teach-result').hidden = false;
    byId('teach-use').hidden = true;
    this.showScores(null, null, null, null);
    this.progress.textContent = text;
  }

  private showScores(heldBefore: Score | null, mnistBefore: Score | null, heldAfter: Score | null, mnistAfter: Score | null): void {
    // A held-out score is missing for good (nothing held out) once its MNIST score beside it has come.
    writeScore(byId('teach-held-before'), heldBefore, mnistBefore !== null);
    writeScore(byId('teach-mnist-before'), mnistBefore, false);
    writeScore(byId('teach-held-after'), heldAfter, mnistAfter !== null);
    writeScore(byId('teach-mnist-after'), mnistAfter, false);
  }

  private finish(message: string): void {
    this.progress.textContent = message;
    announce(message, /failed/.test(message) ? 'error' : 'info');
    this.tuning = null;
    this.render();
  }

  private fail(what: string, e: unknown): void {
    announce(`${what}: ${messageOf(e)}`, 'error');
  }
}
