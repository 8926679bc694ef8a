/**
 * Graceful shutdown: stop accepting, close idle keep-alive connections at
 * once, let requests in flight finish, and cut whatever is left after a
 * deadline. node's own request timeouts stop firing once `close()` is
 * called, so without the deadline one slow client could keep a stopping
 * server alive indefinitely.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface Tracked {
  sockets: Set<Socket>;
  responses: Set<ServerResponse>;
  stopping: boolean;
}

const tracked = new WeakMap<Server, Tracked>();

/** Follow `server`'s sockets and responses from now on, so a shutdown can reach them all. */
export function trackConnections(server: Server): void {
  const state: Tracked = { sockets: new Set(), responses: new Set(), stopping: false };
  tracked.set(server, state);
  server.on('connection', (socket: Socket) => {
    state.sockets.add(socket);
    socket.once('close', () => state.sockets.delete(socket));
  });
  // First among the request listeners: a request that arrives while stopping is answered, then its connection closed.
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (state.stopping) res.shouldKeepAlive = false;
    state.responses.add(res);
    res.once('close', () => state.responses.delete(res));
  });
}

export function isStopping(server: Server): boolean {
  return tracked.get(server)?.stopping ?? false;
}

/** How often idle connections are swept while draining: a connection whose answer just went out is closed soon after. */
const SWEEP_MS = 100;

/**
 * Stop `server` gracefully; resolves 'drained' when every connection has
 * closed by itself, or 'cut' when the deadline (or `cutNow`) closed the rest.
 */
export function stopGracefully(server: Server, deadlineMs: number): { done: Promise<'drained' | 'cut'>; cutNow: () => void } {
  const state = tracked.get(server);
  if (!state) throw new Error('stopGracefully needs a server passed to trackConnections');
  state.stopping = true;
  // Answers still to be written say "Connection: close", so their connections end with them.
  for (const res of state.responses) if (!res.headersSent) res.shouldKeepAlive = false;
  let cut = false;
  const cutNow = () => {
    cut = true;
    server.closeAllConnections();
    for (const socket of state.sockets) socket.destroy();
  };
  const done = new Promise<'drained' | 'cut'>((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    const deadline = setTimeout(cutNow, deadlineMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(cut ? 'cut' : 'drained');
    });
    server.closeIdleConnections();
  });
  return { done, cutNow };
}
