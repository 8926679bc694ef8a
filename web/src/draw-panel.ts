/**
 * The Draw panel: the pad, the predicted digit (or number, or "not a
 * digit"), a bar for each digit's probability, and the 28×28 picture(s) the
 * network actually sees. Prediction runs here in the page with the
 * library's Network.feedforward on the current model, after the same
 * preprocessing as the command line. The pad's single digit, as the network
 * saw it, is what the Teach area keeps (teach-panel.ts).
 */
import { DigitNetError } from '../../src/errors.js';
import { describeShape, type Network } from '../../src/nn/network.js';
import { type DigitAnswer, shapeSaid } from '../../src/read/answer.js';
import { digitsShown, type PictureReading } from '../../src/read/read-picture.js';
import { currentModel, onModelChange } from './current-model.js';
import { byId } from './dom.js';
import { DrawPad } from './draw-pad.js';
import { classScoreGradient, drawExplanation } from './explain.js';
import { drawDigit, drawInputs } from './pictures.js';
import { readPad } from './preprocess.js';
import { announce, messageOf } from './status.js';
import { type PadAccess, setUpTeachPanel } from './teach-panel.js';

const EMPTY_HINT = 'Draw a digit on the pad.';

/** One probability bar: its row, its fill and its figure. */
interface Bar {
  li: HTMLLIElement;
  fill: HTMLElement;
  value: HTMLElement;
}

/** The answer card's elements. */
interface AnswerView {
  digit: HTMLOutputElement;
  confidence: HTMLElement;
  seen: HTMLCanvasElement;
  padAnswer: HTMLElement;
  bars: Bar[];
}

export function setUpDrawPanel(): void {
  const view = answerView();
  // The last reading of the pad, for the Teach area; null when the pad is empty or unreadable.
  let latest: PictureReading | null = null;
  const predict = () => {
    const model = currentModel();
    if (!model) return;
    latest = null;
    if (!pad.hasInk) return showEmpty(view, EMPTY_HINT);
    try {
      latest = readPad(model.network, pad.imageData());
    } catch (e) {
      if (e instanceof DigitNetError) return showEmpty(view, `${e.message[0].toUpperCase()}${e.message.slice(1)}: draw a little more.`);
      throw e;
    }
    showReading(view, model.network, latest);
  };
  const pad = new DrawPad(byId<HTMLCanvasElement>('pad'), () => {
    try {
      predict();
    } catch (e) {
      announce(`Prediction failed: ${messageOf(e)}`, 'error');
    }
  });
  const clear = () => {
    pad.clear();
    latest = null;
    showEmpty(view, EMPTY_HINT);
  };
  byId('clear').addEventListener('click', clear);
  bindClearKeys(clear);
  setUpTeachPanel({ drawing: () => padDigit(pad.hasInk ? latest : null), clear });
  onModelChange((model) => {
    const modelName = byId('model-name');
    modelName.textContent = `Model: ${describeShape(model.network)}, ${model.description}`;
    modelName.dataset.source = model.source;
    predict();
  });
  showEmpty(view, 'Loading the model…');
}

/** The pad's one digit as the network saw it, or why there is none to keep. */
function padDigit(reading: PictureReading | null): ReturnType<PadAccess['drawing']> {
  if (!reading) return { problem: 'Draw one digit on the pad first, then type what it is.' };
  if (reading.digits.length !== 1 || reading.reason === 'touching digits that cannot be split') {
    return { problem: 'The pad holds several digits: keep one digit at a time.' };
  }
  return { input: reading.digits[0].input };
}

/** C or Escape clears the pad, unless a form field is taking the keys or another panel is shown. */
function bindClearKeys(clear: () => void): void {
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || target.closest('input, select, textarea')) return;
    if (byId('panel-draw').hidden) return;
    if (e.key === 'c' || e.key === 'C' || e.key === 'Escape') {
      e.preventDefault();
      clear();
    }
  });
}

function answerView(): AnswerView {
  const list = byId<HTMLOListElement>('bars');
  const bars = Array.from({ length: 10 }, (_, d) => {
    const li = document.createElement('li');
    li.innerHTML = `<span class="bar-digit">${d}</span><span class="bar-track"><span class="bar-fill"></span></span><span class="bar-value">–</span>`;
    list.append(li);
    return { li, fill: li.querySelector<HTMLElement>('.bar-fill')!, value: li.querySelector<HTMLElement>('.bar-value')! };
  });
  return { digit: byId<HTMLOutputElement>('digit'), confidence: byId('confidence'), seen: byId<HTMLCanvasElement>('seen'), padAnswer: byId('pad-answer'), bars };
}

function showEmpty(view: AnswerView, hint: string): void {
  view.digit.value = '–';
  view.digit.classList.remove('long');
  view.digit.dataset.digit = '';
  view.confidence.textContent = hint;
  view.padAnswer.textContent = '';
  showBars(view, null);
  drawDigit(view.seen, new Float32Array(784));
  byId('why-figure').hidden = true;
  view.seen.style.width = '';
  view.seen.style.height = '';
}

/** What the pad says: a number, touching digits, or one mark (a digit or "not a digit"). */
function showReading(view: AnswerView, network: Network, reading: PictureReading): void {
  byId('why-figure').hidden = true;
  // What the network saw: one 28×28 input per digit found, side by side.
  drawInputs(view.seen, reading.digits.map((d) => d.input));
  // Three pictures' width at most, so a long number still fits a phone.
  const n = reading.digits.length;
  const width = Math.min(84 * n, 252);
  view.seen.style.width = `${width}px`;
  view.seen.style.height = `${Math.round((width * 28) / (29 * n - 1))}px`;
  if (reading.reason === 'touching digits that cannot be split') {
    view.digit.value = '?';
    view.digit.dataset.digit = '';
    view.confidence.textContent = 'digits touching';
    view.padAnswer.textContent = 'Some digits touch: leave a little space between them.';
    return showBars(view, null);
  }
  if (reading.reason === 'unclear digits') {
    const shown = digitsShown(reading);
    view.digit.value = shown;
    view.digit.dataset.digit = '';
    view.digit.classList.toggle('long', shown.length > 2);
    view.confidence.textContent = 'some digits unclear';
    view.padAnswer.innerHTML = `Reads as <strong>${shown}</strong>: the digits marked ? are too unclear to read`;
    return showBars(view, null);
  }
  if (reading.text !== null && reading.digits.length > 1) {
    view.digit.value = reading.text;
    view.digit.dataset.digit = reading.text;
    view.digit.classList.toggle('long', reading.text.length > 2);
    view.confidence.textContent = reading.digits.map((d) => `${d.digit}: ${percent(d.confidence)}`).join(', ');
    view.padAnswer.innerHTML = `Reads as <strong>${reading.text}</strong>, ${reading.digits.length} digits`;
    return showBars(view, null);
  }
  showOne(view, network, reading.digits[0]);
}

const percent = (v: number) => `${(100 * v).toFixed(0)}%`;

/** One mark: the digits' bars; a model with "not a digit" (11 outputs) or an unsure one may answer that instead. */
function showOne(view: AnswerView, network: Network, answer: DigitAnswer & { input: Float32Array }): void {
  const { best, probabilities: p } = answer;
  view.digit.classList.remove('long');
  view.digit.value = answer.digit === null ? '?' : String(best);
  view.digit.dataset.digit = answer.digit === null ? '' : String(best);
  view.confidence.textContent = answer.digit === null ? 'not a digit' : `${(100 * p[best]).toFixed(1)}% sure`;
  view.padAnswer.innerHTML =
    answer.digit === null ? `Not a digit (${shapeSaid(answer)}best guess <strong>${best}</strong>, ${percent(p[best])})` : `Reads as <strong>${best}</strong> (${percent(p[best])})`;
  showBars(view, answer);
  byId('why-figure').hidden = false;
  const gradient = classScoreGradient(network, answer.input, best);
  drawExplanation(byId<HTMLCanvasElement>('why'), answer.input, gradient.map((g, k) => g * answer.input[k]));
}

/** The ten bars for one digit's probabilities; none for a number. */
function showBars(view: AnswerView, answer: DigitAnswer | null): void {
  view.bars.forEach((row, d) => {
    row.fill.style.width = answer ? `${(100 * answer.probabilities[d]).toFixed(1)}%` : '0%';
    row.value.textContent = answer ? `${(100 * answer.probabilities[d]).toFixed(1)}%` : '–';
    row.li.classList.toggle('top', answer !== null && d === answer.best);
  });
}
