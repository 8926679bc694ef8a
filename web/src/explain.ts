/**
 * Why the network gave its answer for one input: its probabilities, and
 * gradient × input for the predicted class: how much each pixel pushed the
 * class score up (positive) or down (negative). The class score is the
 * output layer's pre-activation z (for a softmax output: the logit), and its
 * gradient with respect to the 784 inputs comes from backpropagation through
 * the layers in plain TS, with each activation's σ′ from src/nn/activations.ts.
 */
import type { Network } from '../../src/nn/network.js';
import { probabilitiesOf } from '../../src/nn/probabilities.js';

export interface Explanation {
  /** The most probable digit. */
  digit: number;
  probabilities: number[];
  /** ∂z_digit/∂x_k · x_k for every input k. */
  map: Float64Array;
}

/** ∂z_c/∂x for the output layer's pre-activation of class `c`. */
export function classScoreGradient(net: Network, input: ArrayLike<number>, c: number, pass = net.forwardPass(input)): Float64Array {
  const { zs, as } = pass;
  const L = net.layers.length;
  // δ = ∂z_c/∂z of the current layer: one-hot at the output.
  let delta = new Float64Array(net.layers[L - 1].outputs);
  delta[c] = 1;
  for (let l = L - 1; l >= 0; l--) {
    const { inputs: I, outputs: O, weights: w } = net.layers[l];
    const below = new Float64Array(I);
    for (let j = 0; j < O; j++) {
      const d = delta[j];
      if (d === 0) continue;
      const row = j * I;
      for (let k = 0; k < I; k++) below[k] += w[row + k] * d;
    }
    if (l > 0) {
      // Through the activation of layer l−1 (never softmax: only the output may be).
      const act = net.layers[l - 1].activation;
      const z = zs[l - 1];
      const a = as[l];
      for (let k = 0; k < I; k++) below[k] *= act.fPrime(z[k], a[k]);
    }
    delta = below;
  }
  return delta;
}

/** The network's answer for `input` (values in [0, 1]) and its gradient × input map for that answer. */
export function explain(net: Network, input: ArrayLike<number>): Explanation {
  const pass = net.forwardPass(input);
  const probabilities = probabilitiesOf(pass.as[pass.as.length - 1]);
  let digit = 0;
  for (let j = 1; j < probabilities.length; j++) if (probabilities[j] > probabilities[digit]) digit = j;
  const gradient = classScoreGradient(net, input, digit, pass);
  const map = new Float64Array(gradient.length);
  for (let k = 0; k < map.length; k++) map[k] = gradient[k] * input[k];
  return { digit, probabilities, map };
}

const SIDE = 28;
/** Each input pixel becomes SCALE×SCALE canvas pixels, so the digit's outline can be drawn over the map. */
const SCALE = 8;

/**
 * Draw the map over the digit: red where a pixel pushed the answer up, blue
 * where it pushed it down, scaled by the largest |value|; the digit shows
 * as grey beneath where the map is near zero.
 */
export function drawExplanation(canvas: HTMLCanvasElement, input: ArrayLike<number>, map: ArrayLike<number>): void {
  canvas.width = SIDE * SCALE;
  canvas.height = SIDE * SCALE;
  const context = canvas.getContext('2d')!;
  let max = 0;
  for (let k = 0; k < map.length; k++) max = Math.max(max, Math.abs(map[k]));
  const image = context.createImageData(SIDE * SCALE, SIDE * SCALE);
  for (let y = 0; y < SIDE * SCALE; y++) {
    for (let x = 0; x < SIDE * SCALE; x++) {
      const k = Math.floor(y / SCALE) * SIDE + Math.floor(x / SCALE);
      const t = max > 0 ? map[k] / max : 0;
      // The digit as light grey ink on white, then the map's colour over it.
      const ink = 255 - Math.round(90 * Math.min(1, Math.max(0, input[k])));
      const end = t < 0 ? [33, 102, 172] : [178, 24, 43];
      const a = Math.min(1, Math.sqrt(Math.abs(t)));
      const p = 4 * (y * SIDE * SCALE + x);
      image.data[p] = Math.round(ink + (end[0] - ink) * a);
      image.data[p + 1] = Math.round(ink + (end[1] - ink) * a);
      image.data[p + 2] = Math.round(ink + (end[2] - ink) * a);
      image.data[p + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
}
