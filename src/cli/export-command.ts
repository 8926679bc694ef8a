/**
 * `digitnet export --model FILE --output FILE [--format onnx]`: a model in
 * another format: DigitNet JSON or compact JSON, Nielsen's network2, or a
 * standard ONNX model that onnxruntime, PyTorch, OpenCV and Netron read. The
 * output is written atomically and never replaces a file unless --force.
 */
import { existsSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { loadModel, modelFormatFor, saveModel } from '../io/model-file.js';
import { fitsNetwork2, MODEL_FORMATS, type ModelFormat, NETWORK2_LIMITS } from '../io/model-format.js';
import { sizeText } from '../io/read-text.js';
import { describeShape } from '../nn/network.js';

interface ExportFlags {
  model: string;
  output: string;
  format?: ModelFormat;
  force?: boolean;
}

export function exportCommand(): Command {
  return new Command('export')
    .description('write a model in another format: onnx (a standard ONNX model), json, compact (float32), compact16 (float16) or network2')
    .requiredOption('--model <file>', 'the model to read: DigitNet JSON, network2 JSON or ONNX')
    .requiredOption('--output <file>', 'the file to write (atomically)')
    .addOption(new Option('--format <format>', 'the format to write (default: onnx for an .onnx output, else json)').choices(MODEL_FORMATS))
    .option('--force', 'replace the output file if it exists')
    .addHelpText(
      'after',
      '\nONNX: opset 13, input "input" float32 [N, 784] (pixels in 0..1, white ink on black as in MNIST),\noutput "probabilities" float32 [N, classes]; metadata_props hold the model\'s name (the output\'s base\nname), the DigitNet version, its accuracy and the class names.',
    )
    .action((flags: ExportFlags) => {
      const { network, info, notes } = loadModel(flags.model);
      for (const note of notes ?? []) process.stderr.write(`digitnet: ${note}\n`);
      const format = modelFormatFor(flags.output, flags.format ?? 'json');
      if (format === 'network2' && !fitsNetwork2(network.spec)) throw new UsageError(`--format network2: ${NETWORK2_LIMITS}`);
      if (existsSync(flags.output) && !flags.force) throw new UsageError(`${flags.output} exists; pass --force to replace it`);
      saveModel(flags.output, network, info, format);
      process.stdout.write(`Wrote ${flags.output}: ${format}, ${describeShape(network)}, ${sizeText(statSync(flags.output).size)}\n`);
    });
}
