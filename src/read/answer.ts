/**
 * The network's answer for one 28×28 input, with "not a digit" as a possible
 * answer. A network trained with non-digits (`--non-digits`, the people
 * preset) has an 11th output for them; any network's answer is also "not a
 * digit" when its most probable digit is less probable than MIN_CONFIDENCE.
 * Browser-safe.
 */
import type { Network } from '../nn/network.js';
import { probabilitiesOf } from '../nn/probabilities.js';

export const DIGITS = 10;
/**
 * Below this probability the best digit is not taken. Chosen with
 * bench/real/calibrate.ts on the real-handwriting benchmark's dev digits and
 * on non-digits the report does not use: at 0.4 it turns away 1.5% of the
 * digits (0.5: 3.8%); the model's own "not a digit" output does most of the
 * rejecting. See README "People's handwriting".
 */
export const MIN_CONFIDENCE = 0.4;

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
}

export function answerDigit(network: Network, input: ArrayLike<number>): DigitAnswer {
  const all = probabilitiesOf(network.feedforward(input));
  const probabilities = all.slice(0, DIGITS);
  const notDigit = all.length > DIGITS ? all[DIGITS] : 0;
  let best = 0;
  for (let d = 1; d < DIGITS; d++) if (probabilities[d] > probabilities[best]) best = d;
  const confidence = probabilities[best];
  const digit = confidence >= MIN_CONFIDENCE && confidence > notDigit ? best : null;
  return { digit, best, confidence, probabilities, notDigit };
}
