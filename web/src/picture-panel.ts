/**
 * Read a photo or a scan: a picture chosen (or taken with a phone's
 * camera), dropped or pasted goes through the library's reading
 * (src/read/read-picture.ts), the path `digitnet predict` runs, and each
 * step is shown: the picture, the ink found with a box per digit, and each
 * digit as the network sees it. Decoding is the browser's own
 * (createImageBitmap), reduced to the working size first; nothing leaves the
 * page.
 */
import { WORKING_SIDE } from '../../src/data/image.js';
import { DigitNetError } from '../../src/errors.js';
import type { Network } from '../../src/nn/network.js';
import { shapeSaid } from '../../src/read/answer.js';
import { digitsShown, type PictureReading, readPicture } from '../../src/read/read-picture.js';
import { currentModel, onModelChange } from './current-model.js';
import { byId } from './dom.js';
import { classScoreGradient, drawExplanation } from './explain.js';
import { drawInputs } from './pictures.js';

/** Larger files are refused unread: a phone photo is a few MB. */
const MAX_PICTURE_BYTES = 64 * 1024 * 1024;

export function setUpPicturePanel(): void {
  const input = byId<HTMLInputElement>('picture-file');
  const zone = byId('drop-zone');
  let last: Blob | null = null;
  const show = (blob: Blob) => {
    last = blob;
    void readAndShow(blob);
  };
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) show(file);
    input.value = ''; // the same file chosen again is read again
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) show(file);
  });
  document.addEventListener('paste', (e) => {
    if (byId('panel-draw').hidden) return;
    const item = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    const file = item?.getAsFile();
    if (!file) return;
    e.preventDefault();
    show(file);
  });
  onModelChange(() => {
    if (last) void readAndShow(last);
  });
}

async function readAndShow(blob: Blob): Promise<void> {
  const answer = byId('picture-answer');
  const steps = byId('picture-steps');
  const model = currentModel();
  if (!model) {
    answer.textContent = 'The model is still loading: try again in a moment.';
    return;
  }
  if (blob.size > MAX_PICTURE_BYTES) {
    answer.textContent = `That file is ${(blob.size / 2 ** 20).toFixed(0)} MB: pictures up to ${MAX_PICTURE_BYTES / 2 ** 20} MB are read.`;
    return;
  }
  let image: ImageData;
  try {
    image = await workingImage(blob);
  } catch {
    steps.hidden = true;
    answer.textContent = `This browser cannot read that file as a picture (${blob.type || 'unknown type'}): try a PNG or a JPEG.`;
    return;
  }
  drawImage(byId<HTMLCanvasElement>('step-picture'), image);
  let reading: PictureReading;
  try {
    reading = readPicture(model.network, image, { name: 'your picture' });
  } catch (e) {
    if (!(e instanceof DigitNetError)) throw e;
    steps.hidden = false;
    clear(byId<HTMLCanvasElement>('step-ink'));
    byId('step-why-figure').hidden = true;
    drawInputs(byId<HTMLCanvasElement>('step-digits'), [new Float32Array(784)]);
    answer.textContent = `${e.message[0].toUpperCase()}${e.message.slice(1)}.`;
    return;
  }
  steps.hidden = false;
  drawInk(byId<HTMLCanvasElement>('step-ink'), reading);
  drawInputs(byId<HTMLCanvasElement>('step-digits'), reading.digits.map((d) => d.input));
  showWhy(model.network, reading);
  answer.innerHTML = describe(reading);
}

/** For a single mark, which pixels pushed its best digit up or down; hidden for a number. */
function showWhy(network: Network, r: PictureReading): void {
  const figure = byId('step-why-figure');
  figure.hidden = r.digits.length !== 1;
  if (figure.hidden) return;
  const { input, best } = r.digits[0];
  const gradient = classScoreGradient(network, input, best);
  drawExplanation(byId<HTMLCanvasElement>('step-why'), input, gradient.map((g, k) => g * input[k]));
}

/** "Reads as <strong>37</strong> (3: 99%, 7: 98%)", or why not. */
function describe(r: PictureReading): string {
  const percent = (v: number) => `${(100 * v).toFixed(0)}%`;
  if (r.reason === 'touching digits that cannot be split') return 'Some digits touch too much to be split: a photo with a little space between them will do.';
  if (r.reason === 'unclear digits') {
    const shown = digitsShown(r);
    return `Reads as <strong>${shown}</strong>, but the digits marked ? are too unclear to read (best guesses ${r.digits.filter((d) => d.digit === null).map((d) => `${d.best}, ${percent(d.confidence)}`).join('; ')}).`;
  }
  if (r.text === null) return `Not a digit (${shapeSaid(r.digits[0])}best guess <strong>${r.digits[0].best}</strong>, ${percent(r.digits[0].confidence)}).`;
  if (r.digits.length === 1) return `Reads as <strong>${r.text}</strong> (${percent(r.digits[0].confidence)}).`;
  return `Reads as <strong>${r.text}</strong> (${r.digits.map((d) => `${d.digit}: ${percent(d.confidence)}`).join(', ')}).`;
}

/** The picture decoded by the browser (upright per EXIF), reduced so neither side exceeds the working size. */
async function workingImage(blob: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob);
  try {
    const scale = Math.min(1, WORKING_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return context.getImageData(0, 0, canvas.width, canvas.height);
  } finally {
    bitmap.close();
  }
}

function drawImage(canvas: HTMLCanvasElement, image: ImageData): void {
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

function clear(canvas: HTMLCanvasElement): void {
  canvas.width = 1;
  canvas.height = 1;
}

/** The ink map, white on black, with a green box around each digit read (orange around touching ones). */
function drawInk(canvas: HTMLCanvasElement, r: PictureReading): void {
  if (!r.working) return clear(canvas);
  const { ink, w, h, scale } = r.working;
  canvas.width = w;
  canvas.height = h;
  const context = canvas.getContext('2d')!;
  const pixels = context.createImageData(w, h);
  for (let p = 0; p < w * h; p++) {
    const v = Math.round(255 * ink[p]);
    pixels.data.set([v, v, v, 255], 4 * p);
  }
  context.putImageData(pixels, 0, 0);
  context.lineWidth = Math.max(2, Math.round(Math.max(w, h) / 150));
  const outline = (b: { x: number; y: number; width: number; height: number }, colour: string) => {
    context.strokeStyle = colour;
    context.strokeRect(b.x * scale, b.y * scale, b.width * scale, b.height * scale);
  };
  for (const d of r.digits) outline(d.box, d.digit === null ? '#e0a030' : '#3fc06a');
  for (const t of r.touching) outline(t, '#f06030');
}
