/**
 * How fast, and in how much memory, a 12-megapixel photo is decoded (a
 * measurement, not a test): a 4000×3000 JPEG and PNG of a digit on paper
 * (test/photo-file.ts), decoded by sharp to the working size as `predict`
 * does (decode.ts with maxSide 1024), and, for comparison, by the pure-JS
 * decoders DigitNet used before (jpeg-js, pngjs: full size, kept here
 * only). Each decoder runs in a child process of its own, so that its peak
 * RSS is its own (each child imports its decoder only); a child that
 * decodes nothing gives Node's baseline. Then the wall time of the whole
 * `digitnet predict photo.jpg` command; --cli times another build's
 * dist/src/cli/main.js too (an older checkout's, to compare).
 *
 *   npm run build && node dist/bench/decode.js [--runs 5] [--predict-runs 3] [--cli OTHER/dist/src/cli/main.js]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WORKING_SIDE } from '../src/data/image.js';

const DECODERS = ['none', 'sharp', 'pure-js'] as const;
type Decoder = (typeof DECODERS)[number];

/** What a child reports. */
interface ChildResult {
  /** Milliseconds per decode, in order; the first includes loading the decoder. */
  ms: number[];
  width: number;
  height: number;
  peakRssMiB: number;
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'predict-runs': { type: 'string', default: '3' },
    cli: { type: 'string' },
    child: { type: 'string' },
    file: { type: 'string' },
  },
});
const runs = Number(values.runs);

if (values.child) {
  process.stdout.write(JSON.stringify(await measure(values.child as Decoder, values.file!, runs)));
} else {
  await main();
}

async function measure(decoder: Decoder, file: string, count: number): Promise<ChildResult> {
  const bytes = readFileSync(file);
  const decode = await decoderFor(decoder);
  const ms: number[] = [];
  let width = 0;
  let height = 0;
  for (let i = 0; i < (decoder === 'none' ? 0 : count); i++) {
    const start = performance.now();
    const image = await decode(bytes);
    ms.push(performance.now() - start);
    ({ width, height } = image);
  }
  return { ms, width, height, peakRssMiB: peakRssMiB() };
}

/**
 * This process's peak RSS: Linux's VmHWM. Not resourceUsage().maxRSS, which
 * Linux carries over from the parent across fork and exec, so that every
 * child would report at least the parent's size (~160 MiB, after making the photos).
 */
function peakRssMiB(): number {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

type Decode = (bytes: Buffer) => Promise<{ width: number; height: number }>;

/** The decoder, imported here so that a child holds only its own. */
async function decoderFor(decoder: Decoder): Promise<Decode> {
  if (decoder === 'sharp') {
    const { decodeImage } = await import('../src/data/decode.js');
    return (bytes) => decodeImage(bytes, 'photo', { maxSide: WORKING_SIDE });
  }
  if (decoder === 'none') return () => Promise.reject(new Error('no decoder'));
  // The decoding DigitNet did before sharp: synchronous, full size, with the same limits.
  const { default: jpeg } = await import('jpeg-js');
  const { PNG } = await import('pngjs');
  return async (bytes) =>
    bytes[0] === 0x89 ? PNG.sync.read(bytes) : jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 50, maxMemoryUsageInMB: 1200 });
}

function child(decoder: Decoder, file: string): ChildResult {
  const args = [fileURLToPath(import.meta.url), '--child', decoder, '--file', file, '--runs', String(runs)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${decoder} on ${file}: child exited ${r.status}`);
  return JSON.parse(r.stdout) as ChildResult;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'digitnet-bench-decode-'));
  try {
    // MNIST test digit 7, a 9, drawn over most of a 4000×3000 sheet.
    const { defaultDataDir, loadPair } = await import('../src/data/mnist.js');
    const { photoFile } = await import('../test/photo-file.js');
    const test = loadPair(defaultDataDir(), 't10k');
    const digit = test.images.subarray(7 * 784, 8 * 784);
    const files = { jpeg: join(dir, 'photo.jpg'), png: join(dir, 'photo.png') };
    writeFileSync(files.jpeg, await photoFile(digit, { width: 4000, height: 3000, format: 'jpeg' }));
    writeFileSync(files.png, await photoFile(digit, { width: 4000, height: 3000, format: 'png' }));
    const mib = (file: string) => (readFileSync(file).length / 2 ** 20).toFixed(1);
    console.log(`4000×3000 photo of a ${test.labels[7]}: JPEG ${mib(files.jpeg)} MiB (quality 95), PNG ${mib(files.png)} MiB; ${runs} decodes per child, ${process.version}`);
    console.log('');
    console.log('file  decoder   output      median ms  first ms  peak RSS MiB');
    const baseline = child('none', files.jpeg);
    console.log(`-     none      -                   -         -  ${baseline.peakRssMiB.toFixed(0).padStart(12)}  (Node alone)`);
    for (const kind of ['jpeg', 'png'] as const) {
      for (const decoder of ['sharp', 'pure-js'] as const) {
        const r = child(decoder, files[kind]);
        console.log(
          `${kind.padEnd(5)} ${decoder.padEnd(8)}  ${`${r.width}×${r.height}`.padEnd(10)} ${median(r.ms).toFixed(0).padStart(10)} ${r.ms[0].toFixed(0).padStart(9)}  ${r.peakRssMiB.toFixed(0).padStart(12)}`,
        );
      }
    }
    // The whole command, as a person runs it: start Node, load the model, decode, preprocess, answer.
    console.log('');
    const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
    for (const [label, main] of [['this build', cli], ...(values.cli ? [['--cli', values.cli]] : [])]) {
      const wall: number[] = [];
      let answer = '';
      for (let i = 0; i < Number(values['predict-runs']); i++) {
        const start = performance.now();
        const r = spawnSync(process.execPath, [main, 'predict', files.jpeg], { encoding: 'utf8' });
        wall.push(performance.now() - start);
        if (r.status !== 0) throw new Error(`${main} predict exited ${r.status}: ${r.stderr}`);
        answer = r.stdout.trim().replace(dir, '…');
      }
      const all = wall.map((w) => w.toFixed(0)).join(', ');
      console.log(`digitnet predict photo.jpg (${label}): median ${median(wall).toFixed(0)} ms wall of ${wall.length} (${all}); "${answer}"`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
