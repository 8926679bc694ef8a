/**
 * POST /api/predict: JSON pixels answered at once on the event loop, image
 * uploads read in their turn through the bounded image line (work-queue.ts),
 * so no number of uploads delays a JSON predict or a health check. What can
 * be refused from the headers alone (wrong type 415, too large 413, no room
 * in the image line or the body budget 503) is refused before the body is
 * read, which also serves `Expect: 100-continue`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Network } from '../nn/network.js';
import { answerDigit } from '../read/answer.js';
import type { PictureReading } from '../read/read-picture.js';
import { readingJson } from '../read/reading-json.js';
import { type BodyBudget, checkDeclaredLength, declaredLength, noRoom, readBody, RETRY_AFTER_SECONDS } from './body.js';
import { echo, HttpError, jsonKind } from './http-error.js';
import type { ServerLimits } from './limits.js';
import { sendJson } from './respond.js';
import { QueueFullError, type WorkQueue } from './work-queue.js';
import { MNIST_INPUTS } from '../data/image.js';

export interface PredictContext {
  model: Network;
  limits: ServerLimits;
  budget: BodyBudget;
  images: WorkQueue;
  imageToInput?: (bytes: Uint8Array, name: string) => Promise<Float32Array>;
  readImage?: (bytes: Uint8Array, name: string) => Promise<PictureReading>;
}

const IMAGE_NAME = 'the uploaded image';

type BodyKind = 'json' | 'image';

/** The body's kind from its Content-Type, or the 415 that refuses it. */
function bodyKind(req: IncomingMessage, ctx: PredictContext): BodyKind | HttpError {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'image/png' || type === 'image/jpeg') {
    return ctx.readImage || ctx.imageToInput ? 'image' : new HttpError(415, 'this server does not accept images');
  }
  return new HttpError(415, `content type must be application/json, image/png or image/jpeg, not ${type ? echo(type, 'type') : 'none'}`);
}

/** Why a predict request is refused from its headers alone, or undefined to read its body. */
export function refuseUnread(req: IncomingMessage, ctx: PredictContext): HttpError | undefined {
  const kind = bodyKind(req, ctx);
  if (kind instanceof HttpError) return kind;
  const tooBig = checkDeclaredLength(req, ctx.limits.maxBodyBytes);
  if (tooBig) return tooBig;
  if (kind === 'image' && ctx.images.full) return busy();
  const declared = declaredLength(req);
  if (declared !== undefined && !ctx.budget.fits(declared, declared)) return noRoom();
  return undefined;
}

function busy(): HttpError {
  return new HttpError(503, new QueueFullError().message, { 'Retry-After': String(RETRY_AFTER_SECONDS), Connection: 'close' });
}

/** A signal that aborts when the client goes away before its answer is sent. */
function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

export async function answerPredict(req: IncomingMessage, res: ServerResponse, ctx: PredictContext): Promise<void> {
  const gone = clientGone(res);
  const refusal = refuseUnread(req, ctx);
  if (refusal) {
    req.resume(); // drain, so the answer reaches the client
    throw refusal;
  }
  const kind = bodyKind(req, ctx) as BodyKind;
  const body = await readBody(req, res, ctx.limits, ctx.budget);
  if (kind === 'json') return answerInput(res, ctx.model, parsePixels(body));
  const inLine = <T>(job: () => Promise<T>): Promise<T> =>
    ctx.images.run(job, gone).catch((e: unknown) => {
      throw e instanceof QueueFullError ? busy() : e;
    });
  if (ctx.readImage) {
    const readImage = ctx.readImage;
    sendJson(res, 200, readingJson(await inLine(() => readImage(body, IMAGE_NAME))));
    return;
  }
  const imageToInput = ctx.imageToInput!;
  answerInput(res, ctx.model, await inLine(() => imageToInput(body, IMAGE_NAME)));
}

/** The ten digits' probabilities whatever the model; "not a digit" apart for a model that has it. */
function answerInput(res: ServerResponse, model: Network, input: Float32Array): void {
  const { best, probabilities, notDigit } = answerDigit(model, input);
  sendJson(res, 200, { digit: best, probabilities, ...(model.outputSize > 10 ? { notDigit } : {}) });
}

/** `{"pixels": [784 numbers in 0..1]}` to the network's input; every refusal names a type, never the value sent. */
export function parsePixels(body: Uint8Array): Float32Array {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new HttpError(400, 'malformed JSON');
  }
  const pixels = json !== null && typeof json === 'object' ? (json as { pixels?: unknown }).pixels : undefined;
  if (!Array.isArray(pixels)) throw new HttpError(400, 'expected {"pixels": [784 numbers in 0..1]}');
  if (pixels.length !== MNIST_INPUTS) throw new HttpError(400, `expected 784 pixels, got ${pixels.length}`);
  const input = new Float32Array(MNIST_INPUTS);
  for (let i = 0; i < MNIST_INPUTS; i++) {
    const v: unknown = pixels[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new HttpError(400, `pixel ${i} must be a number in 0..1, got ${jsonKind(v)}`);
    input[i] = v;
  }
  return input;
}
