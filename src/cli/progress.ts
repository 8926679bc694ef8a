/**
 * A one-line progress bar redrawn in place with \r. Only for terminals:
 * `create` returns null when the stream is not a TTY, so logs and pipes get
 * clean lines.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  private constructor(private readonly stream: NodeJS.WriteStream) {}

  static create(stream: NodeJS.WriteStream): ProgressBar | null {
    return stream.isTTY ? new ProgressBar(stream) : null;
  }

  /** Draw `label [#####.....] 45%`, at most 20 times a second unless `force`. */
  update(label: string, done: number, total: number, suffix = '', force = false): void {
    const now = performance.now();
    if (!force && now - this.lastDraw < 50 && done < total) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - label.length - suffix.length - 12));
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.stream.write(`\r\x1b[K${label} ${bar} ${Math.floor(fraction * 100)
      .toString()
      .padStart(3)}%${suffix ? ' ' + suffix : ''}`);
    this.drawn = true;
  }

  /** Erase the bar so the next line starts clean. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
