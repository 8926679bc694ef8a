/**
 * Writing an answer: a body with its type and length, and the JSON form
 * every API answer and error takes.
 */
import type { ServerResponse } from 'node:http';

export function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/** A JSON answer; when an answer was already begun (or the client is gone) the connection is cut instead. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  send(res, status, 'application/json', JSON.stringify(value), headers);
}
