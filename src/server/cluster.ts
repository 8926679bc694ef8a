/**
 * `digitnet serve --workers N`: the primary process forks N workers that
 * share one listening port (node:cluster), starts another when one dies,
 * and on SIGTERM or Ctrl-C asks each to stop gracefully, then exits. The
 * workers run the single-process server (serve-command.ts) unchanged; the
 * server is stateless, so any worker can answer any request.
 */
import cluster, { type Worker } from 'node:cluster';

/** What a worker tells the primary once it listens. */
interface ListeningMessage {
  digitnet: 'listening';
  port: number;
}

export interface PrimaryOptions {
  workers: number;
  /** How long workers may take to stop gracefully; after that, and a margin, they are killed. */
  shutdownTimeoutMs: number;
  /** Called once, when every worker listens, with the port they share. */
  announce: (port: number) => void;
}

/** A worker that dies sooner than this after starting is replaced after RESTART_DELAY_MS, not at once. */
const QUICK_DEATH_MS = 5000;
const RESTART_DELAY_MS = 1000;

/** In a worker: tell the primary the server listens (a no-op in a single process). */
export function reportListening(port: number): void {
  if (cluster.isWorker && process.send) process.send({ digitnet: 'listening', port } satisfies ListeningMessage);
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as ListeningMessage).digitnet === 'listening';
}

/**
 * Run the primary until it is stopped; resolves with the exit code: 0 after
 * a signal, or a worker's own code when the first one fails to start (it has
 * already printed why, on one line).
 */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  return new Promise<number>((resolve) => {
    const primary = new Primary(options, resolve);
    process.on('SIGINT', () => primary.stop());
    process.on('SIGTERM', () => primary.stop());
    primary.fork();
  });
}

class Primary {
  private stopping = false;
  /** The port, once the first worker has bound it. */
  private port: number | undefined;
  private listening = 0;
  private failed: number | undefined;
  private readonly started = new Map<Worker, number>();

  constructor(
    private readonly options: PrimaryOptions,
    private readonly finish: (code: number) => void,
  ) {
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
  }

  fork(): void {
    const worker = cluster.fork();
    this.started.set(worker, Date.now());
    worker.on('message', (message: unknown) => {
      if (isListening(message)) this.onListening(message.port);
    });
  }

  private onListening(port: number): void {
    const first = this.port === undefined;
    this.port = port;
    // The first worker bound the port; the others start now and share it (so a port in use is one error, once).
    if (first) for (let i = 1; i < this.options.workers; i++) this.fork();
    // Ready when every worker listens (replacements later are not announced).
    if (++this.listening === this.options.workers) this.options.announce(port);
  }

  private onExit(worker: Worker, code: number, signal: string): void {
    const lived = Date.now() - (this.started.get(worker) ?? 0);
    this.started.delete(worker);
    if (this.port === undefined && !this.stopping) {
      this.failed = code || 1; // the first worker could not start, and said why
      this.stop();
    }
    if (this.stopping) {
      if (this.alive() === 0) this.finish(this.failed ?? 0);
      return;
    }
    process.stderr.write(`digitnet serve: worker ${worker.process.pid} ${signal ? `was killed (${signal})` : `exited (${code})`}; starting another\n`);
    // A worker that dies young may die again at once: wait a little rather than fork in a tight loop.
    if (lived < QUICK_DEATH_MS) setTimeout(() => this.stopping || this.fork(), RESTART_DELAY_MS);
    else this.fork();
  }

  private alive(): number {
    return Object.keys(cluster.workers ?? {}).length;
  }

  /** Ask every worker to stop gracefully; a second call is passed on too, and the workers take it as "cut now". */
  stop(): void {
    const first = !this.stopping;
    this.stopping = true;
    if (this.alive() === 0) return this.finish(this.failed ?? 0);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (first) {
      const kill = setTimeout(() => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      }, this.options.shutdownTimeoutMs + 5000);
      kill.unref();
    }
  }
}
