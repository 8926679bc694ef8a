import { argmax, type Network } from './network.js';

/**
 * A network's outputs as probabilities for display: softmax outputs already
 * are; sigmoid (or other) outputs are clipped at 0 and scaled to sum to 1.
 * Shared by `predict`, the server's /api/predict and the web page's bar chart.
 */
export function probabilitiesOf(output: ArrayLike<number>): number[] {
  let sum = 0;
  for (let i = 0; i < output.length; i++) sum += Math.max(0, output[i]);
  return Array.from(output, (v) => (sum > 0 ? Math.max(0, v) / sum : 1 / output.length));
}

/** The network's answer for one input: the most probable digit and all the probabilities. */
export function predictDigit(network: Network, input: ArrayLike<number>): { digit: number; probabilities: number[] } {
  const probabilities = probabilitiesOf(network.feedforward(input));
  return { digit: argmax(probabilities, 0, probabilities.length), probabilities };
}
