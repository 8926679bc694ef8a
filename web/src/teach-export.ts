/**
 * The kept digits as a small dataset file: a CSV with a header,
 * `label,pixel0,…,pixel783`, one digit a row, pixels 0–255 (white ink on
 * black, as MNIST). `digitnet train --fine-tune MODEL --data my-digits.csv`
 * reads it as the very inputs the pad saw, and `digitnet train --data` reads
 * it as any Kaggle-style CSV.
 */
import { download } from './dom.js';
import { INPUT_SIZE, type KeptDigit } from './teach-store.js';

export const EXPORT_NAME = 'digitnet-my-digits.csv';

export function digitsCsv(digits: readonly KeptDigit[]): string {
  const header = ['label', ...Array.from({ length: INPUT_SIZE }, (_, k) => `pixel${k}`)].join(',');
  // The same rounding as the library's datasetOfInputs, so the file holds what fine-tuning here trains on.
  const rows = digits.map((d) => [d.label, ...Array.from(d.input, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255))].join(','));
  return [header, ...rows].join('\n') + '\n';
}

/** Offers the CSV as a download; returns the file name. */
export function downloadDigits(digits: readonly KeptDigit[]): string {
  download(new Blob([digitsCsv(digits)], { type: 'text/csv' }), EXPORT_NAME);
  return EXPORT_NAME;
}
