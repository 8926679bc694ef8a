/**
 * The server's budgets under hostile or slow clients (issue 14): a bounded
 * line for image reads, a memory budget for bodies, minimum body rates,
 * header limits and timeouts, Expect: 100-continue, connection limits, and
 * 4xx messages that never repeat a client's bulk. Each test starts its own
 * server with small limits, and asserts statuses and behaviour, never times.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { test } from 'node:test';
import { defaultDataDir } from '../src/data/mnist.js';
import { Network } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { createDigitNetServer, type ServerOptions } from '../src/server/server.js';
import type { QueueEvent } from '../src/server/work-queue.js';
import { closeServer, eventCounter, GatedReader, head, listen, RawConnection } from './server-helpers.js';

const net = Network.create({ sizes: [784, 12, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' }, new Random(4), 'he');
const pixelsJson = JSON.stringify({ pixels: Array.from({ length: 784 }, (_, i) => (i % 7 === 0 ? 0.5 : 0)) });

async function withServer(options: Partial<ServerOptions>, fn: (base: string, port: number, server: Server) => Promise<void>): Promise<void> {
  const server = createDigitNetServer({ model: net, mnistDir: defaultDataDir(), ...options });
  const port = await listen(server);
  try {
    await fn(`http://127.0.0.1:${port}`, port, server);
  } finally {
    await closeServer(server);
  }
}

function postImage(base: string, marker: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}/api/predict`, { method: 'POST', body: `${marker}-image-bytes`, headers: { 'Content-Type': 'image/png' }, signal });
}

function postSpaces(base: string, n: number): Promise<Response> {
  return fetch(`${base}/api/predict`, { method: 'POST', body: ' '.repeat(n), headers: { 'Content-Type': 'application/json' } });
}

/** `request` again (up to 100 times, 20 ms apart) while it answers `status`: for a change the server makes on its own time. */
async function retryWhile(status: number, request: () => Promise<Response>): Promise<Response> {
  let r = await request();
  for (let i = 0; i < 100 && r.status === status; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    r = await request();
  }
  return r;
}

async function probesAnswer(base: string): Promise<void> {
  assert.equal((await fetch(`${base}/api/health`)).status, 200);
  const json = await fetch(`${base}/api/predict`, { method: 'POST', body: pixelsJson, headers: { 'Content-Type': 'application/json' } });
  assert.equal(json.status, 200);
}

test('image reads wait in a bounded line: one more gets 503 with Retry-After, while health and JSON predicts answer', async () => {
  const reader = new GatedReader();
  const events = eventCounter<QueueEvent>();
  await withServer({ readImage: reader.readImage, limits: { imageConcurrency: 1, imageQueueLength: 1 }, onImageQueue: events.observe }, async (base) => {
    const started = events.next('started');
    const first = postImage(base, 'A');
    await started;
    const queued = events.next('queued');
    const second = postImage(base, 'B');
    await queued;
    const third = await postImage(base, 'C');
    assert.equal(third.status, 503);
    assert.ok(Number(third.headers.get('retry-after')) > 0);
    assert.match(((await third.json()) as { error: string }).error, /busy/);
    // Two image reads in hand, one refused: the probes do not wait behind them.
    await probesAnswer(base);
    const nextStarted = events.next('started');
    reader.release();
    assert.equal((await first).status, 200);
    await nextStarted;
    reader.release();
    const answer = await second;
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as { text: string }).text, '7');
    assert.deepEqual(reader.calls, ['A', 'B']);
  });
});

test('a queued image read whose client has left is dropped before it starts', async () => {
  const reader = new GatedReader();
  const events = eventCounter<QueueEvent>();
  await withServer({ readImage: reader.readImage, limits: { imageConcurrency: 1, imageQueueLength: 2 }, onImageQueue: events.observe }, async (base) => {
    const started = events.next('started');
    const first = postImage(base, 'A');
    await started;
    const leaving = new AbortController();
    let queued = events.next('queued');
    const gone = postImage(base, 'B', leaving.signal).catch((e: unknown) => e);
    await queued;
    queued = events.next('queued');
    const third = postImage(base, 'C');
    await queued;
    const dropped = events.next('dropped');
    leaving.abort();
    await dropped;
    assert.ok((await gone) instanceof Error);
    const nextStarted = events.next('started');
    reader.release();
    assert.equal((await first).status, 200);
    await nextStarted;
    reader.release();
    assert.equal((await third).status, 200);
    assert.deepEqual(reader.calls, ['A', 'C'], 'B was never read');
  });
});

test('an image that arrives when the line is full is refused before its body is read', async () => {
  const reader = new GatedReader();
  const events = eventCounter<QueueEvent>();
  await withServer({ readImage: reader.readImage, limits: { imageConcurrency: 1, imageQueueLength: 0 }, onImageQueue: events.observe }, async (base, port) => {
    const started = events.next('started');
    const first = postImage(base, 'A');
    await started;
    // Headers only, of a body that never comes: the 503 cannot have waited for it.
    const c = await RawConnection.open(port);
    c.write(head('POST', '/api/predict', { 'Content-Type': 'image/png', 'Content-Length': 100_000 }));
    await c.waitFor(/\r\n\r\n.*\}/s);
    assert.equal(c.status, 503);
    assert.match(c.text, /Retry-After: \d+/i);
    c.close();
    reader.release();
    assert.equal((await first).status, 200);
  });
});

test('bodies share a memory budget: one that would pass it gets 503, and small JSON predicts keep their room', async () => {
  const limits = { bodyBudgetBytes: 1024 * 1024, maxBodyBytes: 600_000 };
  await withServer({ limits }, async (base, port) => {
    // 500 kB declared and held: a second such body would pass the large bodies' 7/8 of the budget.
    const holder = await RawConnection.open(port);
    holder.write(head('POST', '/api/predict', { 'Content-Type': 'application/json', 'Content-Length': 500_000 }) + ' '.repeat(1000));
    // (Retried until the server has read the holder's headers; a body read whole is malformed JSON, a 400.)
    const refused = await retryWhile(400, () => postSpaces(base, 500_000));
    assert.equal(refused.status, 503);
    assert.ok(refused.headers.get('retry-after'));
    await probesAnswer(base);
    // Asked first (Expect: 100-continue), the same body is refused without being invited.
    const asking = await RawConnection.open(port);
    asking.write(head('POST', '/api/predict', { 'Content-Type': 'application/json', 'Content-Length': 500_000, Expect: '100-continue' }));
    await asking.closed;
    assert.equal(asking.status, 503);
    assert.doesNotMatch(asking.text, /100 Continue/);
    // A chunked body is counted as it grows: 7 chunks of 64,000 bytes pass what is left, 417,504 bytes.
    const chunked = await RawConnection.open(port);
    chunked.write(head('POST', '/api/predict', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }));
    for (let i = 0; i < 7; i++) chunked.write(`fa00\r\n${' '.repeat(0xfa00)}\r\n`);
    await chunked.waitFor(/\r\n\r\n.*\}/s);
    assert.equal(chunked.status, 503);
    chunked.close();
    // Once the holder leaves, its share is free again.
    holder.close();
    assert.equal((await retryWhile(503, () => postSpaces(base, 500_000))).status, 400);
  });
});

test('a body that stops coming gets 408, and so does one that keeps coming too slowly', async () => {
  await withServer({ limits: { bodyIdleTimeoutMs: 300, minBodyBytesPerSecond: 1000 } }, async (_base, port) => {
    const stalled = await RawConnection.open(port);
    stalled.write(head('POST', '/api/predict', { 'Content-Type': 'application/json', 'Content-Length': 1000 }) + '{"pix');
    await stalled.closed;
    assert.equal(stalled.status, 408);
    assert.match(stalled.text, /too slowly/);
    // 3000 bytes at 1000 B/s may take 3.3 s; one byte every 50 ms never pauses 300 ms but would take 150 s.
    const slow = await RawConnection.open(port);
    slow.write(head('POST', '/api/predict', { 'Content-Type': 'application/json', 'Content-Length': 3000 }));
    for (let i = 0; i < 3000 && !slow.isClosed && slow.status === 0; i++) {
      slow.write(' ');
      await new Promise((r) => setTimeout(r, 50));
    }
    await slow.closed;
    assert.equal(slow.status, 408);
  });
});

test('headers that never finish get 408; too large headers and too long URLs get 431', async () => {
  await withServer({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 1000, maxHeaderBytes: 8192 } }, async (base, port) => {
    const slow = await RawConnection.open(port);
    slow.write('GET /api/health HTTP/1.1\r\nHost: localhost\r\n');
    await slow.closed;
    assert.equal(slow.status, 408);
    for (const request of [head('GET', `/${'a'.repeat(20_000)}`), head('GET', '/api/health', { 'X-Big': 'b'.repeat(20_000) })]) {
      const c = await RawConnection.open(port);
      c.write(request);
      await c.closed;
      assert.equal(c.status, 431, c.text.slice(0, 80));
      assert.doesNotMatch(c.text, /aaaaaaaaaa|bbbbbbbbbb/);
    }
    assert.equal((await fetch(`${base}/api/health`)).status, 200);
  });
});

test('Expect: 100-continue gets 413 or 415 without a 100 Continue; a good request is invited and answered', async () => {
  await withServer({ limits: { maxBodyBytes: 64 * 1024 } }, async (_base, port) => {
    const cases: [Record<string, string | number>, number][] = [
      [{ 'Content-Type': 'application/json', 'Content-Length': 10_000_000 }, 413],
      [{ 'Content-Type': 'text/plain', 'Content-Length': 10 }, 415],
      [{ 'Content-Type': 'image/png', 'Content-Length': 10 }, 415], // this server reads no images
    ];
    for (const [headers, status] of cases) {
      const c = await RawConnection.open(port);
      c.write(head('POST', '/api/predict', { ...headers, Expect: '100-continue' }));
      await c.closed;
      assert.equal(c.status, status, c.text.slice(0, 80));
      assert.doesNotMatch(c.text, /100 Continue/);
    }
    const c = await RawConnection.open(port);
    c.write(head('POST', '/api/predict', { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(pixelsJson), Expect: '100-continue' }));
    await c.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    assert.equal(c.status, 100);
    c.write(pixelsJson);
    const text = await c.waitFor(/HTTP\/1\.1 200 OK[\s\S]*"probabilities"[\s\S]*\}$/);
    assert.match(text, /HTTP\/1\.1 200 OK/);
    c.close();
  });
});

test('bad pixels get a 400 naming the type, never the value, and never a 500', async () => {
  await withServer({}, async (base) => {
    const deep = '['.repeat(400_000) + ']'.repeat(400_000);
    const huge = JSON.stringify('x'.repeat(1_900_000));
    const cases: [string, RegExp][] = [
      [deep, /^pixel 0 must be a number in 0\.\.1, got an array$/],
      [huge, /^pixel 0 must be a number in 0\.\.1, got a string$/],
      ['{"a": 1}', /got an object$/],
      ['null', /got null$/],
      ['true', /got a boolean$/],
      ['-0.12345678901234567', /got a number outside 0\.\.1$/],
      ['1e300', /got 1e\+300$/],
    ];
    for (const [first, message] of cases) {
      const body = `{"pixels": [${first}${',0'.repeat(783)}]}`;
      const r = await fetch(`${base}/api/predict`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 400, first.slice(0, 20));
      const { error } = (await r.json()) as { error: string };
      assert.match(error, message);
    }
    for (const body of ['{"pixels": {"length": 784}}', `{"pixels": "${'y'.repeat(100_000)}"}`, '[]', '"pixels"']) {
      const r = await fetch(`${base}/api/predict`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 400);
      assert.ok(((await r.json()) as { error: string }).error.length < 80);
    }
  });
});

test('4xx messages never repeat long client text: paths, methods and content types are described, not echoed', async () => {
  await withServer({}, async (base, port) => {
    const long = `/${'p'.repeat(2000)}`;
    const notFound = await fetch(`${base}${long}`);
    assert.equal(notFound.status, 404);
    assert.equal(((await notFound.json()) as { error: string }).error, 'not found: a 2001-character path');
    assert.match(((await (await fetch(`${base}/nope`)).json()) as { error: string }).error, /^not found: \/nope$/);
    const type = `text/${'t'.repeat(500)}`;
    const wrongType = await fetch(`${base}/api/predict`, { method: 'POST', body: '{}', headers: { 'Content-Type': type } });
    assert.equal(wrongType.status, 415);
    assert.match(((await wrongType.json()) as { error: string }).error, /not a 505-character type$/);
    const c = await RawConnection.open(port);
    c.write(head('PUT', long, { 'Content-Length': 0 }));
    await c.waitFor(/\r\n\r\n.*\}/s);
    assert.equal(c.status, 404);
    assert.doesNotMatch(c.text, /pppppppppp/);
    c.close();
  });
});

test('connections past maxConnections are closed at once; the ones open keep being answered', async () => {
  await withServer({ limits: { maxConnections: 2 } }, async (_base, port) => {
    const open = [await RawConnection.open(port), await RawConnection.open(port)];
    for (const c of open) {
      c.write(head('GET', '/api/health'));
      await c.waitFor(/"status":"ok"/);
    }
    const extra = await RawConnection.open(port);
    extra.write(head('GET', '/api/health'));
    await extra.closed;
    assert.equal(extra.status, 0, 'closed unanswered');
    open[0].text = '';
    open[0].write(head('GET', '/api/health'));
    await open[0].waitFor(/"status":"ok"/);
    assert.equal(open[0].status, 200);
    for (const c of open) c.close();
  });
});

test('a client that stops reading a large answer is cut after the write timeout', async () => {
  await withServer({ limits: { writeTimeoutMs: 500 } }, async (_base, port, server) => {
    const c = await RawConnection.open(port);
    c.socket.pause(); // never reads: the 47 MB answer fills the socket buffers and stops
    c.write(head('GET', '/api/mnist/train-images-idx3-ubyte'));
    let connections = 1;
    for (let i = 0; i < 300 && connections > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      connections = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
    }
    assert.equal(connections, 0, 'the server closed its end');
    c.close();
  });
});
