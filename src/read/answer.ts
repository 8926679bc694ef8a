/**
 * The network's answer for one 28×28 input, with "not a digit" as a possible
 * answer. A network trained with non-digits (`--non-digits`, the people
 * preset) has an 11th output for them; any network's answer is also "not a
 * digit" when its most probable digit is less probable than MIN_CONFIDENCE,
 * or when the input has a shape no digit has (digit-shape.ts).
 * Browser-safe.
 */
import type { Network } from '../nn/network.js';
import { probabilitiesOf } from '../nn/probabilities.js';
import { type ShapeVeto, shapeVeto } from './digit-shape.js';

export const DIGITS = 10;
/**
 * Below this probability the best digit is not taken. Chosen with
 * bench/real/calibrate.ts on the real-handwriting benchmark's dev digits and
 * on non-digits the report does not use. With the shipped model the 11th
 * output and the shape checks turn away 2.3% of the digits and a floor of
 * 0.3 no more (0.5: 3.5%), while 89% of the non-digits are rejected
 * (0.5: 91%). See README "People's handwriting".
 */
export const MIN_CONFIDENCE = 0.3;

export interface DigitAnswer {
  /** The digit, or null: "not a digit". */
  digit: number | null;
  /** The most probable digit, even when it is not taken. */
  best: number;
  /** The probability of `best`. */
  confidence: number;
  /** The ten digits' probabilities (with notDigit they sum to 1). */
  probabilities: number[];
  /** The probability of "not a digit" (0 for a network without that output). */
  notDigit: number;
  /** Set when the input's shape rules out a digit (digit-shape.ts: a tangle only when the network is under SURE_OF_DIGIT). */
  shape?: ShapeVeto;
}

export function answerDigit(network: Network, input: ArrayLike<number>): DigitAnswer {
  const all = probabilitiesOf(network.feedforward(input));
  const probabilities = all.slice(0, DIGITS);
  const notDigit = all.length > DIGITS ? all[DIGITS] : 0;
  let best = 0;
  for (let d = 1; d < DIGITS; d++) if (probabilities[d] > probabilities[best]) best = d;
  const confidence = probabilities[best];
  const shape = shapeVeto(input, confidence);
  const digit = shape === null && confidence >= MIN_CONFIDENCE && confidence > notDigit ? best : null;
  return { digit, best, confidence, probabilities, notDigit, ...(shape ? { shape } : {}) };
}

/** "a mark inside a loop; " when the answer's shape ruled a digit out, else "": the start of the words in "not a digit (…; best guess 0, 35.0%)". */
export function shapeSaid(answer: { shape?: ShapeVeto }): string {
  return answer.shape ? `${answer.shape}; ` : '';
}
