/**
 * The network the page predicts with, and who wants to know when it changes
 * (the drawing pad, the Explore panel, the Download button). It starts as the
 * server's model and becomes the one trained in the browser.
 */
import type { ModelInfo } from '../../src/io/model-format.js';
import type { Network } from '../../src/nn/network.js';

export interface CurrentModel {
  network: Network;
  /** Where it came from, for people: "served by the server", "trained here: 3 epochs". */
  description: string;
  source: 'served' | 'trained';
  info: ModelInfo;
}

type Listener = (model: CurrentModel) => void;

let current: CurrentModel | null = null;
const listeners: Listener[] = [];

export function currentModel(): CurrentModel | null {
  return current;
}

export function setCurrentModel(model: CurrentModel): void {
  current = model;
  for (const listener of listeners) listener(model);
}

export function onModelChange(listener: Listener): void {
  listeners.push(listener);
}
