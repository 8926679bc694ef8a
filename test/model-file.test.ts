/** Model files: save → load round trips, Nielsen's network2 format both ways, and every kind of bad file. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../src/data/mnist.js';
import { DigitNetError } from '../src/errors.js';
import { loadModel, saveModel } from '../src/io/model-file.js';
import { crc32, fromFloat16Bits, toFloat16Bits } from '../src/io/encoding.js';
import { fitsFloat16, formatThatFits, MODEL_VERSION, parseModel, serializeModel, serializeNetwork2 } from '../src/io/model-format.js';
import { Network, type NetworkSpec } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import { evaluateNetwork } from '../src/train/evaluate.js';
import { runCli, withTempDir } from './helpers.js';
import { KERNEL_SETS } from './kernel-sets.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
const spec: NetworkSpec = { sizes: [784, 16, 10], activations: ['relu', 'softmax'], cost: 'log-likelihood' };
const testSet = loadMnist().test;

function randomNet(s: NetworkSpec = spec): Network {
  return Network.create(s, new Random(3), 'he');
}

test('json: save → load gives identical parameters and predictions', () => {
  withTempDir((dir) => {
    const net = randomNet();
    const path = join(dir, 'm.json');
    saveModel(path, net, { validation: { correct: 1, total: 2 } }, 'json');
    const loaded = loadModel(path);
    assert.equal(loaded.format, 'json');
    assert.deepEqual(loaded.network.spec, net.spec);
    assert.deepEqual(loaded.network.params, net.params);
    assert.deepEqual(loaded.info.validation, { correct: 1, total: 2 });
    for (const { kernels, label } of KERNEL_SETS) {
      assert.deepEqual(evaluateNetwork(loaded.network, testSet, kernels).predictions, evaluateNetwork(net, testSet, kernels).predictions, label);
    }
  });
});

test('compact: float32 base64, a third of the size, same predictions on 10,000 test images', () => {
  const net = randomNet();
  const json = serializeModel(net, {}, 'json');
  const compact = serializeModel(net, {}, 'compact');
  assert.ok(compact.length < json.length / 2.5, `${compact.length} vs ${json.length}`);
  const loaded = parseModel(compact).network;
  assert.deepEqual(loaded.params, net.params.map(Math.fround));
  for (const { kernels, label } of KERNEL_SETS) {
    assert.deepEqual(evaluateNetwork(loaded, testSet, kernels).predictions, evaluateNetwork(net, testSet, kernels).predictions, label);
  }
});

test('float16: every bit pattern decodes and encodes back; rounding is to the nearest, ties to even; overflow is refused', () => {
  for (let h = 0; h < 0x10000; h++) {
    const v = fromFloat16Bits(h);
    if (!Number.isFinite(v)) continue; // exponent 31: Inf and NaN, never written
    const back = toFloat16Bits(v);
    assert.equal(v === 0 ? back & 0x7fff : back, v === 0 ? 0 : h, `bits ${h.toString(16)}`);
  }
  // Against the definition: the nearest of the two float16 neighbours, the even one on a tie.
  const random = new Random(7);
  for (let i = 0; i < 20000; i++) {
    const v = (random.next() - 0.5) * 2 ** Math.floor(random.next() * 40 - 26);
    const h = toFloat16Bits(v);
    const near = fromFloat16Bits(h);
    const [sign, magnitude] = [h & 0x8000, h & 0x7fff];
    const up = fromFloat16Bits(sign | (magnitude + 1));
    const down = fromFloat16Bits(sign | Math.max(0, magnitude - 1));
    const err = Math.abs(Math.fround(v) - near);
    assert.ok(err <= Math.abs(Math.fround(v) - up) && err <= Math.abs(Math.fround(v) - down), `${v} → ${near}`);
  }
  assert.equal(toFloat16Bits(1 + 2 ** -11), 0x3c00, 'a tie rounds to the even 1');
  assert.equal(toFloat16Bits(1 + 3 * 2 ** -11), 0x3c02, 'a tie rounds to the even 1 + 2⁻⁹');
  assert.equal(toFloat16Bits(2 ** -25), 0, 'half the smallest subnormal rounds to the even 0');
  assert.equal(toFloat16Bits(65504), 0x7bff);
  assert.throws(() => toFloat16Bits(65520), /does not fit in float16/);
  assert.throws(() => toFloat16Bits(-1e6), /does not fit in float16/);
});

test('compact16: float16 base64, a sixth of the size, the values float16 holds, nearly the same predictions', () => {
  withTempDir((dir) => {
    const net = randomNet();
    const compact = serializeModel(net, {}, 'compact');
    const half = serializeModel(net, {}, 'compact16');
    assert.ok(half.length < compact.length / 1.8, `${half.length} vs ${compact.length}`);
    const path = join(dir, 'half.json');
    assert.equal(saveModel(path, net, {}, 'compact16'), 'compact16');
    const loaded = loadModel(path);
    assert.equal(loaded.format, 'compact16');
    assert.deepEqual(loaded.network.params, net.params.map((v) => fromFloat16Bits(toFloat16Bits(v))));
    assert.ok(fitsFloat16(loaded.network.params) && !fitsFloat16(net.params));
    // Saved and read again, the same values: nothing is rounded twice.
    assert.deepEqual(parseModel(serializeModel(loaded.network, {}, 'compact16')).network.params, loaded.network.params);
    const a = evaluateNetwork(loaded.network, testSet, KERNEL_SETS[0].kernels).predictions;
    const b = evaluateNetwork(net, testSet, KERNEL_SETS[0].kernels).predictions;
    const differ = a.filter((p, i) => p !== b[i]).length;
    assert.ok(differ <= 20, `${differ} of 10,000 answers changed`);
    refuses(flipBase64(half), /the parameters do not match the file's checksum/);
  });
});

test('a weight past float16 or float32: the compact formats refuse it in one line; formatThatFits names the next wider one', () => {
  withTempDir((dir) => {
    const net = randomNet();
    net.layers[1].weights[3] = 65520; // rounds to float16 infinity (65504 is the largest)
    assert.equal(formatThatFits(net.params, 'compact16'), 'compact');
    assert.throws(() => saveModel(join(dir, 'big.json'), net, {}, 'compact16'), (e: unknown) => e instanceof DigitNetError && /^a parameter of 65520 does not fit in float16 \(at most ±65504\): save this model as compact or json$/.test(e.message));
    assert.deepEqual(readdirSync(dir), [], 'nothing written');
    net.layers[1].weights[3] = 65519;
    assert.equal(formatThatFits(net.params, 'compact16'), 'compact16');
    assert.equal(parseModel(serializeModel(net, {}, 'compact16')).network.layers[1].weights[3], 65504);
    net.layers[1].weights[3] = 1e300;
    assert.equal(formatThatFits(net.params, 'compact16'), 'json');
    assert.throws(() => serializeModel(net, {}, 'compact'), /^Error: a parameter of 1e\+300 does not fit in float32: save this model as json$|a parameter of 1e\+300 does not fit in float32: save this model as json/);
    assert.equal(parseModel(serializeModel(net, {}, formatThatFits(net.params, 'compact'))).network.layers[1].weights[3], 1e300);
  });
});

test('train --save --format compact16 with a weight past float16 still saves the run, as compact, and says so', () => {
  withTempDir((dir) => {
    // η far too large on the reference's sigmoid net: weights grow past 65504 within one epoch.
    const save = join(dir, 'm.json');
    const r = runCli(['train', '--layers', '784,20,10', '--epochs', '1', '--train-size', '500', '--eta', '1000000', '--save', save, '--format', 'compact16']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^digitnet: a weight does not fit in --format compact16; saving as compact\n$/);
    assert.match(r.stdout, /Saved .*m\.json \(compact\)\n$/);
    assert.equal(loadModel(save).format, 'compact');
  });
});

test('loads a network2.py model and feeds forward as numpy did', () => {
  const loaded = loadModel(fixture('network2-small.json'));
  assert.equal(loaded.format, 'network2');
  assert.deepEqual(loaded.network.spec, { sizes: [6, 4, 3], activations: ['sigmoid', 'sigmoid'], cost: 'cross-entropy' });
  const expected = JSON.parse(readFileSync(fixture('network2-small.expected.json'), 'utf8')) as { inputs: number[][]; outputs: number[][] };
  expected.inputs.forEach((x, i) => {
    const out = loaded.network.feedforward(x);
    out.forEach((v, j) => assert.ok(Math.abs(v - expected.outputs[i][j]) < 1e-12, `input ${i} output ${j}: ${v} vs ${expected.outputs[i][j]}`));
  });
});

test('writes network2 JSON that network2-style Python code loads and runs the same', () => {
  const net = Network.create({ sizes: [5, 4, 3], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' }, new Random(8), 'scaled');
  const text = serializeNetwork2(net);
  const x = [0.1, 0.5, 0.9, 0.3, 0.7];
  // Only the standard library, as network2.load reads it: json, then layer by layer σ(w·a + b).
  const python = `
import json, math, sys
m = json.loads(sys.stdin.read())
assert m["cost"] == "QuadraticCost" and m["sizes"] == [5, 4, 3]
a = ${JSON.stringify(x)}
for w, b in zip(m["weights"], m["biases"]):
    a = [1 / (1 + math.exp(-(sum(wk * ak for wk, ak in zip(row, a)) + bj[0]))) for row, bj in zip(w, b)]
print(json.dumps(a))`;
  const out = JSON.parse(execFileSync('python3', ['-c', python], { input: text, encoding: 'utf8' })) as number[];
  const ours = net.feedforward(x);
  out.forEach((v, j) => assert.ok(Math.abs(v - ours[j]) < 1e-12));
  // …and back again, exactly.
  assert.deepEqual(parseModel(text).network.params, net.params);
});

test('network2 cannot hold a softmax or ReLU network', () => {
  assert.throws(() => serializeNetwork2(randomNet()), /network2 format holds only sigmoid networks/);
});

function refuses(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseModel(text, 'bad.json'),
    (e: unknown) => e instanceof DigitNetError && e.kind === 'bad-data' && e.message.startsWith('bad.json: ') && pattern.test(e.message),
  );
}

test('refuses bad model files with one clear message each', () => {
  const good = JSON.parse(serializeModel(randomNet(), {}, 'json')) as Record<string, unknown>;
  const variant = (change: (m: Record<string, any>) => void) => {
    const m = structuredClone(good) as Record<string, any>;
    change(m);
    return JSON.stringify(m);
  };
  const text = JSON.stringify(good);
  refuses('', /the file is empty/);
  refuses(text.slice(0, text.length / 2), /truncated or invalid/);
  refuses('[1, 2]', /expected a JSON object/);
  refuses('{"hello": 1}', /not a DigitNet or network2 model file/);
  refuses(variant((m) => (m.version = MODEL_VERSION + 1)), /written by a newer DigitNet \(model format version 2/);
  refuses(variant((m) => (m.sizes = [784, 17, 10])), /layer 1 weights: expected 17×784, found 16 rows/);
  refuses(variant((m) => m.layers[0].weights[3].pop()), /layer 1 weights: expected 16×784, row 3 has 783 columns/);
  refuses(variant((m) => m.layers[1].biases.push(0)), /layer 2 biases: expected 10 values, found 11/);
  refuses(variant((m) => (m.layers[0].weights[0][0] = 'x')), /value "x" is not a finite number/);
  refuses(text.replace(/"weights":\[\[(-?[\d.e-]+)/, '"weights":[[1e999'), /value null is not a finite number|not a finite number/);
  refuses(variant((m) => (m.activations = ['softmax', 'softmax'])), /softmax is only allowed on the output layer/);
  refuses(variant((m) => (m.activations = ['relu', 'swish'])), /unknown activation "swish"/);
  refuses(variant((m) => (m.encoding = 'base64-float32')), /layer 1 weights: expected a base64 string/);
  const compact = JSON.parse(serializeModel(randomNet(), {}, 'compact')) as Record<string, any>;
  compact.layers[0].weights = compact.layers[0].weights.slice(0, 100);
  refuses(JSON.stringify(compact), /layer 1 weights: .*found 75 bytes|layer 1 weights: expected 12544 float32 values/);
  refuses('{"sizes":[2,2],"weights":[[[1,2],[3,4]]],"biases":[[[1],[2]]],"cost":"LogCost"}', /network2 cost must be QuadraticCost or CrossEntropyCost/);
});

test('digitnet eval refuses a bad model file with one line, and leaves it as it was', () => {
  withTempDir((dir) => {
    const path = join(dir, 'truncated.json');
    const text = serializeModel(randomNet(), {}, 'json');
    writeFileSync(path, text.slice(0, 5000));
    const r = runCli(['eval', '--model', path]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^digitnet: .*truncated\.json: not a model file: the JSON is truncated or invalid\n$/);
    assert.equal(readFileSync(path, 'utf8'), text.slice(0, 5000));
    const missing = runCli(['eval', '--model', join(dir, 'nope.json')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^digitnet: model file not found: .*nope\.json\n$/);
    writeFileSync(path, serializeModel(Network.create({ sizes: [10, 3, 10], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' }, new Random(1)), {}, 'json'));
    const shape = runCli(['eval', '--model', path]);
    assert.equal(shape.status, 2);
    assert.match(shape.stderr, /maps 10 inputs to 10 outputs, the data has 784 pixels/);
  });
});

test('a failed save leaves the old file whole', () => {
  withTempDir((dir) => {
    const path = join(dir, 'model.json');
    saveModel(path, randomNet(), {}, 'json');
    const before = readFileSync(path, 'utf8');
    assert.throws(() => saveModel(join(dir, 'no-such-dir', 'model.json'), randomNet(), {}, 'json'), /cannot write .*ENOENT/);
    // Same path, a save that fails (a softmax net has no network2 form): the old file stays.
    assert.throws(() => saveModel(path, randomNet(), {}, 'network2'), /network2 format/);
    assert.equal(readFileSync(path, 'utf8'), before);
    assert.deepEqual(readdirSync(dir), ['model.json'], 'no temporary files left behind');
  });
});

test('CRC-32 is the standard one (zip, gzip)', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new TextEncoder().encode('56789'), crc32(new TextEncoder().encode('1234'))), 0xcbf43926);
});

/** One base64 character of layer 1's weights changed to another: still valid base64, another weight. */
function flipBase64(text: string): string {
  const m = JSON.parse(text) as Record<string, any>;
  const w = m.layers[0].weights as string;
  const at = 1000;
  m.layers[0].weights = w.slice(0, at) + (w[at] === 'A' ? 'B' : 'A') + w.slice(at + 1);
  return JSON.stringify(m);
}

test('a checksum over the parameters catches a changed weight that is still a number', () => {
  const net = randomNet();
  const compact = serializeModel(net, {}, 'compact');
  assert.match(compact, /"checksum":"crc32:[0-9a-f]{8}"/);
  refuses(flipBase64(compact), /^bad\.json: the parameters do not match the file's checksum \(crc32:[0-9a-f]{8}, computed crc32:[0-9a-f]{8}\): the file is damaged$/);
  const json = JSON.parse(serializeModel(net, {}, 'json')) as Record<string, any>;
  json.layers[1].biases[3] += 1e-9;
  refuses(JSON.stringify(json), /the parameters do not match the file's checksum/);
  refuses(compact.replace(/"checksum":"crc32:[0-9a-f]{8}"/, '"checksum":"md5:0"'), /bad "checksum" "md5:0"/);
});

test('files without a checksum (older DigitNets) still load; a weight of −0 (JSON writes 0) passes the check', () => {
  const net = randomNet();
  net.layers[0].weights[0] = -0;
  for (const format of ['json', 'compact'] as const) {
    const text = serializeModel(net, {}, format);
    assert.ok(parseModel(text).network.params[0] === 0);
    const old = JSON.parse(text) as Record<string, unknown>;
    delete old.checksum;
    assert.deepEqual(parseModel(JSON.stringify(old)).network.params, parseModel(text).network.params);
  }
});

test('refuses sizes past the network limits, and any depth of nesting, with one line', () => {
  const good = JSON.parse(serializeModel(randomNet(), {}, 'json')) as Record<string, unknown>;
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const withSizes = (sizes: string) => JSON.stringify({ ...good, sizes: '@' }).replace('"@"', sizes);
  refuses(withSizes('[784, 100000, 100000, 10]'), /"sizes": \[784, 100000, 100000, 10\] has 10,079,600,010 weights and biases; DigitNet builds networks of at most 10,000,000/);
  refuses(withSizes('[784, 1000000, 10]'), /"sizes": layer sizes must be integers from 1 to 100,000, got 1000000/);
  refuses(withSizes(`[784, ${deep(100_000)}, 10]`), /"sizes": layer sizes must be integers from 1 to 100,000, got \[\[…\]\]/);
  refuses(withSizes(deep(100_000)), /"sizes": a network needs at least 2 layers/);
  refuses(JSON.stringify({ ...good, activations: '@' }).replace('"@"', `[${deep(100_000)}, "relu"]`), /unknown activation \[\[…\]\]/);
  refuses(JSON.stringify({ ...good, version: '@' }).replace('"@"', deep(100_000)), /bad format version \[\[…\]\]/);
  const biases = JSON.parse(JSON.stringify(good)) as Record<string, any>;
  biases.layers[0].biases[0] = '@';
  refuses(JSON.stringify(biases).replace('"@"', deep(100_000)), /layer 1 biases: value \[\[…\]\] is not a finite number/);
});

test('a model file over the size limit is refused before it is read', () => {
  withTempDir((dir) => {
    const path = join(dir, 'huge.json');
    writeFileSync(path, '{');
    truncateSync(path, 2 ** 31); // 2 GiB, sparse
    const r = runCli(['eval', '--model', path]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^digitnet: model file .*huge\.json is 2048 MiB, more than the 400 MiB DigitNet reads\n$/);
  });
});

test('a save removes the temporary files a killed save of the same path left, and nothing else', () => {
  withTempDir((dir) => {
    const path = join(dir, 'model.json');
    // A process that has ended: its PID is free.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = [`.model.json.${dead}.m1abc2.tmp`, `.model.json.${process.pid}.1.tmp`]; // the second: this PID, before this process began
    const kept = [
      `.model.json.${process.ppid}.m1abc2.tmp`, // a running process: perhaps saving right now
      '.model.json.tmp', `.other.json.${dead}.m1abc2.tmp`, `model.json.${dead}.m1abc2.tmp`, `.model.json.${dead}.m1abc2.tmp.bak`, `.model.json.x${dead}.m1.tmp`,
    ];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'left over');
    saveModel(path, randomNet(), {}, 'json');
    assert.deepEqual(readdirSync(dir).sort(), [...kept, 'model.json'].sort());
  });
});
