/**
 * A picture's reading as plain JSON, the same for `digitnet predict --json`
 * and the server's POST /api/predict: `text` is what is written (null when
 * not digits), `digit` the digit when the picture holds exactly one, and
 * each digit's probabilities and box (picture pixels).
 */
import type { InkBox } from '../data/segment.js';
import type { PictureReading } from './read-picture.js';

export interface ReadingJson {
  text: string | null;
  digit: number | null;
  confidence?: number;
  probabilities?: number[];
  notDigit?: number;
  /** Per digit; `shape` says why a shape no digit has ruled it out ("a mark inside a loop", "more than two loops", "a tangle of strokes"). */
  digits: { digit: number | null; best: number; confidence: number; probabilities: number[]; notDigit: number; shape?: string; box: InkBox }[];
  reason?: string;
  touching?: InkBox[];
}

export function readingJson(r: PictureReading): ReadingJson {
  const one = r.digits.length === 1 ? r.digits[0] : null;
  return {
    text: r.text,
    digit: one && r.text !== null ? one.digit : null,
    ...(one ? { confidence: one.confidence, probabilities: one.probabilities, notDigit: one.notDigit } : {}),
    digits: r.digits.map((d) => ({ digit: d.digit, best: d.best, confidence: d.confidence, probabilities: d.probabilities, notDigit: d.notDigit, ...(d.shape ? { shape: d.shape } : {}), box: roundBox(d.box) })),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.touching.length ? { touching: r.touching.map(roundBox) } : {}),
  };
}

function roundBox(b: InkBox): InkBox {
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
}
