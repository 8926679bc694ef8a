/**
 * A bounded line for slow work (image reads): at most `concurrency` jobs run
 * at once, at most `maxWaiting` wait, and a job whose client has gone is
 * taken out of the line before it starts. What does not fit is refused at
 * once (the server's 503), so a burst of uploads costs a bounded amount of
 * memory and time however many clients send them.
 */

/** The line is full: try again later. */
export class QueueFullError extends Error {
  constructor() {
    super('the server is busy reading other images; try again shortly');
  }
}

/** The job's client left before its turn came; nothing was run. */
export class JobAbandonedError extends Error {
  constructor() {
    super('the client left before its turn');
  }
}

export type QueueEvent = 'started' | 'queued' | 'refused' | 'dropped';

interface Waiting {
  start: () => void;
  abandon: () => void;
}

export class WorkQueue {
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
    private readonly observe: (event: QueueEvent) => void = () => {},
  ) {}

  /** True when a new job would be refused now (checked before a body is read, to refuse it unread). */
  get full(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.maxWaiting;
  }

  /**
   * Run `job` in its turn. Rejects with QueueFullError when the line is full,
   * and with JobAbandonedError when `signal` aborts before the job starts.
   */
  async run<T>(job: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw new JobAbandonedError();
    if (this.running >= this.concurrency) await this.waitForTurn(signal);
    else this.running++;
    this.observe('started');
    try {
      return await job();
    } finally {
      this.handOn();
    }
  }

  private waitForTurn(signal: AbortSignal): Promise<void> {
    if (this.waiting.length >= this.maxWaiting) {
      this.observe('refused');
      return Promise.reject(new QueueFullError());
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Waiting = {
        start: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        abandon: () => reject(new JobAbandonedError()),
      };
      // A client that leaves frees its place in line at once, not when its turn would have come.
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        this.observe('dropped');
        entry.abandon();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      this.observe('queued');
    });
  }

  /** A finished job's slot goes straight to the next in line (the running count stays), else is freed. */
  private handOn(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running--;
  }
}
