/**
 * No function over 60 lines, in the sources, the page, the benchmarks and
 * the tests: a function a newcomer has to scroll through is one that does
 * several things. Measured with the TypeScript compiler's own parser, from
 * the line a function starts on to the line it ends on. The AssemblyScript
 * kernels (src/kernels/wasm/assembly/) are left out: their matmul blocks are
 * unrolled by hand on purpose.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { packageRoot } from '../src/paths.js';

const MAX_LINES = 60;
const ROOT = packageRoot();
const FOLDERS = ['src', 'web/src', 'bench', 'test', 'examples'];

function typeScriptFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'assembly' && name !== 'fixtures') files.push(...typeScriptFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** A function's name as a reader would look for it: its own, or the variable, property or call it is given to. */
function nameOf(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name) return parent.name.getText(source);
  if (ts.isCallExpression(parent)) return `callback of ${parent.expression.getText(source).slice(0, 40)}`;
  return 'an anonymous function';
}

/** "file:line name (N lines)" for every function in `file` longer than MAX_LINES. */
function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_LINES) found.push(`${relative(ROOT, file)}:${first + 1} ${nameOf(node, source)} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test(`no function is longer than ${MAX_LINES} lines`, () => {
  const files = FOLDERS.flatMap((folder) => typeScriptFiles(join(ROOT, folder)));
  assert.ok(files.length > 100, `only ${files.length} files found: is the root right?`);
  assert.deepEqual(files.flatMap(longFunctions), []);
});

test('the measure sees a long function, and not a short one', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'digitnet-length-'));
  try {
    const file = join(dir, 'sample.ts');
    writeFileSync(file, `function long(): void {\n${lines(MAX_LINES - 1)}\n}\nconst short = () => {\n${lines(MAX_LINES - 2)}\n};\n`);
    assert.deepEqual(longFunctions(file).map((f) => f.replace(/^.*sample\.ts/, 'sample.ts')), [`sample.ts:1 long (${MAX_LINES + 1} lines)`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
