/**
 * The Draw panel: the pad, the predicted digit, a bar for each digit's
 * probability, and the 28×28 picture the network actually sees. Prediction
 * runs here in the page with the library's Network.feedforward on the
 * current model, after the same preprocessing as the command line.
 */
import { DigitNetError } from '../../src/errors.js';
import { describeShape } from '../../src/nn/network.js';
import { answerDigit } from '../../src/read/answer.js';
import { currentModel, onModelChange } from './current-model.js';
import { byId } from './dom.js';
import { DrawPad } from './draw-pad.js';
import { drawDigit } from './pictures.js';
import { padToInput } from './preprocess.js';
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
    digit.dataset.digit = '';
    confidence.textContent = hint;
    padAnswer.textContent = '';
    for (const row of rows) {
      row.fill.style.width = '0%';
      row.value.textContent = '–';
      row.li.classList.remove('top');
    }
    drawDigit(seen, new Float32Array(784));
  };

  const predict = () => {
    const model = currentModel();
    if (!model) return;
    if (!pad.hasInk) return showEmpty('Draw a digit on the pad.');
    let input: Float32Array;
    try {
      input = padToInput(pad.imageData());
    } catch (e) {
      if (e instanceof DigitNetError) return showEmpty(`${e.message[0].toUpperCase()}${e.message.slice(1)}: draw a little more.`);
      throw e;
    }
    drawDigit(seen, input);
    // The digits' bars; a model with "not a digit" (11 outputs) or an unsure one may answer that instead.
    const answer = answerDigit(model.network, input);
    const { best, probabilities: p } = answer;
    const unsure = answer.digit === null && answer.notDigit >= p[best];
    digit.value = unsure ? '?' : String(best);
    digit.dataset.digit = String(best);
    confidence.textContent = unsure ? 'not a digit' : `${(100 * p[best]).toFixed(1)}% sure`;
    padAnswer.innerHTML = unsure
      ? `Not a digit (best guess <strong>${best}</strong>, ${(100 * p[best]).toFixed(0)}%)`
      : `Reads as <strong>${best}</strong> (${(100 * p[best]).toFixed(0)}%)`;
    rows.forEach((row, d) => {
      row.fill.style.width = `${(100 * p[d]).toFixed(1)}%`;
      row.value.textContent = `${(100 * p[d]).toFixed(1)}%`;
      row.li.classList.toggle('top', d === best);
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
