/**
 * Reading a request body within budgets: its own size (413), the memory all
 * bodies buffered at once may take (503), and time (408) — a body must keep
 * coming (no pause over bodyIdleTimeoutMs) and arrive whole at a minimum
 * average rate. Without these, a few thousand clients each holding a nearly
 * complete body could take gigabytes for minutes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error.js';
import { SMALL_BODY_BYTES, type ServerLimits } from './limits.js';

/** How long a client refused for want of memory should wait before trying again, in seconds. */
export const RETRY_AFTER_SECONDS = 2;

/** The bytes all request bodies in flight may hold together. */
export class BodyBudget {
  private used = 0;

  constructor(readonly total: number) {}

  get inUse(): number {
    return this.used;
  }

  /**
   * Take `bytes` more for a body now `bodySize` long; false when that would
   * pass the budget. A body over SMALL_BODY_BYTES may fill only 7/8 of it,
   * so large uploads can never crowd out small JSON predicts.
   */
  tryReserve(bytes: number, bodySize: number): boolean {
    if (!this.fits(bytes, bodySize)) return false;
    this.used += bytes;
    return true;
  }

  /** Whether tryReserve would succeed now. */
  fits(bytes: number, bodySize: number): boolean {
    const cap = bodySize > SMALL_BODY_BYTES ? Math.floor((this.total * 7) / 8) : this.total;
    return this.used + bytes <= cap;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** The client went away while its body was arriving: there is no one to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client disconnected');
  }
}

type BodyLimits = Pick<ServerLimits, 'maxBodyBytes' | 'bodyIdleTimeoutMs' | 'minBodyBytesPerSecond'>;

const close = { Connection: 'close' };
const tooBig = (max: number) => new HttpError(413, `request body over ${max} bytes`, close);
export const noRoom = () =>
  new HttpError(503, 'the server is holding too many request bodies; try again shortly', { ...close, 'Retry-After': String(RETRY_AFTER_SECONDS) });

/** The declared Content-Length, or undefined for a chunked body. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** Refuse a body from its declared length alone (413), before any of it is read. */
export function checkDeclaredLength(req: IncomingMessage, max: number): HttpError | undefined {
  const declared = declaredLength(req);
  return declared !== undefined && declared > max ? tooBig(max) : undefined;
}

/**
 * The whole body. The memory it holds is counted in `budget` until `res`
 * closes (the answer sent, or the client gone), since the handler keeps it.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits, budget: BodyBudget): Promise<Uint8Array> {
  const declared = declaredLength(req);
  let reserved = 0;
  res.once('close', () => budget.release(reserved));
  const early = checkDeclaredLength(req, limits.maxBodyBytes);
  if (early || (declared !== undefined && !budget.tryReserve(declared, declared))) {
    req.resume(); // drain, so the answer reaches the client before the connection closes
    return Promise.reject(early ?? noRoom());
  }
  if (declared !== undefined) reserved = declared;
  // The whole body must come within the grace period plus its size at the minimum rate.
  const size = declared ?? limits.maxBodyBytes;
  const deadlineMs = limits.bodyIdleTimeoutMs + (size * 1000) / limits.minBodyBytesPerSecond;
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(idle);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    const tooSlow = () => settle(new HttpError(408, 'the request body arrived too slowly', close));
    const deadline = setTimeout(tooSlow, deadlineMs);
    const idle = setTimeout(tooSlow, limits.bodyIdleTimeoutMs);
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > limits.maxBodyBytes) return settle(tooBig(limits.maxBodyBytes));
      // A chunked body is counted as it grows.
      if (declared === undefined) {
        if (!budget.tryReserve(chunk.length, received)) return settle(noRoom());
        reserved += chunk.length;
      }
      chunks.push(chunk);
      idle.refresh();
    });
    req.on('end', () => settle());
    req.on('error', () => settle(new ClientGoneError()));
    req.on('close', () => settle(new ClientGoneError()));
  });
}
