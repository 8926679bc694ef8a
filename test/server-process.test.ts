/**
 * `digitnet serve` as a process (issue 14): a graceful stop on SIGTERM with
 * slow clients connected, a second signal that cuts at once, port numbers
 * checked, a port in use as one line, and --workers sharing one port,
 * replacing a worker that dies and stopping together. Each test bounds its
 * waits by the socket or process it waits on and by its own timeout.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { runCli } from './helpers.js';
import { getFresh, head, RawConnection, startServe } from './server-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pixelsJson = JSON.stringify({ pixels: Array.from({ length: 784 }, () => 0) });

/**
 * A request the server has begun (its "100 Continue" proves the headers were
 * taken, so it is in flight, not an idle connection), of a `length`-byte body.
 */
async function begun(port: number, type: string, length: number): Promise<RawConnection> {
  const c = await RawConnection.open(port);
  c.write(head('POST', '/api/predict', { 'Content-Type': type, 'Content-Length': length, Expect: '100-continue' }));
  await c.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
  c.text = '';
  return c;
}

/** A client that sends a large body one byte at a time until the server closes or the loop ends. */
async function dribbler(port: number): Promise<RawConnection> {
  const c = await begun(port, 'image/png', 1_000_000);
  void (async () => {
    for (let i = 0; i < 600 && !c.isClosed; i++) {
      c.write('x');
      await sleep(100);
    }
  })();
  return c;
}

test('SIGTERM with slow clients: idle connections close at once, a request in flight is answered, the rest are cut, exit 0', { timeout: 30_000 }, async () => {
  const serve = await startServe(['--shutdown-timeout', '3']);
  const order: string[] = [];
  const idle = await RawConnection.open(serve.port);
  idle.write(head('GET', '/api/health'));
  await idle.waitFor(/"status":"ok"/);
  void idle.closed.then(() => order.push('idle'));
  const inFlight = await begun(serve.port, 'application/json', pixelsJson.length);
  inFlight.write(pixelsJson.slice(0, 100));
  const slow = await Promise.all(Array.from({ length: 5 }, () => dribbler(serve.port)));
  void Promise.all(slow.map((c) => c.closed)).then(() => order.push('slow'));
  serve.child.kill('SIGTERM');
  // Once the listener is closed a new connection is refused (tried a bounded number of times).
  let refused = false;
  for (let i = 0; i < 100 && !refused; i++) {
    refused = await RawConnection.open(serve.port).then((c) => (c.close(), false), () => true);
    if (!refused) await sleep(50);
  }
  assert.ok(refused, 'no new connections after SIGTERM');
  inFlight.write(pixelsJson.slice(100));
  const answer = await inFlight.waitFor(/"probabilities"[^}]*\}$/);
  assert.match(answer, /^HTTP\/1\.1 200 OK/);
  assert.match(answer, /Connection: close/i);
  assert.equal(await serve.exited, 0);
  await Promise.all([idle.closed, ...slow.map((c) => c.closed)]);
  assert.deepEqual(order, ['idle', 'slow'], 'the idle connection was closed first, the slow ones cut at the deadline');
});

test('a second SIGTERM cuts slow clients at once, long before the shutdown deadline', { timeout: 30_000 }, async () => {
  const serve = await startServe(['--shutdown-timeout', '600']);
  const slow = await Promise.all(Array.from({ length: 3 }, () => dribbler(serve.port)));
  serve.child.kill('SIGTERM');
  // The first signal has been taken once the port refuses connections.
  for (let i = 0; i < 100; i++) {
    if (await RawConnection.open(serve.port).then((c) => (c.close(), false), () => true)) break;
    await sleep(50);
  }
  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0);
  await Promise.all(slow.map((c) => c.closed));
});

test('serve refuses a port outside 0..65535, or not a number, with one usage line (exit 2)', () => {
  for (const port of ['99999', '65536', '-1', '1.5', 'abc', '']) {
    const r = runCli(['serve', '--port', port], { timeoutMs: 20_000 });
    assert.equal(r.status, 2, `--port ${port}: ${r.stderr}`);
    assert.match(r.stderr, /^digitnet: .*--port.*\n$/, `--port ${port}`);
  }
  for (const workers of ['0', '-2', 'many', '1.5']) {
    const r = runCli(['serve', '--port', '0', '--workers', workers], { timeoutMs: 20_000 });
    assert.equal(r.status, 2, `--workers ${workers}: ${r.stderr}`);
    assert.match(r.stderr, /^digitnet: .*--workers.*\n$/);
  }
});

test('a port in use is one line (exit 1), with one worker or several', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = String((blocker.address() as { port: number }).port);
  try {
    for (const extra of [[], ['--workers', '2']]) {
      const r = runCli(['serve', '--port', port, ...extra], { timeoutMs: 30_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr, `digitnet: port ${port} on 127.0.0.1 is in use; try --port 0\n`);
    }
  } finally {
    blocker.close();
  }
});

/** The worker processes of a cluster primary (Linux /proc), or null where that cannot be read. */
function childPids(pid: number): number[] | null {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

test('serve --workers 2 answers on one port, replaces a worker that dies, and stops on SIGTERM', { timeout: 60_000 }, async () => {
  const serve = await startServe(['--workers', '2']);
  try {
    for (let i = 0; i < 10; i++) {
      const res = await getFresh(`${serve.url}/api/health`);
      assert.equal(res.status, 200);
      assert.equal((JSON.parse(res.body) as { status: string }).status, 'ok');
    }
    let workers = childPids(serve.child.pid!);
    for (let i = 0; i < 200 && workers && workers.length < 2; i++) {
      await sleep(50);
      workers = childPids(serve.child.pid!);
    }
    if (workers) {
      assert.equal(workers.length, 2);
      process.kill(workers[0], 'SIGKILL');
      let now = childPids(serve.child.pid!) ?? [];
      for (let i = 0; i < 200 && !(now.length === 2 && !now.includes(workers[0])); i++) {
        await sleep(50);
        now = childPids(serve.child.pid!) ?? [];
      }
      assert.equal(now.length, 2, 'a new worker took the dead one’s place');
      assert.ok(!now.includes(workers[0]));
      assert.match(serve.stderr(), /worker \d+ was killed \(SIGKILL\); starting another/);
    }
    for (let i = 0; i < 10; i++) assert.equal((await getFresh(`${serve.url}/api/health`)).status, 200);
  } finally {
    serve.child.kill('SIGTERM');
  }
  assert.equal(await serve.exited, 0);
});
