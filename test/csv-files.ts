/** Small data files written from real MNIST rows, for the CSV and any-class data tests. */
import { writeFileSync } from 'node:fs';
import type { Dataset } from '../src/data/dataset.js';
import { encodeIdx } from '../src/data/idx.js';

export interface CsvLayout {
  /** Write Kaggle's header line (label,pixel0,… or pixel0,…). */
  header: boolean;
  /** Put each row's label first. */
  labels: boolean;
}

/** Rows [from, to) of `ds` as CSV text, in Kaggle's layout when `header` and `labels` are set. */
export function csvText(ds: Dataset, from: number, to: number, layout: CsvLayout): string {
  const I = ds.inputSize;
  const lines: string[] = [];
  if (layout.header) {
    const pixels = Array.from({ length: I }, (_, k) => `pixel${k}`);
    lines.push((layout.labels ? ['label', ...pixels] : pixels).join(','));
  }
  for (let n = from; n < to; n++) {
    const pixels = Array.from(ds.images.subarray(n * I, (n + 1) * I)).join(',');
    lines.push(layout.labels ? `${ds.labels[n]},${pixels}` : pixels);
  }
  return lines.join('\n') + '\n';
}

export function writeCsv(path: string, ds: Dataset, from: number, to: number, layout: CsvLayout): void {
  writeFileSync(path, csvText(ds, from, to, layout));
}

/**
 * An EMNIST-letters-like set: 26 classes labelled 1–26, made from MNIST
 * digits so that they can be learnt: label 1 + d for digit d as written,
 * 11 + d for it transposed, 21 + d for digits 0–5 turned upside down.
 */
export function lettersLike(ds: Dataset, count: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const d = ds.labels[n];
    const src = ds.images.subarray(n * 784, (n + 1) * 784);
    const kind = n % 3 === 2 && d > 5 ? 0 : n % 3;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const from = kind === 0 ? y * 28 + x : kind === 1 ? x * 28 + y : (27 - y) * 28 + x;
        images[n * 784 + y * 28 + x] = src[from];
      }
    }
    labels[n] = 1 + d + 10 * kind;
  }
  return { images, labels };
}

/** The four IDX files of a set in `dir`, MNIST's names. */
export function writeIdxSet(dir: string, train: { images: Uint8Array; labels: Uint8Array }, test: { images: Uint8Array; labels: Uint8Array }): void {
  const write = (prefix: string, part: { images: Uint8Array; labels: Uint8Array }) => {
    writeFileSync(`${dir}/${prefix}-images-idx3-ubyte`, encodeIdx([part.labels.length, 28, 28], part.images));
    writeFileSync(`${dir}/${prefix}-labels-idx1-ubyte`, encodeIdx([part.labels.length], part.labels));
  };
  write('train', train);
  write('t10k', test);
}
