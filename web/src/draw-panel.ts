/**
 * The Draw panel: the pad, the predicted digit (or number, or "not a
 * digit"), a bar for each digit's probability, and the 28×28 picture(s) the
 * network actually sees. Prediction
 * runs here in the page with the library's Network.feedforward on the
 * current model, after the same preprocessing as the command line.
 */
import { DigitNetError } from '../../src/errors.js';
import { describeShape } from '../../src/nn/network.js';
import type { DigitAnswer } from '../../src/read/answer.js';
import type { PictureReading } from '../../src/read/read-picture.js';
import { currentModel, onModelChange } from './current-model.js';
import { byId } from './dom.js';
import { DrawPad } from './draw-pad.js';
import { classScoreGradient, drawExplanation } from './explain.js';
import { drawDigit, drawInputs } from './pictures.js';
import { readPad } from './preprocess.js';
import { announce, messageOf } from './status.js';

export function setUpDrawPanel(): void {
  const digit = byId<HTMLOutputElement>('digit');
  const confidence = byId('confidence');
  const bars = byId<HTMLOListElement>('bars');
  const seen = byId<HTMLCanvasElement>('seen');
  const modelName = byId('model-name');
  const padAnswer = byId('pad-answer');

  const rows = Array.from({ length: 10 }, (_, d) => {
    const li = document.createElement('li');
    li.innerHTML = `<span class="bar-digit">${d}</span><span class="bar-track"><span class="bar-fill"></span></span><span class="bar-value">–</span>`;
    bars.append(li);
    return { li, fill: li.querySelector<HTMLElement>('.bar-fill')!, value: li.querySelector<HTMLElement>('.bar-value')! };
  });

  const showEmpty = (hint: string) => {
    digit.value = '–';
    digit.classList.remove('long');
    digit.dataset.digit = '';
    confidence.textContent = hint;
    padAnswer.textContent = '';
    for (const row of rows) {
      row.fill.style.width = '0%';
      row.value.textContent = '–';
      row.li.classList.remove('top');
    }
    drawDigit(seen, new Float32Array(784));
    byId('why-figure').hidden = true;
    seen.style.width = '';
    seen.style.height = '';
  };

  const predict = () => {
    const model = currentModel();
    if (!model) return;
    if (!pad.hasInk) return showEmpty('Draw a digit on the pad.');
    let reading: PictureReading;
    try {
      reading = readPad(model.network, pad.imageData());
    } catch (e) {
      if (e instanceof DigitNetError) return showEmpty(`${e.message[0].toUpperCase()}${e.message.slice(1)}: draw a little more.`);
      throw e;
    }
    byId('why-figure').hidden = true;
    // What the network saw: one 28×28 input per digit found, side by side.
    drawInputs(seen, reading.digits.map((d) => d.input));
    // Three pictures' width at most, so a long number still fits a phone.
    const n = reading.digits.length;
    const width = Math.min(84 * n, 252);
    seen.style.width = `${width}px`;
    seen.style.height = `${Math.round((width * 28) / (29 * n - 1))}px`;
    const percent = (v: number) => `${(100 * v).toFixed(0)}%`;
    if (reading.reason === 'touching digits that cannot be split') {
      digit.value = '?';
      digit.dataset.digit = '';
      confidence.textContent = 'digits touching';
      padAnswer.textContent = 'Some digits touch: leave a little space between them.';
      return showBars(null);
    }
    if (reading.text !== null && reading.digits.length > 1) {
      digit.value = reading.text;
      digit.dataset.digit = reading.text;
      digit.classList.toggle('long', reading.text.length > 2);
      confidence.textContent = reading.digits.map((d) => `${d.digit}: ${percent(d.confidence)}`).join(', ');
      padAnswer.innerHTML = `Reads as <strong>${reading.text}</strong>, ${reading.digits.length} digits`;
      return showBars(null);
    }
    // One mark: the digits' bars; a model with "not a digit" (11 outputs) or an unsure one may answer that instead.
    const answer = reading.digits[0];
    digit.classList.remove('long');
    const { best, probabilities: p } = answer;
    digit.value = answer.digit === null ? '?' : String(best);
    digit.dataset.digit = answer.digit === null ? '' : String(best);
    confidence.textContent = answer.digit === null ? 'not a digit' : `${(100 * p[best]).toFixed(1)}% sure`;
    padAnswer.innerHTML =
      answer.digit === null ? `Not a digit (best guess <strong>${best}</strong>, ${percent(p[best])})` : `Reads as <strong>${best}</strong> (${percent(p[best])})`;
    showBars(answer);
    const why = byId('why-figure');
    why.hidden = false;
    const gradient = classScoreGradient(model.network, answer.input, best);
    drawExplanation(byId<HTMLCanvasElement>('why'), answer.input, gradient.map((g, k) => g * answer.input[k]));
  };

  /** The ten bars for one digit's probabilities; none for a number. */
  const showBars = (answer: DigitAnswer | null) => {
    rows.forEach((row, d) => {
      row.fill.style.width = answer ? `${(100 * answer.probabilities[d]).toFixed(1)}%` : '0%';
      row.value.textContent = answer ? `${(100 * answer.probabilities[d]).toFixed(1)}%` : '–';
      row.li.classList.toggle('top', answer !== null && d === answer.best);
    });
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
    showEmpty('Draw a digit on the pad.');
  };
  byId('clear').addEventListener('click', clear);
  // C or Escape clears the pad, unless a form field is taking the keys.
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || target.closest('input, select, textarea')) return;
    if (byId('panel-draw').hidden) return;
    if (e.key === 'c' || e.key === 'C' || e.key === 'Escape') {
      e.preventDefault();
      clear();
    }
  });

  onModelChange((model) => {
    modelName.textContent = `Model: ${describeShape(model.network)}, ${model.description}`;
    modelName.dataset.source = model.source;
    predict();
  });
  showEmpty('Loading the model…');
}
