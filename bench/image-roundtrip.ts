/**
 * How close preprocessing a "user" picture (test/user-image.ts) comes to the
 * MNIST digit it was made from: Pearson correlation and mean absolute pixel
 * error per variant over N test digits, with the worst case, plus the time
 * per image. The figures behind the bars in test/image.test.ts.
 * Run: npm run build && node dist/bench/image-roundtrip.js [N]
 */
import { decodeImage } from '../src/data/decode.js';
import { toMnistInput } from '../src/data/image.js';
import { defaultDataDir, loadPair } from '../src/data/mnist.js';
import { correlation, shiftedCorrelation } from '../test/image-metrics.js';
import { USER_VARIANTS, userImage } from '../test/user-image.js';

const count = Number(process.argv[2] ?? 200);
const test = loadPair(defaultDataDir(), 't10k');

function quantiles(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * s.length))].toFixed(3);
  return `min ${s[0].toFixed(3)}  p1 ${q(0.01)}  p5 ${q(0.05)}  median ${q(0.5)}  max ${s[s.length - 1].toFixed(3)}`;
}

for (const variant of USER_VARIANTS) {
  const corr: number[] = [];
  const shifted: number[] = [];
  const mae: number[] = [];
  let seconds = 0;
  for (let n = 0; n < count; n++) {
    const digit = test.images.subarray(n * 784, (n + 1) * 784);
    const file = userImage(digit, variant, n + 1);
    const start = performance.now();
    const input = toMnistInput(await decodeImage(file, `${variant} #${n}`));
    seconds += (performance.now() - start) / 1000;
    const original = Float32Array.from(digit, (v) => v / 255);
    corr.push(correlation(input, original));
    shifted.push(shiftedCorrelation(input, original));
    let e = 0;
    for (let i = 0; i < 784; i++) e += Math.abs(input[i] - original[i]);
    mae.push(e / 784);
  }
  const worst = corr.indexOf(Math.min(...corr));
  console.log(`${variant.padEnd(21)} r: ${quantiles(corr)}  (worst: test digit ${worst})`);
  console.log(`${''.padEnd(21)} r±1: ${quantiles(shifted)}  (worst: test digit ${shifted.indexOf(Math.min(...shifted))})`);
  console.log(`${''.padEnd(21)} MAE: ${quantiles(mae)}  ${((1000 * seconds) / count).toFixed(1)} ms/image`);
}
