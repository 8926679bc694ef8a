/**
 * `digitnet predict [--model FILE] IMAGE...`: the digit in each PNG or JPEG.
 * Each file is answered on its own: a bad one gets one line on stderr and
 * the rest are still answered; the exit code says whether any failed.
 */
import { Command, Option } from 'commander';
import { mnistInputToPng } from '../data/show.js';
import type { InkPolarity } from '../data/ink.js';
import { DigitNetError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadDigitModel } from './digit-model.js';
import { predictImage, readImageFile, showPath } from './predict-image.js';

interface PredictFlags {
  model?: string;
  show?: boolean;
  json?: boolean;
  ink: InkPolarity;
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('say which digit each PNG or JPEG image shows')
    .argument('<image...>', 'PNG or JPEG files: a photo, scan or drawing of one digit, any size')
    .option('--model <file>', 'model file to answer with (default: the model shipped with DigitNet, models/default.json)')
    .option('--show', 'also write the 28×28 image the network saw beside each picture (photo.jpg → photo.mnist.png)')
    .option('--json', 'one JSON object per image: {file, digit, confidence, probabilities[10]} (and shown with --show)')
    .addOption(new Option('--ink <polarity>', 'dark ink on light paper, light ink on dark, or decide per image').choices(['auto', 'dark', 'light']).default('auto'))
    .addHelpText('after', '\nPrints "FILE: DIGIT (CONFIDENCE%)" per image. A file that cannot be read or holds no digit gets one\n"digitnet: FILE: reason" line on stderr and the others are still answered.\nExit code: 0 all answered; 1 one or more files failed (or the model is unusable); 2 bad usage.')
    .action((images: string[], flags: PredictFlags) => {
      const { network } = loadDigitModel(flags.model);
      let failed = 0;
      const shownPaths = new Map<string, string>();
      for (const file of images) {
        try {
          const { digit, probabilities, input } = predictImage(network, readImageFile(file), file, flags.ink);
          const confidence = probabilities[digit];
          let shown: string | undefined;
          if (flags.show) {
            shown = showPath(file, shownPaths);
            writeFileAtomic(shown, mnistInputToPng(input));
          }
          process.stdout.write(
            flags.json
              ? JSON.stringify({ file, digit, confidence, probabilities, ...(shown ? { shown } : {}) }) + '\n'
              : `${file}: ${digit} (${(100 * confidence).toFixed(1)}%)${shown ? `, network input in ${shown}` : ''}\n`,
          );
        } catch (e) {
          if (!(e instanceof DigitNetError)) throw e;
          failed++;
          process.stderr.write(`digitnet: ${e.message}\n`);
        }
      }
      if (failed > 0) throw new DigitNetError(`${failed} of ${images.length} image${images.length === 1 ? '' : 's'} could not be answered`);
    });
}
