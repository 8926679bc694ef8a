/**
 * Load benchmark of the predict endpoint (a measurement, not a test): starts
 * the server on loopback with a model, then drives POST /api/predict with
 * autocannon for a few seconds and prints requests/s and latency percentiles.
 *
 *   npm run bench:server -- [--model FILE] [--seconds 5] [--connections 10] [--image]
 *
 * Without --model it uses a freshly initialised [784, 800, 10] network (the
 * best preset's shape); the answer's correctness does not matter for speed.
 * --image posts a 224×224 grey PNG of MNIST test digit 0 instead of JSON
 * pixels, so each request also decodes and preprocesses, as `serve` does.
 */
import autocannon from 'autocannon';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { ImagePool } from '../src/server/image-pool.js';
import { defaultDataDir, loadPair } from '../src/data/mnist.js';
import { mnistInputToPng } from '../src/data/show.js';
import { loadModel } from '../src/io/model-file.js';
import { Network } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { createDigitNetServer } from '../src/server/server.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    image: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('npm run bench:server -- [--model FILE] [--seconds 5] [--connections 10] [--image]');
  process.exit(0);
}

const net = values.model
  ? loadModel(values.model).network
  : Network.create({ sizes: [784, 800, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' }, new Random(1), 'he');
// As `digitnet serve` builds it: pictures read whole on the image worker pool, one thread per core.
const imageConcurrency = availableParallelism();
const images = await ImagePool.create(net, imageConcurrency);
const server = createDigitNetServer({
  model: net,
  mnistDir: defaultDataDir(),
  readImage: (bytes, name) => images.read(bytes, name),
  limits: { imageConcurrency, imageQueueLength: 2 * imageConcurrency },
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/predict`;
const pixels = Array.from({ length: 784 }, (_, i) => ((i * 37) % 11 === 0 ? 0.9 : 0));

const png = values.image ? mnistInputToPng(Float32Array.from(loadPair(defaultDataDir(), 't10k').images.subarray(0, 784), (v) => v / 255), 8) : null;

const result = await autocannon({
  url,
  method: 'POST',
  headers: { 'content-type': png ? 'image/png' : 'application/json' },
  body: png ? Buffer.from(png) : JSON.stringify({ pixels }),
  connections: Number(values.connections),
  duration: Number(values.seconds),
});
server.close();
await images.close();

console.log(`POST /api/predict, ${png ? `a ${png.length}-byte 224×224 PNG` : 'JSON pixels'}, [${net.sizes.join(', ')}], ${values.connections} connections, ${values.seconds} s on loopback`);
console.log(`requests: ${result.requests.total} (${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts)`);
console.log(`requests/s: mean ${result.requests.average.toFixed(0)}, stddev ${result.requests.stddev.toFixed(0)}`);
console.log(`latency ms: p50 ${result.latency.p50}, p90 ${result.latency.p90}, p99 ${result.latency.p99}, max ${result.latency.max}`);
