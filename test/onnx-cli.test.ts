/** ONNX through the `digitnet` command: export, predict, eval and train --save with .onnx files. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/io/model-file.js';
import { defaultModelPath } from '../src/paths.js';
import { runCli, withTempDir } from './helpers.js';
import { userDigit } from './image-files.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

test('export writes the shipped model as ONNX, refuses to replace a file without --force, and converts back', () => {
  withTempDir((dir) => {
    const onnxPath = join(dir, 'digits.onnx');
    const r = runCli(['export', '--model', defaultModelPath(), '--format', 'onnx', '--output', onnxPath]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Wrote .*digits\.onnx: onnx, \[784, 400, 11\] relu → softmax, 1\.2 MiB\n$/);
    assert.equal(readFileSync(onnxPath)[0], 0x08, 'an ONNX protobuf (ir_version first)');
    const again = runCli(['export', '--model', defaultModelPath(), '--output', onnxPath]);
    assert.equal(again.status, 2);
    assert.equal(again.stderr, `digitnet: ${onnxPath} exists; pass --force to replace it\n`);
    const back = join(dir, 'back.json');
    const json = runCli(['export', '--model', onnxPath, '--output', back, '--format', 'compact']);
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(loadModel(back).network.params, loadModel(defaultModelPath()).network.params);
    assert.equal(runCli(['export', '--model', defaultModelPath(), '--output', onnxPath, '--force']).status, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['back.json', 'digits.onnx'], 'no temporary files left');
  });
});

test('predict --model m.onnx answers as the model it was exported from', () => {
  withTempDir((dir) => {
    const onnxPath = join(dir, 'm.onnx');
    assert.equal(runCli(['export', '--model', defaultModelPath(), '--output', onnxPath]).status, 0);
    const pictures = [userDigit(0, 'grey'), userDigit(1, 'jpeg')].map((d, i) => {
      const path = join(dir, `digit${i}.${d.variant === 'jpeg' ? 'jpg' : 'png'}`);
      writeFileSync(path, d.bytes);
      return path;
    });
    const fromJson = runCli(['predict', '--json', ...pictures]);
    const fromOnnx = runCli(['predict', '--json', '--model', onnxPath, ...pictures]);
    assert.equal(fromOnnx.status, 0, fromOnnx.stderr);
    assert.equal(fromOnnx.stderr, '');
    assert.equal(fromOnnx.stdout, fromJson.stdout);
    assert.deepEqual(fromOnnx.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { text: string }).text), ['7', '2']);
  });
});

test('eval reads an ONNX model, and refuses a convolutional one in one line', () => {
  withTempDir((dir) => {
    const onnxPath = join(dir, 'm.onnx');
    assert.equal(runCli(['export', '--model', defaultModelPath(), '--output', onnxPath]).status, 0);
    const r = runCli(['eval', '--model', onnxPath, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { format: string; test: { correct: number; total: number } };
    assert.equal(result.format, 'onnx');
    const shipped = loadModel(defaultModelPath()).info.test!;
    assert.deepEqual([result.test.correct, result.test.total], [shipped.correct, shipped.total]);
  });
  const conv = runCli(['eval', '--model', fixture('conv.onnx')]);
  assert.equal(conv.status, 1);
  assert.match(conv.stderr, /^digitnet: .*conv\.onnx: operator Conv is not supported: DigitNet reads fully connected networks \(.*\)\n$/);
});

test('predict with an ONNX MLP from elsewhere says how it reads its sigmoid outputs', () => {
  const path = fixture('mlp-gemm.onnx');
  withTempDir((dir) => {
    const picture = join(dir, 'digit.png');
    writeFileSync(picture, userDigit(0, 'grey').bytes);
    const r = runCli(['predict', '--model', path, picture]);
    assert.notEqual(r.status, 1, r.stderr);
    assert.equal(r.stderr, `digitnet: ${path}: the last layer ends in Sigmoid, not Softmax: DigitNet scales its outputs to sum to 1 as probabilities\n`);
  });
});

test('train --save x.onnx writes ONNX; --format onnx does whatever the name', () => {
  withTempDir((dir) => {
    const quick = ['train', '--train-size', '500', '--epochs', '1', '--layers', '784,20,10', '--quiet'];
    const r = runCli([...quick, '--save', join(dir, 'x.onnx')]);
    assert.equal(r.status, 0, r.stderr);
    const saved = loadModel(join(dir, 'x.onnx'));
    assert.equal(saved.format, 'onnx');
    assert.deepEqual(saved.network.spec, { sizes: [784, 20, 10], activations: ['sigmoid', 'sigmoid'], cost: 'quadratic' });
    assert.equal(saved.info.validation?.total, 10_000);
    const f = runCli([...quick, '--save', join(dir, 'x.model'), '--format', 'onnx']);
    assert.equal(f.status, 0, f.stderr);
    assert.equal(loadModel(join(dir, 'x.model')).format, 'onnx');
  });
});
