/**
 * The seam between the bench and DigitNet: one picture's bytes in, an
 * answer out, by `digitnet predict`'s own path (decode, ink, split into
 * digits, read each, "not a digit"). A DigitNetError (e.g. "no digit
 * found") and touching digits that cannot be split become a refusal. Any
 * other error is a bug and is thrown.
 */
import { loadDigitModel } from '../../src/cli/digit-model.js';
import { readImage } from '../../src/cli/predict-image.js';
import { DigitNetError } from '../../src/errors.js';

export interface Reading {
  /** One entry per digit found, left to right; null = "not a digit". */
  digits: (number | null)[];
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
      if (reading.reason === 'touching digits that cannot be split') return { digits: [], refused: reading.reason };
      return { digits: reading.text === null ? [null] : reading.digits.map((d) => d.digit) };
    } catch (e) {
      if (e instanceof DigitNetError) return { digits: [], refused: e.message };
      throw e;
    }
  };
}
