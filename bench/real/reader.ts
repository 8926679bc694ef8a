/**
 * The seam between the bench and DigitNet: one picture's bytes in, an
 * answer out, by `digitnet predict`'s own path (decode, ink, split into
 * digits, read each, "not a digit"). A DigitNetError (e.g. "no digit
 * found") and touching digits that cannot be split become a refusal. Any
 * other error is a bug and is thrown.
 */
import { loadDigitModel } from '../../src/cli/digit-model.js';
import { readImage } from '../../src/cli/predict-image.js';
import { segmentDigits } from '../../src/data/segment.js';
import { DigitNetError } from '../../src/errors.js';
import type { PictureReading } from '../../src/read/read-picture.js';

export interface Reading {
  /** One entry per digit found, left to right; null = "not a digit" (or, in a number, a digit too unclear to read). */
  digits: (number | null)[];
  /** Whether the picture was answered as digits (text not null): a non-digit is rejected when it was not. */
  answered: boolean;
  /**
   * How many digits the split into digits found (data/segment.ts), whether
   * or not each was then read: a number with one unsure digit is answered
   * "not a digit" as a whole, yet may have been split right. 0 when refused
   * or when touching digits could not be split.
   */
  split: number;
  /** Why the picture was refused (e.g. "no digit found"). */
  refused?: string;
}

export type Reader = (bytes: Uint8Array, name: string) => Promise<Reading>;

/** The reader for the model in `modelFile` (default: the shipped model). */
export function createReader(modelFile: string | undefined): Reader {
  const { network } = loadDigitModel(modelFile);
  return async (bytes, name) => {
    try {
      const reading = await readImage(network, bytes, name, 'auto');
      if (reading.reason === 'touching digits that cannot be split') return { digits: [], answered: false, split: 0, refused: reading.reason };
      // A number with unclear digits shows its parts; "not a digit" is one mark answered as none.
      const digits = reading.text === null && reading.reason !== 'unclear digits' ? [null] : reading.digits.map((d) => d.digit);
      return { digits, answered: reading.text !== null, split: splitCount(reading) };
    } catch (e) {
      if (e instanceof DigitNetError) return { digits: [], answered: false, split: 0, refused: e.message };
      throw e;
    }
  };
}

/** The digits the split found: as read when the number was taken, else the segmentation of the same ink again. */
function splitCount(reading: PictureReading): number {
  if (reading.digits.length > 1 || !reading.working) return reading.digits.length;
  const { ink, w, h } = reading.working;
  const { regions, touching } = segmentDigits(ink, w, h);
  return touching.length > 0 ? 0 : regions.length;
}
