/**
 * The Train panel's form: the network's layers, hidden activation, batch
 * size, epochs, η, training images and augmentation. It starts with the
 * default recipe, and each field is checked as `digitnet train` checks its
 * flags (the library's own checks), each error shown at its field. It
 * neither trains nor draws: train-panel.ts does.
 */
import { UsageError } from '../../src/errors.js';
import { VALIDATION_SIZE } from '../../src/data/mnist-split.js';
import type { ActivationName } from '../../src/nn/activations.js';
import { MAX_AUGMENT } from '../../src/train/config.js';
import { byId } from './dom.js';
import { announce, messageOf } from './status.js';
import { configOf, DEFAULT_SETTINGS, HIDDEN_ACTIVATIONS, parseLayers, type TrainSettings } from './worker-protocol.js';

/** MNIST has 60,000 training images; the last VALIDATION_SIZE validate. */
const MAX_TRAIN_SIZE = 60_000 - VALIDATION_SIZE;

/** The most epochs the form takes (and the chart plans for). */
const MAX_EPOCHS = 200;

export type FieldName = 'layers' | 'activation' | 'batch' | 'epochs' | 'eta' | 'train-size' | 'augment';

type Field = HTMLInputElement | HTMLSelectElement;

/** Which field a message from the library's checks is about. */
function fieldOf(message: string): FieldName {
  if (/batch/i.test(message)) return 'batch';
  if (/activation|softmax/i.test(message)) return 'activation';
  if (/epoch/i.test(message)) return 'epochs';
  if (/learning rate|eta|η/i.test(message)) return 'eta';
  if (/augment/i.test(message)) return 'augment';
  if (/training (images|set)|examples/i.test(message)) return 'train-size';
  return 'layers';
}

/** A field's text as a whole number in [min, max], or a UsageError that says so. */
function whole(field: Field, what: string, min: number, max: number): number {
  const text = field.value.trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${what} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, got ${text || 'nothing'}`);
  return n;
}

/** A field's text as a decimal number; NaN (which the library's checks refuse) when it is not one. */
function decimal(field: Field): number {
  const text = field.value.trim();
  return text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? NaN : Number(text);
}

export class TrainForm {
  readonly element = byId<HTMLFormElement>('train-form');
  private readonly fields: Record<FieldName, Field> = {
    layers: byId<HTMLInputElement>('layers'),
    activation: byId<HTMLSelectElement>('activation'),
    batch: byId<HTMLInputElement>('batch'),
    epochs: byId<HTMLInputElement>('epochs'),
    eta: byId<HTMLInputElement>('eta'),
    'train-size': byId<HTMLInputElement>('train-size'),
    augment: byId<HTMLInputElement>('augment'),
  };

  constructor() {
    this.fillDefaults();
    for (const [name, field] of Object.entries(this.fields) as [FieldName, Field][]) {
      field.addEventListener('input', () => this.setError(name, null));
    }
  }

  /** While a run is under way the recipe cannot change. */
  set disabled(on: boolean) {
    for (const field of Object.values(this.fields)) field.disabled = on;
  }

  /** The epochs typed so far, when they make a valid count; null otherwise. */
  plannedEpochs(): number | null {
    const epochs = Number(this.fields.epochs.value);
    return Number.isInteger(epochs) && epochs >= 1 && epochs <= MAX_EPOCHS ? epochs : null;
  }

  onEpochsInput(listener: () => void): void {
    this.fields.epochs.addEventListener('input', listener);
  }

  /** An error at the field: aria-invalid and a message under it; null clears both. */
  setError(name: FieldName, message: string | null): void {
    const field = this.fields[name];
    const note = byId(`${name}-error`);
    note.textContent = message ?? '';
    note.hidden = message === null;
    if (message === null) field.removeAttribute('aria-invalid');
    else field.setAttribute('aria-invalid', 'true');
  }

  /** An error the worker found after the form's checks passed, shown where it belongs. */
  showRunError(message: string): void {
    if (/batch size/.test(message)) this.setError('batch', message);
  }

  /** The settings in the form, checked as the command line checks its flags; null (and messages at the fields) when one is bad. */
  read(): TrainSettings | null {
    const problems = new Map<FieldName, string>();
    const settings = this.readFields(problems);
    this.checkFields(settings, problems);
    for (const name of Object.keys(this.fields) as FieldName[]) this.setError(name, problems.get(name) ?? null);
    if (problems.size === 0) return settings;
    const [first] = problems.keys();
    this.fields[first].focus();
    announce(`Cannot train: ${[...problems.values()].join('; ')}`, 'error');
    return null;
  }

  private fillDefaults(): void {
    const f = this.fields;
    f.activation.replaceChildren(
      ...HIDDEN_ACTIVATIONS.map((a) => {
        const option = document.createElement('option');
        option.value = a;
        option.textContent = a;
        return option;
      }),
    );
    f.layers.value = DEFAULT_SETTINGS.layers.join(',');
    f.activation.value = DEFAULT_SETTINGS.activation;
    f.batch.value = String(DEFAULT_SETTINGS.batchSize);
    f.epochs.value = String(DEFAULT_SETTINGS.epochs);
    f.eta.value = String(DEFAULT_SETTINGS.eta);
    f['train-size'].value = String(DEFAULT_SETTINGS.trainSize);
    f['train-size'].setAttribute('max', String(MAX_TRAIN_SIZE));
    f.augment.value = String(DEFAULT_SETTINGS.augment);
    f.augment.setAttribute('max', String(MAX_AUGMENT));
  }

  /** Each field parsed on its own; a field that cannot be read gets a problem and the default in its place. */
  private readFields(problems: Map<FieldName, string>): TrainSettings {
    const f = this.fields;
    const read = <T>(name: FieldName, get: () => T, fallback: T): T => {
      try {
        return get();
      } catch (e) {
        problems.set(name, messageOf(e));
        return fallback;
      }
    };
    return {
      layers: read('layers', () => parseLayers(f.layers.value), DEFAULT_SETTINGS.layers),
      activation: f.activation.value as ActivationName,
      batchSize: read('batch', () => whole(f.batch, 'batch size', 1, 10_000), DEFAULT_SETTINGS.batchSize),
      epochs: read('epochs', () => whole(f.epochs, 'epochs', 1, MAX_EPOCHS), DEFAULT_SETTINGS.epochs),
      eta: read('eta', () => decimal(f.eta), DEFAULT_SETTINGS.eta),
      trainSize: read('train-size', () => whole(f['train-size'], 'training images', 1, MAX_TRAIN_SIZE), DEFAULT_SETTINGS.trainSize),
      augment: read('augment', () => decimal(f.augment), DEFAULT_SETTINGS.augment),
    };
  }

  /** The library's own checks (checkConfig), one field at a time so that each message lands at its field, then all together. */
  private checkFields(s: TrainSettings, problems: Map<FieldName, string>): void {
    const check = (name: FieldName, change: Partial<TrainSettings>) => {
      if (problems.has(name)) return;
      try {
        configOf({ ...DEFAULT_SETTINGS, ...change });
      } catch (e) {
        problems.set(name, messageOf(e));
      }
    };
    check('eta', { eta: s.eta });
    check('augment', { augment: s.augment });
    check('epochs', { epochs: s.epochs });
    check('layers', { layers: s.layers });
    if (!problems.has('layers')) check('activation', { layers: s.layers, activation: s.activation });
    if (problems.size > 0) return;
    try {
      configOf(s);
      if (s.batchSize > s.trainSize) throw new UsageError(`batch size ${s.batchSize} is larger than the training set (${s.trainSize} examples)`);
    } catch (e) {
      problems.set(fieldOf(messageOf(e)), messageOf(e));
    }
  }
}
