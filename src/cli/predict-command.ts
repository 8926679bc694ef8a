/**
 * `digitnet predict [--model FILE] IMAGE...`: the digit in each PNG or JPEG.
 * Each file is answered on its own: a bad one gets one line on stderr and
 * the rest are still answered; the exit code says whether any failed.
 * `digitnet predict --csv FILE`: every row of a CSV of pixels (Kaggle's
 * test.csv) answered in Kaggle's submission format, `ImageId,Label`.
 */
import { Command, Option } from 'commander';
import { modelClassLabels } from '../data/classes.js';
import { readCsvImages } from '../data/csv.js';
import { type Dataset, inputOf } from '../data/dataset.js';
import { prepareDecoder } from '../data/decode.js';
import type { RasterImage } from '../data/raster.js';
import { mnistInputsToPng } from '../data/show.js';
import { shapeSaid } from '../read/answer.js';
import { digitsShown, type PictureReading, readPicture } from '../read/read-picture.js';
import { readingJson } from '../read/reading-json.js';
import type { InkPolarity } from '../data/ink.js';
import { DigitNetError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadModel } from '../io/model-file.js';
import { DEFAULT_KERNELS, loadKernels } from '../kernels/index.js';
import type { Threads } from '../kernels/types.js';
import { argmax, type Network } from '../nn/network.js';
import { defaultModelPath } from '../paths.js';
import { evaluateNetwork } from '../train/evaluate.js';
import { loadDigitModel } from './digit-model.js';
import { threadCount } from './parse.js';
import { decodeImageFile, readingsOnThreads, showPath, threadsForPictures } from './predict-image.js';

interface PredictFlags {
  model?: string;
  csv?: string;
  show?: boolean;
  json?: boolean;
  ink: InkPolarity;
  threads: Threads;
}

/** The exit code when every picture was read but one or more hold no digit. */
export const NOT_A_DIGIT_EXIT = 3;

export function predictCommand(): Command {
  return new Command('predict')
    .description('say which digit, or which number, each PNG or JPEG image shows; or answer each row of a CSV of pixels (--csv)')
    .argument('[image...]', 'PNG or JPEG files: a photo, scan or drawing of a digit or of a number written left to right, any size')
    .option('--model <file>', 'model file to answer with (default: the model shipped with DigitNet, models/default.json)')
    .option('--csv <file>', 'instead of images, answer every row of a CSV of pixels (Kaggle\'s test.csv: pixel0,…,pixel783, header or none) on stdout as Kaggle\'s submission, ImageId,Label (ids from 1); a label column, if any, is not used but scored on stderr')
    .option('--show', 'also write the 28×28 image(s) the network saw beside each picture (photo.jpg → photo.mnist.png)')
    .option('--json', 'one JSON object per image: {file, text, digit, confidence, probabilities[10], notDigit, digits[{digit, best, confidence, probabilities, notDigit, shape?, box}], reason} (and shown with --show)')
    .addOption(new Option('--ink <polarity>', 'dark ink on light paper, light ink on dark, or decide per image').choices(['auto', 'dark', 'light']).default('auto'))
    .addOption(
      new Option('--threads <n>', 'threads reading the pictures (finding the ink takes most of the time; sharp decodes on threads of its own) or, with --csv, running the network: a number, or auto (default) to use every idle core for 8 pictures or more, and for a CSV where it pays')
        .argParser(threadCount)
        .default('auto'),
    )
    .addHelpText(
      'after',
      '\nPrints "FILE: 7 (99.8%)" for a digit, "FILE: 37 (3: 99.1%, 7: 98.0%)" for a number, "FILE: not a digit\n(best guess 8, 41.2%)" for a scribble, a letter or a drawing (with the shape that rules out a digit\nwhen there is one: "not a digit (a mark inside a loop; best guess 0, 35.0%)"), "FILE: unclear digits: 2?26 (…)" for a number with a\ndigit too unsure to read, and says so when digits touch too much to be split. A file that cannot be read or holds no marks gets one "digitnet: FILE: reason" line on\nstderr and the others are still answered.\nWith --csv FILE: "ImageId,Label" then one "ID,LABEL" line per row (Kaggle\'s submission format).\nExit code: 0 every picture read as digits; 3 one or more pictures are not (all) digits; 1 one or more files\nfailed (or the model is unusable); 2 bad usage.',
    )
    .action(async (images: string[], flags: PredictFlags) => {
      if (flags.csv !== undefined) return predictCsv(images, flags);
      // Commander's own words, as when the argument was required; --csv is the other way to call it.
      if (images.length === 0) throw new UsageError("missing required argument 'image'");
      const threads = threadsForPictures(flags.threads, images.length);
      const readings = threads > 1 ? await readingsOnThreads(images, flags.model, threads, flags.ink) : await readingsHere(images, flags);
      let failed = 0;
      let notDigits = 0;
      const shownPaths = new Map<string, string>();
      for await (const [file, outcome] of readings) {
        try {
          const reading = await outcome;
          if (reading.text === null) notDigits++;
          let shown: string | undefined;
          // Digits too entangled to split gave the network nothing to see: no picture to write.
          if (flags.show && reading.digits.length > 0) {
            shown = showPath(file, shownPaths);
            writeFileAtomic(shown, mnistInputsToPng(reading.digits.map((d) => d.input)));
          }
          process.stdout.write((flags.json ? JSON.stringify(jsonOf(file, reading, shown)) : `${file}: ${describeReading(reading)}${shown ? `, network input in ${shown}` : ''}`) + '\n');
        } catch (e) {
          if (!(e instanceof DigitNetError)) throw e;
          failed++;
          process.stderr.write(`digitnet: ${e.message}\n`);
        }
      }
      if (failed > 0) throw new DigitNetError(`${failed} of ${images.length} image${images.length === 1 ? '' : 's'} could not be answered`);
      if (notDigits > 0) process.exitCode = NOT_A_DIGIT_EXIT;
    });
}

/**
 * Each picture read on this thread, in order: each is decoded (by sharp, on
 * another thread) while the one before it is read, and the first while the
 * model loads.
 */
async function readingsHere(images: string[], flags: PredictFlags): Promise<AsyncGenerator<[string, Promise<PictureReading>]>> {
  const decoding = (i: number): Promise<RasterImage> | null => {
    if (i >= images.length) return null;
    const image = decodeImageFile(images[i]);
    // Its failure is met when it is awaited, in turn; until then it is not "unhandled".
    image.catch(() => {});
    return image;
  };
  await prepareDecoder();
  let next = decoding(0);
  // One turn of the event loop hands the first decode to sharp's thread before the model's (synchronous) load.
  await new Promise((resolve) => setImmediate(resolve));
  const { network } = loadDigitModel(flags.model);
  return (async function* () {
    for (const [i, file] of images.entries()) {
      const image = next!;
      next = decoding(i + 1);
      yield [file, image.then((raster) => readPicture(network, raster, { name: file, ink: flags.ink }))] as [string, Promise<PictureReading>];
    }
  })();
}

const percent = (p: number) => `${(100 * p).toFixed(1)}%`;

/**
 * Every row of the --csv file answered, as Kaggle's submission: a header,
 * then `ImageId,Label` with ids from 1. Any model: the labels printed are
 * the ones its training data used (an EMNIST letters model answers 1–26).
 * When the file has labels, how many agree goes to stderr.
 */
async function predictCsv(images: string[], flags: PredictFlags): Promise<void> {
  const path = flags.csv!;
  if (images.length > 0 || flags.show || flags.json) throw new UsageError('--csv answers a CSV file alone: no image files, --show or --json with it');
  const modelPath = flags.model ?? defaultModelPath();
  const { network, info } = loadModel(modelPath);
  const table = await readCsvImages(path, { pixels: network.inputSize });
  const classes = modelClassLabels(info.training, network.inputSize, network.outputSize);
  const data: Dataset = { images: table.images, labels: new Uint8Array(table.count), count: table.count, inputSize: table.pixels, classes: network.outputSize };
  const answers = await classify(network, data, classes.count, flags.threads);
  const lines = ['ImageId,Label'];
  let agree = 0;
  for (let i = 0; i < table.count; i++) {
    const label = classes.first + answers[i];
    lines.push(`${i + 1},${label}`);
    if (table.labels?.[i] === label) agree++;
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (table.labels) process.stderr.write(`${path}: ${agree} / ${table.count} labels agree with the answers (${(100 * agree / table.count).toFixed(2)}%)\n`);
}

/**
 * Each example's class among the first `classes` outputs, by the fast
 * kernels. A digit network's 11th output, "not a digit", is passed over: a
 * submission row needs a digit, so such a row gets its most likely one.
 */
async function classify(network: Network, data: Dataset, classes: number, threads: Threads): Promise<Uint8Array> {
  const kernels = await loadKernels(DEFAULT_KERNELS, (reason) => process.stderr.write(`digitnet: ${reason}\n`), undefined, threads);
  const { predictions } = evaluateNetwork(network, data, kernels);
  for (let i = 0; i < data.count; i++) {
    if (predictions[i] >= classes) predictions[i] = argmax(network.feedforward(inputOf(data, i)), 0, classes);
  }
  return predictions;
}

/** "7 (99.8%)", "37 (3: 99.1%, 7: 98.0%)", "not a digit (best guess 8, 41.2%)", "not a digit (a mark inside a loop; best guess 0, 71.0%)", "touching digits that cannot be split". */
export function describeReading(r: PictureReading): string {
  if (r.reason === 'touching digits that cannot be split') return `${r.reason} (${r.touching.length} blob${r.touching.length === 1 ? '' : 's'} of touching digits)`;
  if (r.reason === 'unclear digits') {
    const shown = digitsShown(r);
    const parts = r.digits.map((d) => (d.digit === null ? `?: best guess ${d.best}, ${percent(d.confidence)}` : `${d.digit}: ${percent(d.confidence)}`));
    return `unclear digits: ${shown} (${parts.join('; ')})`;
  }
  if (r.text === null) return `not a digit (${shapeSaid(r.digits[0])}best guess ${r.digits[0].best}, ${percent(r.digits[0].confidence)})`;
  if (r.digits.length === 1) return `${r.text} (${percent(r.digits[0].confidence)})`;
  return `${r.text} (${r.digits.map((d) => `${d.digit}: ${percent(d.confidence)}`).join(', ')})`;
}

function jsonOf(file: string, r: PictureReading, shown: string | undefined): object {
  return { file, ...readingJson(r), ...(shown ? { shown } : {}) };
}
