/**
 * Limits that apply to connections rather than to one route: how many may
 * be open, how long one may sit on a response it does not read (the write
 * timeout), and the answer to a request node:http could not accept (too
 * large headers 431, too slow 408, malformed 400), each with a short JSON
 * error and the connection closed.
 */
import { STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServerLimits } from './limits.js';

export function guardConnections(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.maxConnections;
  const answering = new Map<Duplex, ServerResponse>();
  server.on('request', (req, res: ServerResponse) => {
    answering.set(req.socket, res);
    res.once('close', () => {
      if (answering.get(req.socket) === res) answering.delete(req.socket);
    });
  });
  // node:http has no write timeout of its own: a socket that makes no progress for this long is looked at.
  server.setTimeout(limits.writeTimeoutMs, (socket: Socket) => {
    // Cut it if it holds unsent bytes of an answer (the client stopped reading) or if nothing is in flight on it.
    // A request still waiting on the server's own work (an image in line) has its own deadlines.
    if (socket.writableLength > 0 || !answering.has(socket)) socket.destroy();
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Half an answer already sent, or no one left to read one: only closing is left.
    if (error.code === 'ECONNRESET' || !socket.writable || answering.get(socket)?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, message] = refusal(error.code, limits);
    socket.end(rawResponse(status, message));
  });
}

/** The status and message for a request node:http refused while parsing it. */
function refusal(code: string | undefined, limits: ServerLimits): [number, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, `the request line and headers are over ${limits.maxHeaderBytes} bytes`];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'the request took too long to arrive'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'chunk extensions too large'];
    default:
      return [400, 'malformed HTTP request'];
  }
}

function rawResponse(status: number, message: string): string {
  const body = JSON.stringify({ error: message });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}
