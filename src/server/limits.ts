/**
 * The server's budgets of memory, time and connections, their defaults, and
 * how they are set on node:http. Each limit answers a way a client could
 * otherwise hold the server: too many or too slow connections, headers or
 * bodies, or more image work than the cores can do.
 */
import type { ServerOptions as HttpOptions } from 'node:http';
import { availableParallelism } from 'node:os';

export interface ServerLimits {
  /** Largest request body; larger gets 413. */
  maxBodyBytes: number;
  /** All request bodies buffered at once, together; a body that would pass it gets 503. */
  bodyBudgetBytes: number;
  /** A body with no new bytes for this long gets 408. */
  bodyIdleTimeoutMs: number;
  /** Slowest average rate a body may arrive at (after bodyIdleTimeoutMs of grace), else 408. */
  minBodyBytesPerSecond: number;
  /** Image reads (decode and read the picture) running at once. */
  imageConcurrency: number;
  /** Image reads waiting for a turn; one more gets 503 with Retry-After. */
  imageQueueLength: number;
  /** Open connections; more are closed as they arrive (node:http maxConnections). */
  maxConnections: number;
  /** Request line and headers together; more gets 431. */
  maxHeaderBytes: number;
  /** Time to receive the request line and headers; then 408. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included; then 408. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** A connection that takes nothing of a response being written for this long is cut. */
  writeTimeoutMs: number;
}

const cores = Math.max(1, availableParallelism());

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBodyBytes: 2 * 1024 * 1024,
  bodyBudgetBytes: 64 * 1024 * 1024,
  bodyIdleTimeoutMs: 10_000,
  minBodyBytesPerSecond: 64 * 1024,
  imageConcurrency: cores,
  imageQueueLength: 2 * cores,
  maxConnections: 1024,
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  writeTimeoutMs: 30_000,
});

/** Bodies up to this size may use the whole budget; larger ones only 7/8, so JSON predicts keep room. */
export const SMALL_BODY_BYTES = 64 * 1024;

/** The limits given, each one checked, the rest defaults. */
export function resolveLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ServerLimits)[]) {
    const value = given[key];
    if (value === undefined) continue;
    if (!(Number.isSafeInteger(value) && value >= (key === 'imageQueueLength' ? 0 : 1))) {
      throw new RangeError(`server limit ${key} must be a whole number ≥ ${key === 'imageQueueLength' ? 0 : 1}, got ${value}`);
    }
    limits[key] = value;
  }
  // node:http refuses a headers timeout longer than the whole request's.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new RangeError(`server limit headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`);
  }
  return limits;
}

/** node:http's own options for these limits (set at creation). */
export function httpOptions(limits: ServerLimits): HttpOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // node checks the two timeouts above every this often (30 s by default, which would make a 10 s limit 40 s).
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
}
