/**
 * Tools for the server tests: raw connections that send a request in pieces
 * and read whatever comes back, a running `digitnet serve`, and a fake
 * image reader whose jobs finish only when a test lets them. Every wait ends
 * when the socket or process does, and the tests' own timeouts bound the rest.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { get, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { PictureReading } from '../src/read/read-picture.js';
import { CLI } from './helpers.js';

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A TCP connection to the server that a test writes to as it likes, collecting all that comes back. */
export class RawConnection {
  text = '';
  readonly closed: Promise<void>;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.text += d;
      for (const check of this.listeners) check();
    });
    socket.on('error', () => {}); // a reset is an answer too: the connection was cut
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  get isClosed(): boolean {
    return this.socket.destroyed || this.socket.readyState === 'closed';
  }

  /** Resolves with everything received once it matches `pattern`, or when the connection closes. */
  waitFor(pattern: RegExp): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        if (!pattern.test(this.text)) return;
        this.listeners.delete(check);
        resolve(this.text);
      };
      this.listeners.add(check);
      check();
      void this.closed.then(() => {
        this.listeners.delete(check);
        resolve(this.text);
      });
    });
  }

  /** The status of the first answer received, or 0. */
  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.text)?.[1] ?? 0);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** GET on a connection of its own (fetch would reuse one, perhaps to a worker since killed). */
export function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Request head for a raw connection. */
export function head(method: string, path: string, headers: Record<string, string | number> = {}): string {
  const lines = Object.entries({ Host: 'localhost', ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A fake image reader: each call waits until the test opens its gate, and records the first byte of the body it was given. */
export class GatedReader {
  readonly calls: string[] = [];
  private readonly gates: (() => void)[] = [];

  readonly readImage = (bytes: Uint8Array): Promise<PictureReading> => {
    this.calls.push(String.fromCharCode(bytes[0]));
    return new Promise((resolve) => this.gates.push(() => resolve(sevenReading())));
  };

  /** Let the oldest waiting call finish. */
  release(): void {
    this.gates.shift()?.();
  }

  releaseAll(): void {
    while (this.gates.length) this.release();
  }
}

function sevenReading(): PictureReading {
  const probabilities = Array.from({ length: 10 }, (_, d) => (d === 7 ? 0.91 : 0.01));
  const box = { x: 0, y: 0, width: 1, height: 1 };
  return { text: '7', digits: [{ digit: 7, best: 7, confidence: 0.91, probabilities, notDigit: 0, box, input: new Float32Array(784) }], touching: [] };
}

/** Resolves on the n-th time `event` is reported, counting from when it was made. */
export function eventCounter<E extends string>(): { observe: (event: E) => void; next: (event: E) => Promise<void> } {
  const waiting: { event: E; resolve: () => void }[] = [];
  return {
    observe: (event) => {
      const at = waiting.findIndex((w) => w.event === event);
      if (at >= 0) waiting.splice(at, 1)[0].resolve();
    },
    next: (event) => new Promise((resolve) => waiting.push({ event, resolve })),
  };
}

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  port: number;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** `digitnet serve --port 0 …args`, once it says where it serves. */
export async function startServe(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('\n')) resolve(out);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  const m = /^DigitNet serving (http:\/\/127\.0\.0\.1:(\d+))/.exec(line);
  if (!m) throw new Error(`unexpected first line: ${line}`);
  return { child, url: m[1], port: Number(m[2]), exited, stderr: () => err };
}
