/** Small text formatting shared by the commands. */

export function percent(correct: number, total: number): string {
  return `${((100 * correct) / total).toFixed(2)}%`;
}

/** A confusion matrix (rows: true class, columns: predicted) with each row's accuracy. */
export function confusionTable(confusion: number[][]): string {
  const n = confusion.length;
  const width = Math.max(5, ...confusion.flat().map((v) => String(v).length + 1));
  const cell = (s: string | number) => String(s).padStart(width);
  const lines = [`true\\pred${Array.from({ length: n }, (_, j) => cell(j)).join('')}  accuracy`];
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    lines.push(`${String(i).padStart(9)}${row.map(cell).join('')}  ${total ? percent(row[i], total).padStart(7) : '      -'}`);
  });
  return lines.join('\n');
}
