/** The HTTP server: the API's answers, and every kind of bad request getting the right status without harm. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadDigitModel } from '../src/cli/digit-model.js';
import { imageBytesToInput } from '../src/data/image-file.js';
import { defaultDataDir } from '../src/data/mnist.js';
import { Network } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { createDigitNetServer } from '../src/server/server.js';
import { CLI } from './helpers.js';
import { badImages, userDigit } from './image-files.js';

const net = Network.create({ sizes: [784, 12, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' }, new Random(4), 'he');
let server: Server;
let base: string;
let port: number;
let assets: string;

before(async () => {
  assets = mkdtempSync(join(tmpdir(), 'digitnet-assets-'));
  mkdirSync(join(assets, 'sub'));
  writeFileSync(join(assets, 'index.html'), '<!doctype html><title>DigitNet</title>');
  writeFileSync(join(assets, 'sub', 'app.js'), 'console.log(1)');
  server = createDigitNetServer({ model: net, assetsDir: assets, mnistDir: defaultDataDir(), maxBodyBytes: 64 * 1024 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(assets, { recursive: true, force: true });
});

const pixels = (n = 784, v = 0.5) => Array.from({ length: n }, (_, i) => (i % 7 === 0 ? v : 0));

async function post(body: string | Uint8Array, type: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}/api/predict`, { method: 'POST', body, headers: { 'Content-Type': type } });
  return { status: res.status, json: await res.json() };
}

/** A raw request, path untouched (fetch would normalise "..") */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('health names the version and the model', async () => {
  const res = await fetch(`${base}/api/health`);
  assert.equal(res.status, 200);
  const json = (await res.json()) as { status: string; model: { sizes: number[] } };
  assert.equal(json.status, 'ok');
  assert.deepEqual(json.model.sizes, [784, 12, 10]);
});

test('predict from JSON pixels answers as the network does', async () => {
  const input = pixels();
  const { status, json } = await post(JSON.stringify({ pixels: input }), 'application/json');
  assert.equal(status, 200);
  assert.equal(json.digit, net.predict(input));
  assert.equal(json.probabilities.length, 10);
  assert.ok(Math.abs(json.probabilities.reduce((a: number, b: number) => a + b) - 1) < 1e-9);
});

test('bad predict requests get 400, 413 or 415 with a message', async () => {
  const cases: [string | Uint8Array, string, number, RegExp][] = [
    ['{"pixels": [1, 2', 'application/json', 400, /malformed JSON/],
    ['{"pixels": 5}', 'application/json', 400, /expected \{"pixels"/],
    [JSON.stringify({ pixels: pixels(783) }), 'application/json', 400, /expected 784 pixels, got 783/],
    [JSON.stringify({ pixels: [...pixels(783), 'x'] }), 'application/json', 400, /pixel 783 must be a number in 0\.\.1/],
    [JSON.stringify({ pixels: [...pixels(783), 1.5] }), 'application/json', 400, /pixel 783 must be a number in 0\.\.1, got 1\.5/],
    ['pixels=1', 'text/plain', 415, /content type must be/],
    [JSON.stringify({ pixels: pixels() }), 'application/x-www-form-urlencoded', 415, /content type must be/],
    [new Uint8Array(100 * 1024), 'application/json', 413, /request body over 65536 bytes/],
  ];
  for (const [body, type, status, pattern] of cases) {
    const r = await post(body, type);
    assert.equal(r.status, status, `${type} ${String(body).slice(0, 30)}`);
    assert.match(r.json.error, pattern);
  }
});

test('a body over the cap without a Content-Length (chunked) also gets 413', async () => {
  const r = await raw('POST', '/api/predict', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, Buffer.alloc(100 * 1024, 32));
  assert.equal(r.status, 413);
});

test('unknown paths are 404, wrong methods 405', async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
  assert.equal((await fetch(`${base}/api/predict`)).status, 405);
  assert.equal((await fetch(`${base}/api/health`, { method: 'DELETE' })).status, 405);
  assert.equal((await fetch(`${base}/api/mnist/secret-file`)).status, 404);
});

test('never serves a file outside its assets, however the path is spelled', async () => {
  for (const path of ['/../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/sub/..%2f..%2f..%2fetc/passwd', '/%2fetc%2fpasswd', '/%ZZ', '//etc/passwd']) {
    const r = await raw('GET', path);
    assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body, /root:|"name": "digitnet"/);
  }
  assert.equal((await raw('GET', '/')).status, 200);
  assert.equal((await raw('GET', '/sub/app.js')).body, 'console.log(1)');
});

test('serves the MNIST files the page trains on', async () => {
  const res = await fetch(`${base}/api/mnist/t10k-labels-idx1-ubyte`);
  assert.equal(res.status, 200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual(bytes, new Uint8Array(readFileSync(join(defaultDataDir(), 't10k-labels-idx1-ubyte'))));
});

test('a garbled request line gets 400 and the server carries on', async () => {
  const r = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d));
    socket.on('close', () => resolve(text));
  });
  assert.match(r, /^HTTP\/1\.1 400/);
  assert.equal((await fetch(`${base}/api/health`)).status, 200);
});

test('a bounded burst: 400 requests, 20 at a time, all answered correctly', async () => {
  const body = JSON.stringify({ pixels: pixels() });
  const expected = net.predict(pixels());
  let ok = 0;
  for (let round = 0; round < 20; round++) {
    const results = await Promise.all(Array.from({ length: 20 }, () => post(body, 'application/json')));
    ok += results.filter((r) => r.status === 200 && r.json.digit === expected).length;
  }
  assert.equal(ok, 400);
});

test('a server without an image decoder refuses image bodies with 415', async () => {
  const r = await post(new Uint8Array(8), 'image/png');
  assert.equal(r.status, 415);
  assert.match(r.json.error, /does not accept images/);
});

/** A server as `digitnet serve` makes it: the shipped model, images decoded as `predict` does. */
async function withImageServer(fn: (url: string) => Promise<void>): Promise<void> {
  const { network } = loadDigitModel(undefined);
  const s = createDigitNetServer({ model: network, mnistDir: defaultDataDir(), imageToInput: imageBytesToInput, maxBodyBytes: 64 * 1024 });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(s.address() as AddressInfo).port}/api/predict`);
  } finally {
    await new Promise<void>((r) => s.close(() => r()));
  }
}

async function postTo(url: string, body: Uint8Array, type: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': type } });
  return { status: res.status, json: await res.json() };
}

test('PNG and JPEG bodies are answered with the digit and ten probabilities', async () => {
  await withImageServer(async (url) => {
    for (const digit of [userDigit(0, 'grey'), userDigit(1, 'jpeg'), userDigit(2, 'light-on-transparent')]) {
      const type = digit.variant === 'jpeg' ? 'image/jpeg' : 'image/png';
      const { status, json } = await postTo(url, digit.bytes, type);
      assert.equal(status, 200, JSON.stringify(json));
      // The shipped model also says how likely "not a digit" is; with it the probabilities sum to 1.
      assert.deepEqual(Object.keys(json), ['digit', 'probabilities', 'notDigit']);
      assert.equal(json.digit, digit.label, digit.variant);
      assert.equal(json.probabilities.length, 10);
      assert.ok(Math.abs(json.probabilities.reduce((a: number, b: number) => a + b) + json.notDigit - 1) < 1e-9);
    }
  });
});

test('bad images get 400 with the same one-line message as predict; an oversized upload 413', async () => {
  await withImageServer(async (url) => {
    const rssBefore = process.memoryUsage().rss;
    for (const bad of badImages(userDigit(0, 'grey').bytes)) {
      const { status, json } = await postTo(url, bad.bytes, 'image/png');
      assert.equal(status, 400, bad.name);
      assert.match(json.error, bad.message, bad.name);
      assert.match(json.error, /^the uploaded image: /);
    }
    // The 50,000×50,000 header was refused unread: nothing near its 10 GB was allocated.
    assert.ok(process.memoryUsage().rss - rssBefore < 200 * 2 ** 20);
    const big = await postTo(url, new Uint8Array(65 * 1024), 'image/png');
    assert.equal(big.status, 413);
    // A PNG sent as JPEG is still read by its own signature.
    assert.equal((await postTo(url, userDigit(3, 'grey').bytes, 'image/jpeg')).status, 200);
  });
});

test('digitnet serve answers a PNG with the shipped model, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const m = /^DigitNet serving (http:\/\/127\.0\.0\.1:\d+) \(model: .*models\/default\.json\)/.exec(line);
    assert.ok(m, line);
    const digit = userDigit(4, 'rgb');
    const { status, json } = await postTo(`${m[1]}/api/predict`, digit.bytes, 'image/png');
    assert.equal(status, 200);
    assert.equal(json.digit, digit.label);
  } finally {
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
});

test('MNIST files are found as train does (gzipped, either spelling); a missing one is a 500 with its name', async () => {
  const { gzipSync } = await import('node:zlib');
  const dir = mkdtempSync(join(tmpdir(), 'digitnet-mnist-'));
  const labels = readFileSync(join(defaultDataDir(), 't10k-labels-idx1-ubyte'));
  writeFileSync(join(dir, 't10k-labels.idx1-ubyte.gz'), gzipSync(labels));
  const s = createDigitNetServer({ model: new Network({ sizes: [784, 10], activations: ['sigmoid'], cost: 'quadratic' }), mnistDir: dir });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/api/mnist`;
    const found = await fetch(`${url}/t10k-labels-idx1-ubyte`);
    assert.equal(found.status, 200);
    assert.deepEqual(new Uint8Array(await found.arrayBuffer()), new Uint8Array(labels));
    const missing = await fetch(`${url}/train-images-idx3-ubyte`);
    assert.equal(missing.status, 500);
    assert.match(((await missing.json()) as { error: string }).error, /train-images-idx3-ubyte not found/);
  } finally {
    await new Promise<void>((r) => s.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('digitnet serve --data without the four files stops at once with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digitnet-empty-'));
  try {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--data', dir], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^digitnet: .*train-images-idx3-ubyte not found \(nor \.gz\): --data needs the four MNIST IDX files\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
