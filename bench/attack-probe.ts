/**
 * The probe for bench/attack.ts, run in a worker thread so that the attack's
 * own clients (on the main thread) cannot delay it: one JSON predict of 784
 * zeros every ~50 ms on a kept-alive connection, each timed, until told to
 * stop; then it posts back the latencies (ms) and how many failed, the
 * first WARM_UP left out.
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface ProbeResult {
  latencies: number[];
  failures: number;
}

const { url } = workerData as { url: string };
const body = JSON.stringify({ pixels: new Array<number>(784).fill(0) });
const INTERVAL_MS = 50;
/** The first probes warm up the connection and the server's JIT; they are not counted. */
const WARM_UP = 10;
/** A probe that takes longer than this counts as failed (and as this long). */
const PROBE_TIMEOUT_MS = 5000;

let running = true;
parentPort!.once('message', () => (running = false));

const result: ProbeResult = { latencies: [], failures: 0 };
for (let n = 0; running; n++) {
  const start = performance.now();
  try {
    const res = await fetch(`${url}/api/predict`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json' },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    if (res.status !== 200 && n >= WARM_UP) result.failures++;
  } catch {
    if (n >= WARM_UP) result.failures++;
  }
  const took = performance.now() - start;
  if (n >= WARM_UP) result.latencies.push(took);
  await new Promise((r) => setTimeout(r, Math.max(0, INTERVAL_MS - took)));
}
parentPort!.postMessage(result);
