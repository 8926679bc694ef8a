/**
 * `digitnet/browser`: the part of DigitNet's public API that runs in any
 * JavaScript engine, a browser included. Nothing here imports a Node module
 * (node:fs, sharp, pngjs…): networks, the reference and WebAssembly kernels
 * (given the module's bytes), training, presets, model text, evaluation,
 * preprocessing of RGBA pixels (a canvas's ImageData is a RasterImage), and
 * reading digits. `digitnet` (index.ts) re-exports all of it and adds what
 * needs Node: files, MNIST from disk, image decoding, kernels loaded from disk.
 *
 * ESM only. Each export carries a one-line summary here; the declaration it
 * comes from has the details. Errors a caller can cause are DigitNetErrors
 * with a one-line message.
 */

// Errors, randomness, versions.
export {
  /** An error a user can cause and fix (bad options, bad files), with its `kind` (usage, bad-data, not-found, too-large, interrupted). */
  DigitNetError,
  /** A bad option value (a DigitNetError of kind 'usage'). */
  UsageError,
  /** What kind of failure a DigitNetError is; the CLI and the server each map kinds once. */
  type ErrorKind,
  /** Any thrown value's message on one line. */
  oneLineMessage,
} from './errors.js';
export {
  /** DigitNet's seeded pseudo-random generator: the same seed gives the same networks, shuffles and distortions. */
  Random,
  /** A Random's state, to save and restore it. */
  type RandomState,
} from './random.js';
export {
  /** The DigitNet version, as written into model files. */
  VERSION,
} from './version.js';

// Data sets.
export {
  /** Labelled examples: `count` images of `inputSize` pixel bytes (0–255) and a label each in 0..classes-1. */
  type Dataset,
  /** Example `n` of a dataset as network input (pixels scaled to 0..1). */
  inputOf,
  /** Examples `start` to `end` (exclusive) of a dataset, sharing its memory. */
  sliceDataset,
} from './data/dataset.js';
export {
  /** Parse an IDX file's bytes (MNIST's format, unpacked); throws a DigitNetError naming the problem. */
  parseIdx,
  /** Write an IDX file's bytes from dimensions and unsigned bytes. */
  encodeIdx,
  /** A parsed IDX file: its dimensions and data. */
  type IdxArray,
} from './data/idx.js';
export {
  /** A Dataset of digits from an IDX images file's and an IDX labels file's bytes (unpacked), checked to agree. */
  datasetFromIdx,
  /** Split a training set as MNIST's reference run does: the last VALIDATION_SIZE images validate. */
  splitTrainValidation,
  /** How many training images are kept back to validate: 10,000. */
  VALIDATION_SIZE,
} from './data/mnist-split.js';
export {
  /** `count` drawn non-digits (scribbles, grids, stars, faces…) as 28×28 bytes, the same for the same seed. */
  nonDigitImages,
  /** A dataset with `count` drawn non-digits added as one more class, "not a digit". */
  withNonDigits,
} from './data/non-digits.js';
export {
  /** How a training image is distorted for augmentation (rotation, scale, shear, shift, pens, styles). */
  type Distortion,
  /** data/augment.ts's default distortion, strength 1. */
  DEFAULT_DISTORTION,
  /** The default distortion scaled by `strength` (0: none). */
  scaledDistortion,
} from './data/augment.js';

// Networks.
export {
  /** A fully connected network: `Network.create(spec, rng, init)`, `feedforward`, `predict`, `clone`, and its `params`. */
  Network,
  /** A network's shape: layer sizes, one activation per layer after the input, and the cost. */
  type NetworkSpec,
  /** How initial weights are drawn: 'large' N(0, 1), 'scaled' N(0, 1/I), 'he' N(0, 2/I) for ReLU. */
  type InitName,
  /** One layer's weights and biases, as views into the network's parameters. */
  type Layer,
  /** The weight initialisations there are. */
  INIT_NAMES,
  /** Throw a UsageError naming what is wrong with a NetworkSpec, if anything. */
  checkSpec,
  /** A network's shape in words, e.g. "[784, 100, 10] relu → softmax". */
  describeShape,
  /** The index of the largest of `length` values of `v` from `offset`. */
  argmax,
} from './nn/network.js';
export {
  /** 'sigmoid', 'tanh', 'relu', 'leaky-relu' or 'softmax'. */
  type ActivationName,
  /** The activation names there are. */
  ACTIVATION_NAMES,
} from './nn/activations.js';
export {
  /** 'quadratic', 'cross-entropy' or 'log-likelihood'. */
  type CostName,
  /** The cost names there are. */
  COST_NAMES,
} from './nn/costs.js';
export {
  /** A network's outputs as probabilities: softmax outputs as they are, others clipped at 0 and scaled to sum to 1. */
  probabilitiesOf,
  /** The most probable class of one input and every class's probability. */
  predictDigit,
} from './nn/probabilities.js';

// Kernels: the arithmetic of training and evaluation.
export {
  /** A set of kernels: `createEngine` makes a TrainingEngine for a network and a training set. */
  type Kernels,
  /** 'wasm' (WebAssembly SIMD, float32, fast) or 'reference' (plain TypeScript, float64, the specification). */
  type KernelsName,
  /** Trains one network on one dataset, mini-batch by mini-batch, and evaluates it. */
  type TrainingEngine,
  /** The SGD step's settings a TrainingEngine is made with. */
  type UpdateOptions,
  /** How many threads the wasm kernels may use: a number, or 'auto' (only where they pay, on idle cores). */
  type Threads,
} from './kernels/types.js';
export {
  /** The reference kernels: plain TypeScript in float64, always available. */
  referenceKernels,
} from './kernels/reference.js';
export {
  /** Compile the wasm kernels from a WasmSource and check they are DigitNet's; throws saying why not. */
  compileKernels,
  /** Kernels running a module compileKernels returned (in a browser: `wasmKernelsFrom(await compileKernels(fetchIt))`). */
  wasmKernelsFrom,
  /** Why the wasm kernels cannot run in this engine (no WebAssembly, no SIMD), or null. */
  wasmUnsupportedReason,
  /** A function giving the kernels module's bytes or a compiled WebAssembly.Module. */
  type WasmSource,
  /** The bytes of a WebAssembly module. */
  type WasmBytes,
  /** A compiled WebAssembly.Module (typed as an object so the declarations need no DOM library). */
  type WasmModule,
} from './kernels/wasm/load.js';

// Training.
export {
  /** Train a network in place with mini-batch SGD; reports through `onEvent` and stops at an AbortSignal. */
  train,
  /** Throw a UsageError naming the first bad value among the SGD options. */
  checkTrainOptions,
  /** train()'s options: the SGD recipe, kernels, rng, `onEvent`, `signal`, `resume`, `augmentation`. */
  type TrainOptions,
  /** Training, validation and (optional) test sets. */
  type TrainData,
  /**
   * What `onEvent` hears, told apart by `type`: 'progress', 'epoch', 'test', 'checkpoint'.
   * (The CLI's `--json` lines name the same thing `event`.)
   */
  type TrainEvent,
  /** After each epoch: validation score and cost, η, seconds. */
  type EpochEvent,
  /** During an epoch: training examples done so far. */
  type ProgressEvent,
  /** At the end, when a test set was given: the final network's test score. */
  type TestEvent,
  /** After each epoch, and when stopped by the signal: a TrainState to resume from. */
  type CheckpointEvent,
  /** Everything needed to continue a run where it stopped (pass it back as `resume`). */
  type TrainState,
  /** The epoch with the best validation score. */
  type BestEpoch,
  /** What train() returns: every epoch, the best, the test score, whether it was aborted or stopped early. */
  type TrainResult,
} from './train/trainer.js';
export {
  /** A whole training run as one object: layers, activations, cost, init, the SGD recipe, augmentation, seed. */
  type TrainConfig,
  /** 'reference', 'best', 'augmented' or 'people'. */
  type PresetName,
  /** The preset names there are. */
  PRESET_NAMES,
  /** A fresh copy of a preset's TrainConfig, to change as you like. */
  preset,
  /** The NetworkSpec a TrainConfig describes. */
  specOf,
  /** The train() options a TrainConfig fixes (add kernels, rng, onEvent, signal). */
  trainOptionsOf,
  /** Throw a UsageError naming the first bad value of a TrainConfig. */
  checkConfig,
  /** A TrainConfig with one hidden activation stretched to every hidden layer. */
  normalizeConfig,
  /** A TrainConfig read from JSON (a model file's `training`), checked field by field. */
  configFromJson,
  /** How many outputs a config's network needs: the classes, plus one for "not a digit". */
  outputsOf,
  /** The strongest augmentation allowed: 2. */
  MAX_AUGMENT,
  /** A config in words: "sigmoid, quadratic cost, 50 epochs, batch 10, eta 1.3, seed 1". */
  describeConfig,
} from './train/config.js';
export {
  /** Train the network a TrainConfig describes (seeded by its seed) on data, from scratch or a checkpoint's state. */
  runTraining,
  /** runTraining's options: kernels, and optionally `onEvent`, `signal`, `resume`, `monitorTrainingCost`. */
  type RunOptions,
  /** What runTraining returns: train()'s result and the trained network. */
  type RunResult,
  /** Data with a config's drawn non-digits added to training as one more class. */
  withNonDigitClass,
} from './train/run.js';
export {
  /** What a model file records of its training: the config, the data, the labels, a fine-tuning. */
  type TrainingRecord,
  /** The TrainingRecord of a run of a config, to pass to saveModel as `training`. */
  trainingRecord,
} from './io/training-record.js';
export {
  /** A learning-rate schedule: none, step (every N epochs × factor) or plateau (after N epochs without improvement × factor). */
  type Schedule,
  /** "none", "step:10:0.5" or "plateau:3:0.5" to a Schedule. */
  parseSchedule,
  /** A Schedule back to that text. */
  formatSchedule,
} from './train/schedule.js';
export {
  /** Score a network on a dataset: correct answers, mean cost, each prediction, the confusion matrix and per-class accuracy. */
  evaluateNetwork,
  /** What evaluateNetwork returns; `confusion[true][predicted]` counts. */
  type Evaluation,
} from './train/evaluate.js';

// Model files as text (the Node entry adds saveModel/loadModel for files).
export {
  /** A network and its ModelInfo as model-file text: 'json', 'compact' (base64 float32), 'compact16' (base64 float16) or 'network2' (Nielsen's). */
  serializeModel,
  /** Model-file text (DigitNet's or network2's) to a network; throws a DigitNetError naming the problem. */
  parseModel,
  /** 'json', 'compact', 'compact16' or 'network2'. */
  type ModelFormat,
  /** The model formats there are. */
  MODEL_FORMATS,
  /** What a model file records besides the weights: training config, validation and test scores, version, date. */
  type ModelInfo,
  /** A parsed model file: the network, its info and the format it was in. */
  type LoadedModel,
  /** Correct answers out of a total. */
  type Accuracy,
} from './io/model-format.js';

// Pictures: RGBA pixels to MNIST-style input, and reading what is written.
export {
  /** RGBA pixels, row by row: `{ width, height, data }` (a canvas ImageData is one). */
  type RasterImage,
  /** Throw a DigitNetError unless a RasterImage is a non-empty RGBA raster within the size limits. */
  checkRaster,
} from './data/raster.js';
export {
  /** A PNG's or JPEG's format and size read from its first bytes, without decoding; refuses non-images and huge ones. */
  readImageHeader,
  /** What readImageHeader returns: format, width, height. */
  type ImageHeader,
  /** 'png' or 'jpeg'. */
  type ImageFormat,
  /** The most pixels a picture may have: 50 megapixels. */
  MAX_IMAGE_PIXELS,
  /** The longest side a picture may have: 20,000 pixels. */
  MAX_IMAGE_SIDE,
} from './data/image-header.js';
export {
  /** A picture of one digit to the network's 784 inputs: ink found, cropped, fitted into 20×20, centred by mass in 28×28. */
  toMnistInput,
  /** A picture's ink map (0 = paper) at working resolution, with the scale it was reduced by. */
  workingInk,
  /** An ink map (values 0..1) to the network's 784 inputs, as toMnistInput does after finding the ink. */
  inkToMnistInput,
  /** The ink map workingInk returns. */
  type WorkingInk,
  /** Preprocessing options: `ink` polarity ('auto', 'dark', 'light') and a `name` for error messages. */
  type MnistInputOptions,
  /** 28: MNIST images are 28×28. */
  MNIST_SIDE,
  /** 20: the box a digit is fitted into. */
  MNIST_BOX,
  /** 14: where the digit's centre of mass is put. */
  MNIST_CENTRE,
  /** 1024: pictures larger than this on either side are first reduced to it. */
  WORKING_SIDE,
} from './data/image.js';
export {
  /** Which ink to look for: 'auto', 'dark' (on light paper) or 'light' (on a dark board). */
  type InkPolarity,
  /** The smallest ink-to-paper contrast taken as a digit, in grey levels of 255. */
  MIN_CONTRAST,
} from './data/ink.js';
export {
  /** Split an ink map of a number written left to right into its digits (and blobs of touching digits). */
  segmentDigits,
  /** A rectangle in pixels. */
  type InkBox,
  /** One digit found by segmentDigits: its box and its own ink. */
  type DigitRegion,
  /** What segmentDigits returns: the digits left to right, and touching blobs it could not cut. */
  type Segmentation,
} from './data/segment.js';
export {
  /** The network's answer for one 784-value input: a digit, or null for "not a digit", with probabilities. */
  answerDigit,
  /** What answerDigit returns: `digit` (or null), `best`, `confidence`, the ten `probabilities`, `notDigit`, and `shape` when the input has a shape no digit has. */
  type DigitAnswer,
  /** Below this probability (0.3) the best digit is not taken: the answer is "not a digit". */
  MIN_CONFIDENCE,
  /** 10. */
  DIGITS,
} from './read/answer.js';
export {
  /** Read a picture: one digit, a number of several digits, or "not a digit" (`text` null, with a reason). */
  readPicture,
  /** What readPicture returns: `text`, each digit read, and why not when `text` is null. */
  type PictureReading,
  /** One digit read in a picture: a DigitAnswer with its box and the 784 inputs the network saw. */
  type DigitReading,
} from './read/read-picture.js';
export {
  /** A PictureReading as plain JSON, as `digitnet predict --json` and the server's /api/predict give it. */
  readingJson,
  /** What readingJson returns. */
  type ReadingJson,
} from './read/reading-json.js';
