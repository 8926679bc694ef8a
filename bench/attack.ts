/**
 * The attacks of issue 14 against `digitnet serve` (a measurement, not a
 * test): each one runs against a fresh server process with the shipped
 * model, while a probe (bench/attack-probe.ts, in a worker thread) sends one
 * JSON predict every ~50 ms. For each attack it prints the probe's p50/p99
 * latency and the server's peak RSS (VmHWM); then how long SIGTERM takes with
 * 50 slow clients connected, and requests/s for --workers 1 and 2.
 *
 *   npm run bench:attack [-- --quick] [-- --only WORD]
 *
 * Every part is bounded in time (about 2 minutes in all; --quick halves the
 * attacks; --only runs just the attacks whose name holds WORD).
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decompressionBombPng, scanBombJpeg } from './attack-payloads.js';
import type { ProbeResult } from './attack-probe.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const MODEL = fileURLToPath(new URL('../../models/default.json', import.meta.url));
const QUICK = process.argv.includes('--quick');
const scale = (seconds: number) => (QUICK ? seconds / 2 : seconds);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Served {
  child: ChildProcess;
  url: string;
  port: number;
  exited: Promise<number | null>;
}

interface Row {
  attack: string;
  outcome: string;
  probe: ProbeResult;
  peakRssMb: number;
}

/** `digitnet serve --port 0 --model models/default.json …extra`, once it says where it serves. */
async function startServer(extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--model', MODEL, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('\n')) resolve(out);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code} before listening`)));
  });
  const m = /(http:\/\/127\.0\.0\.1:(\d+))/.exec(line);
  if (!m) throw new Error(`unexpected line from serve: ${line}`);
  return { child, url: m[1], port: Number(m[2]), exited };
}

/** The most memory the process has held, from the kernel's own high-water mark (MB). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function startProbe(url: string): () => Promise<ProbeResult> {
  const worker = new Worker(new URL('./attack-probe.js', import.meta.url), { workerData: { url } });
  const result = new Promise<ProbeResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return async () => {
    worker.postMessage('stop');
    const r = await result;
    await worker.terminate();
    return r;
  };
}

/** Run `attack` against a fresh server with the probe going; the server is killed afterwards (it may still be decoding). */
async function underAttack(name: string, attack: (server: Served) => Promise<string>): Promise<Row> {
  const server = await startServer();
  const stopProbe = startProbe(server.url);
  await sleep(1000); // the probe's warm-up, before the attack starts
  const outcome = await attack(server);
  const probe = await stopProbe();
  const peakRss = peakRssMb(server.child.pid!);
  server.child.kill('SIGKILL');
  await server.exited;
  process.stderr.write(`  ${name}: done\n`);
  return { attack: name, outcome, probe, peakRssMb: peakRss };
}

/** `concurrency` clients each posting `body` again and again for `seconds` (100 ms apart after a 503); the answers counted by status. */
async function uploads(url: string, body: Uint8Array, type: string, concurrency: number, seconds: number): Promise<string> {
  const end = Date.now() + seconds * 1000;
  const counts = new Map<string, number>();
  const client = async () => {
    while (Date.now() < end) {
      let key: string;
      try {
        // A client that gives up when the attack ends, as a real one would after some time.
        const res = await fetch(`${url}/api/predict`, { method: 'POST', body, headers: { 'Content-Type': type }, signal: AbortSignal.timeout(Math.max(1, end - Date.now())) });
        await res.arrayBuffer();
        key = String(res.status);
      } catch {
        key = 'gave up';
      }
      counts.set(key, (counts.get(key) ?? 0) + 1);
      // Refused, it tries again soon, not in a busy loop: this measures the decoding, not a flood of 503s.
      if (key === '503') await sleep(100);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return [...counts].sort().map(([k, n]) => `${k}×${n}`).join(', ');
}

/** The first status a raw connection received, or 'closed' / 'open'. */
function statusOf(text: string, closed: boolean): string {
  return /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? (closed ? 'cut' : 'held');
}

/**
 * One slot of the slow-body attack: a connection that declares `length`
 * bytes and sends all but the last byte 64 kB at a time, every 200 ms; when
 * the server closes it, another after a second, until `end`.
 */
async function slowBodySlot(port: number, length: number, end: number, counts: Map<string, number>): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  while (Date.now() < end) {
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => {});
    socket.once('close', () => (closed = true));
    socket.write(`POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: ${length}\r\n\r\n`);
    for (let sent = 0; !closed && Date.now() < end; ) {
      if (sent < length - 1 && socket.writableLength === 0) {
        const n = Math.min(chunk.length, length - 1 - sent);
        socket.write(chunk.subarray(0, n));
        sent += n;
      }
      await sleep(200);
    }
    const outcome = statusOf(text, closed);
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    socket.destroy();
    if (Date.now() < end) await sleep(1000);
  }
}

async function slowBodies(port: number, connections: number, seconds: number): Promise<string> {
  const end = Date.now() + seconds * 1000;
  const counts = new Map<string, number>();
  await Promise.all(Array.from({ length: connections }, () => slowBodySlot(port, 1_900_000, end, counts)));
  return [...counts].sort().map(([k, n]) => `${k}×${n}`).join(', ');
}

/** A request the server has begun (it said 100 Continue) whose body then comes one byte a second. */
async function slowClient(port: number, until: Promise<unknown>): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let closed = false;
  socket.once('close', () => (closed = true));
  void until.then(() => socket.destroy());
  socket.write('POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n');
  await new Promise<void>((resolve) => {
    socket.once('data', () => resolve());
    socket.once('close', () => resolve());
  });
  void (async () => {
    for (let i = 0; i < 120 && !closed; i++) {
      socket.write('x');
      await sleep(1000);
    }
  })();
}

/** Seconds from SIGTERM to exit with `clients` slow clients connected, and the exit code. */
async function sigtermWithSlowClients(clients: number): Promise<{ seconds: number; code: number | null }> {
  const server = await startServer();
  const done = server.exited;
  await Promise.all(Array.from({ length: clients }, () => slowClient(server.port, done)));
  const start = performance.now();
  server.child.kill('SIGTERM');
  const code = await Promise.race([done, sleep(60_000).then(() => 'hung' as const)]);
  if (code === 'hung') {
    server.child.kill('SIGKILL');
    return { seconds: Infinity, code: null };
  }
  return { seconds: (performance.now() - start) / 1000, code };
}

/** Requests/s on JSON pixels with autocannon (10 connections) against `serve --workers N`. */
async function throughput(workers: number, seconds: number): Promise<{ rps: number; p99: number; non2xx: number }> {
  const server = await startServer(['--workers', String(workers)]);
  const pixels = Array.from({ length: 784 }, (_, i) => ((i * 37) % 11 === 0 ? 0.9 : 0));
  const result = await autocannon({
    url: `${server.url}/api/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pixels }),
    connections: 10,
    duration: seconds,
  });
  server.child.kill('SIGTERM');
  await server.exited;
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

function printRows(rows: Row[]): void {
  console.log('| attack | answers to the attack | probe p50 | probe p99 | probe max | probes failed | server peak RSS |');
  console.log('|---|---|---|---|---|---|---|');
  for (const { attack, outcome, probe, peakRssMb: rss } of rows) {
    const sorted = [...probe.latencies].sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const failed = `${probe.failures} of ${probe.latencies.length}`;
    console.log(`| ${attack} | ${outcome} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 99))} | ${ms(sorted[sorted.length - 1] ?? NaN)} | ${failed} | ${rss} MB |`);
  }
}

/** The probed attacks, by name; `--only WORD` runs those whose name holds WORD. */
async function attacks(): Promise<[string, (s: Served) => Promise<string>][]> {
  const bomb = decompressionBombPng();
  const scan = await scanBombJpeg(1_990_000);
  return [
    ['none (baseline)', async () => (await sleep(scale(4) * 1000), '–')],
    [`decompression bomb PNG (${bomb.length} B, 7000×7000) ×1`, (s) => uploads(s.url, bomb, 'image/png', 1, scale(6))],
    ['decompression bomb PNG ×8', (s) => uploads(s.url, bomb, 'image/png', 8, scale(10))],
    [`scan bomb JPEG (${scan.bytes.length} B, ${scan.scans} scans) ×1`, (s) => uploads(s.url, scan.bytes, 'image/jpeg', 1, scale(6))],
    ['scan bomb JPEG ×8', (s) => uploads(s.url, scan.bytes, 'image/jpeg', 8, scale(10))],
    ['3,000 connections, slow partial 1.9 MB bodies', (s) => slowBodies(s.port, 3000, scale(15))],
  ];
}

async function main(): Promise<void> {
  console.log(`digitnet serve under attack: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, model ${MODEL}`);
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const rows: Row[] = [];
  for (const [name, attack] of await attacks()) if (!only || name.includes(only)) rows.push(await underAttack(name, attack));
  printRows(rows);
  if (only) return;
  const stop = await sigtermWithSlowClients(50);
  console.log(`\nSIGTERM with 50 slow clients connected: exited ${stop.code} after ${stop.seconds.toFixed(1)} s (shutdown deadline 10 s)`);
  console.log('\n| serve | requests/s (JSON pixels, 10 connections) | p99 latency | non-2xx |');
  console.log('|---|---|---|---|');
  for (const workers of [1, 2]) {
    const t = await throughput(workers, scale(5));
    console.log(`| --workers ${workers} | ${t.rps.toFixed(0)} | ${t.p99} ms | ${t.non2xx} |`);
  }
}

await main();
