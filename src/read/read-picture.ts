/**
 * A picture to what is written in it: one digit, a number of several
 * digits written left to right, or "not a digit". The picture's ink
 * (data/image.ts, ink.ts) is split into digits (data/segment.ts); each is
 * read on its own, and so is the whole ink as one digit. The number is
 * taken when every part is a confident digit and the parts are surer than
 * the whole (a digit broken in two reads worse in halves than whole); else
 * the whole, if it is a digit; else, when at least half the parts are
 * digits, the number with its unclear digits marked (each part's digit, null
 * where unsure: "2?26"); else "not a digit". Touching digits that
 * cannot be split are said to be so, never read as one. Browser-safe:
 * works on any RasterImage, decoded file or canvas alike.
 */
import { inkBounds } from '../data/components.js';
import { inkToMnistInput, type MnistInputOptions, type WorkingInk, workingInk } from '../data/image.js';
import type { RasterImage } from '../data/raster.js';
import { type InkBox, segmentDigits } from '../data/segment.js';
import type { Network } from '../nn/network.js';
import { answerDigit, type DigitAnswer } from './answer.js';

export interface DigitReading extends DigitAnswer {
  /** Where this digit's ink lies, in the picture's pixels. */
  box: InkBox;
  /** The 784 inputs the network saw for it. */
  input: Float32Array;
}

export interface PictureReading {
  /** What is written, e.g. "7" or "2026"; null when it is not (all) digits. */
  text: string | null;
  /** The marks read: one per digit of a number, or the whole ink as one. */
  digits: DigitReading[];
  /** Why `text` is null: not a digit at all, digits too close to split, or a number with digits too unsure to read (each part's `digit` says which). */
  reason?: 'not a digit' | 'touching digits that cannot be split' | 'unclear digits';
  /** Blobs that look like several touching digits (picture pixels). */
  touching: InkBox[];
  /** The ink map it was read from (working size), for showing what was found. */
  working?: WorkingInk;
}

export function readPicture(network: Network, image: RasterImage, options: MnistInputOptions = {}): PictureReading {
  const name = options.name ?? 'image';
  const working = workingInk(image, options);
  const { ink, w, h, scale } = working;
  const toPicture = (b: InkBox): InkBox => ({ x: b.x / scale, y: b.y / scale, width: b.width / scale, height: b.height / scale });
  const wholeInput = inkToMnistInput(ink, w, h, name);
  const whole: DigitReading = { ...answerDigit(network, wholeInput), box: toPicture(inkBounds(ink, w, h) ?? { x: 0, y: 0, width: 0, height: 0 }), input: wholeInput };
  const { regions, touching } = segmentDigits(ink, w, h);
  const touchingBoxes = touching.map(toPicture);
  if (touching.length > 0) {
    const parts = regions.map((r) => readPart(network, r.ink, r.box, toPicture(r.box), name));
    return { text: null, digits: parts, reason: 'touching digits that cannot be split', touching: touchingBoxes, working };
  }
  if (regions.length > 1) {
    const parts = regions.map((r) => readPart(network, r.ink, r.box, toPicture(r.box), name));
    const surest = Math.min(...parts.map((p) => p.confidence));
    if (parts.every((p) => p.digit !== null) && (whole.digit === null || surest >= whole.confidence)) {
      return { text: parts.map((p) => p.digit).join(''), digits: parts, touching: [], working };
    }
    // The whole is no digit either: a number with a smudged digit says which, rather than "not a digit".
    const clear = parts.filter((p) => p.digit !== null).length;
    if (whole.digit === null && 2 * clear >= parts.length) return { text: null, digits: parts, reason: 'unclear digits', touching: [], working };
  }
  return whole.digit === null
    ? { text: null, digits: [whole], reason: 'not a digit', touching: [], working }
    : { text: String(whole.digit), digits: [whole], touching: [], working };
}

/** The digits read, left to right, with "?" for each too unclear to read: "2?26". */
export function digitsShown(reading: PictureReading): string {
  return reading.digits.map((d) => (d.digit === null ? '?' : String(d.digit))).join('');
}

function readPart(network: Network, ink: Float32Array, box: InkBox, pictureBox: InkBox, name: string): DigitReading {
  const input = inkToMnistInput(ink, box.width, box.height, name);
  return { ...answerDigit(network, input), box: pictureBox, input };
}
