/** The IDX parser and the four-file loader, on good bytes and on every kind of broken file. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { defaultDataDir, loadMnist, loadPair, MNIST_FILES, readIdxBytes } from '../src/data/mnist.js';
import { encodeIdx, parseIdx } from '../src/data/idx.js';
import { DigitNetError } from '../src/errors.js';
import { runCli, withTempDir } from './helpers.js';

const body = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);

test('parses a 3-D unsigned-byte IDX file', () => {
  const { dims, data } = parseIdx(encodeIdx([2, 3, 4], body));
  assert.deepEqual(dims, [2, 3, 4]);
  assert.deepEqual(Array.from(data), Array.from(body));
});

test('reads a gzipped IDX file, whatever its name', () => {
  withTempDir((dir) => {
    const path = join(dir, 'plain-name');
    writeFileSync(path, gzipSync(encodeIdx([2, 3, 4], body)));
    const { dims, data } = parseIdx(readIdxBytes(path));
    assert.deepEqual(dims, [2, 3, 4]);
    assert.deepEqual(Array.from(data), Array.from(body));
  });
  assert.throws(() => parseIdx(gzipSync(encodeIdx([1], body.subarray(0, 1))), 'f.gz'), /f\.gz: gzipped; unpack it before parsing/);
});

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseIdx(bytes, 'f.idx'), (e: unknown) => e instanceof DigitNetError && pattern.test(e.message) && e.message.startsWith('f.idx'));
}

test('rejects a wrong magic number', () => {
  const bytes = encodeIdx([2, 3, 4], body);
  bytes[0] = 0x50; // e.g. a PNG or text file
  rejects(bytes, /wrong magic number/);
});

test('rejects a data type other than unsigned byte', () => {
  const bytes = encodeIdx([2, 3, 4], body);
  bytes[2] = 0x0d; // float
  rejects(bytes, /unsupported IDX data type 0x0d/);
});

test('rejects a file too short for its header', () => {
  rejects(new Uint8Array([0, 0]), /too short/);
  rejects(encodeIdx([2, 3, 4], body).subarray(0, 9), /truncated header/);
});

test('rejects a truncated body', () => {
  rejects(encodeIdx([2, 3, 4], body).subarray(0, 30), /truncated: dimensions 2×3×4 need 24 bytes of data, the file has 14/);
});

test('rejects dimensions that disagree with the file length', () => {
  const bytes = new Uint8Array([...encodeIdx([2, 3, 4], body), 1, 2, 3]);
  rejects(bytes, /disagree with the file length/);
});

test('rejects a corrupt gzip stream', () => {
  withTempDir((dir) => {
    const gz = gzipSync(encodeIdx([2, 3, 4], body));
    const path = join(dir, 'broken.gz');
    writeFileSync(path, gz.subarray(0, gz.length - 10));
    assert.throws(() => readIdxBytes(path), /broken\.gz: not a valid gzip file/);
  });
});

/** Write a tiny four-file dataset; `mutate` may break one file. */
function writeSet(dir: string, trainCount: number, mutate: (files: Record<string, Uint8Array>) => void = () => {}): void {
  const pixels = (n: number) => Uint8Array.from({ length: n * 4 }, (_, i) => (i * 37) % 256);
  const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 10);
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': encodeIdx([trainCount, 2, 2], pixels(trainCount)),
    'train-labels-idx1-ubyte': encodeIdx([trainCount], labels(trainCount)),
    't10k-images-idx3-ubyte': encodeIdx([5, 2, 2], pixels(5)),
    't10k-labels-idx1-ubyte': encodeIdx([5], labels(5)),
  };
  mutate(files);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}

test('loads a pair of files and checks they agree', () => {
  withTempDir((dir) => {
    writeSet(dir, 12);
    const ds = loadPair(dir, 't10k');
    assert.equal(ds.count, 5);
    assert.equal(ds.inputSize, 4);
    assert.deepEqual(Array.from(ds.labels), [0, 1, 2, 3, 4]);
  });
});

test('reads gzipped files under their .gz names', () => {
  withTempDir((dir) => {
    writeSet(dir, 12, (files) => {
      files['t10k-images-idx3-ubyte.gz'] = gzipSync(files['t10k-images-idx3-ubyte']);
      delete files['t10k-images-idx3-ubyte'];
    });
    assert.equal(loadPair(dir, 't10k').count, 5);
  });
});

test('rejects a labels file whose count disagrees with the images', () => {
  withTempDir((dir) => {
    writeSet(dir, 12, (files) => {
      files['t10k-labels-idx1-ubyte'] = encodeIdx([4], new Uint8Array(4));
    });
    assert.throws(() => loadPair(dir, 't10k'), /has 4 labels but .* has 5 images/);
  });
});

test('rejects a label that is not a digit', () => {
  withTempDir((dir) => {
    writeSet(dir, 12, (files) => {
      files['t10k-labels-idx1-ubyte'] = encodeIdx([5], Uint8Array.from([0, 1, 12, 3, 4]));
    });
    assert.throws(() => loadPair(dir, 't10k'), /label 12 at index 2 is not a digit/);
  });
});

test('rejects images that are not 3-D', () => {
  withTempDir((dir) => {
    writeSet(dir, 12, (files) => {
      files['t10k-images-idx3-ubyte'] = encodeIdx([5, 4], new Uint8Array(20));
    });
    assert.throws(() => loadPair(dir, 't10k'), /expected 3 dimensions/);
  });
});

test('names a missing file and a missing folder', () => {
  withTempDir((dir) => {
    writeSet(dir, 12, (files) => delete files['train-labels-idx1-ubyte']);
    assert.throws(() => loadMnist({ dir }), /train-labels-idx1-ubyte not found/);
    assert.throws(() => loadMnist({ dir: join(dir, 'nope') }), /data folder not found/);
  });
});

test('needs more training images than the validation split holds', () => {
  withTempDir((dir) => {
    writeSet(dir, 12);
    assert.throws(() => loadMnist({ dir }), /at least 10001 are needed/);
  });
});

/**
 * A gzip bomb: an IDX header declaring MNIST's 60000×28×28 images (47 MB),
 * then 64 gzip members of 16 MiB of zeros each: 1 MB that inflates to 1 GiB.
 */
function gzipBomb(): Buffer {
  const header = encodeIdx([60000, 28, 28], new Uint8Array(0));
  const zeros = gzipSync(Buffer.alloc(16 * 2 ** 20), { level: 9 });
  return Buffer.concat([gzipSync(header), ...new Array<Buffer>(64).fill(zeros)]);
}

test('a gzip bomb stops inflating at the length its header declares, without gigabytes of memory', () => {
  withTempDir((dir) => {
    const path = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(path, gzipBomb());
    // In a fresh process, so its peak memory is the read's alone.
    const mnist = new URL('../src/data/mnist.js', import.meta.url).href;
    const script = `
      const { readIdxBytes } = await import(${JSON.stringify(mnist)});
      const before = process.memoryUsage().rss;
      let message = 'no error';
      try { readIdxBytes(${JSON.stringify(path)}); } catch (e) { message = e.message; }
      console.log(JSON.stringify({ message, grew: process.resourceUsage().maxRSS * 1024 - before }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { message, grew } = JSON.parse(r.stdout) as { message: string; grew: number };
    assert.equal(message, `${path}: inflates past the 47040016 bytes its header declares`);
    assert.ok(grew < 200 * 2 ** 20, `memory grew by ${(grew / 2 ** 20).toFixed(0)} MiB`);
  });
});

test('digitnet train refuses a gzip bomb in --data with one line', () => {
  withTempDir((dir) => {
    for (const name of MNIST_FILES.slice(1)) copyFileSync(join(defaultDataDir(), name), join(dir, name));
    writeFileSync(join(dir, `${MNIST_FILES[0]}.gz`), gzipBomb());
    const r = runCli(['train', '--data', dir, '--train-size', '100', '--epochs', '1']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^digitnet: .*train-images-idx3-ubyte\.gz: inflates past the 47040016 bytes its header declares\n$/);
  });
});

test('refuses a gzipped header that declares more than 1 GiB, before inflating it', () => {
  withTempDir((dir) => {
    const path = join(dir, 'huge.gz');
    writeFileSync(path, gzipSync(encodeIdx([100000, 100, 200], new Uint8Array(0))));
    assert.throws(() => readIdxBytes(path), /huge\.gz: its header declares 1907\.3 MiB of data, more than the 1024 MiB DigitNet reads/);
  });
});

test('refuses an IDX file over the limit before reading it', () => {
  withTempDir((dir) => {
    const path = join(dir, 'sparse-idx');
    writeFileSync(path, encodeIdx([3], new Uint8Array(3)));
    truncateSync(path, 2 ** 31); // 2 GiB, sparse: nothing is written
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => readIdxBytes(path), /^DigitNetError: IDX file .*sparse-idx is 2048 MiB, more than the 1025 MiB DigitNet reads$/);
    // Refused from its size, not read: no timing (the machine may be busy), but nothing near 2 GiB was allocated.
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, 'refused from its size, not read');
  });
});
