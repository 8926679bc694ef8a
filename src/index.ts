/** DigitNet's public API: what a program that trains or uses a network imports. */
export { DigitNetError, UsageError } from './errors.js';
export { Random, type RandomState } from './random.js';
export { type Dataset, inputOf, sliceDataset } from './data/dataset.js';
export { parseIdx, encodeIdx, type IdxArray } from './data/idx.js';
export { loadMnist, defaultDataDir, type MnistSplit, type LoadOptions } from './data/mnist.js';
export { type ActivationName, ACTIVATION_NAMES } from './nn/activations.js';
export { type CostName, COST_NAMES } from './nn/costs.js';
export { Network, type NetworkSpec, type InitName, type Layer, INIT_NAMES, checkSpec, argmax } from './nn/network.js';
export { type Kernels, type KernelsName, type TrainingEngine, type UpdateOptions } from './kernels/types.js';
export { loadKernels, KERNEL_NAMES } from './kernels/index.js';
export { referenceKernels } from './kernels/reference.js';
export { train, checkTrainOptions, type TrainOptions, type TrainData, type TrainEvent, type TrainResult, type EpochEvent } from './train/trainer.js';
export { VERSION } from './version.js';
