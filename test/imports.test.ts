/**
 * The shape of the code, read from the sources' imports: no import cycle
 * among src/ modules, and the core (networks, kernels, training, reading
 * pictures, the browser-safe data and model-format code) imports nothing of
 * Node: only the files listed as Node adapters below may, so the page can
 * bundle the core and a new `node:` import elsewhere fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../src/paths.js';

const SRC = join(packageRoot(), 'src');

/** Files that talk to Node (files, processes, threads, sockets): the adapters at the edges. */
const NODE_ADAPTERS = [
  /^cli\//,
  /^server\//,
  /^paths\.ts$/,
  /^index\.ts$/,
  /^kernels\/wasm\/node-[\w-]+\.ts$/, // the kernels file, and the threads that share the kernels' memory
  /^data\/(csv|decode|mnist|training-data)\.ts$/,
  /^io\/(atomic|model-file|read-text|onnx-schema)\.ts$/,
];

function sources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'assembly') walk(path); // AssemblyScript, not TypeScript modules
      } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
    }
  };
  walk(SRC);
  return files;
}

/** The modules a file imports at run time (type-only imports do not count), as absolute .ts paths. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(import|export)(?!\s+type\b)[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => resolve(dirname(file), m[2].replace(/\.js$/, '.ts')));
}

test('src/ has no import cycle', () => {
  const files = sources();
  const graph = new Map(files.map((f) => [f, runtimeImports(f).filter((d) => files.includes(d))]));
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(SRC, f)).join(' → '));
      else if (!state.has(next)) visit(next, path);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file, []);
  assert.deepEqual(cycles, []);
  assert.ok(files.length > 50, `read ${files.length} modules`);
});

test('only the Node adapters import node:* or use process', () => {
  const offenders: string[] = [];
  for (const file of sources()) {
    const name = relative(SRC, file).split('\\').join('/');
    if (NODE_ADAPTERS.some((pattern) => pattern.test(name))) continue;
    const text = readFileSync(file, 'utf8');
    if (/from\s+'node:/.test(text) || /\bprocess\.(env|argv|exit|stdout|stderr|on|cwd)\b/.test(text)) offenders.push(name);
  }
  assert.deepEqual(offenders, [], `core modules that reach for Node: ${offenders.join(', ')}`);
});
