// The built CLI loads the analyzer (dist/analyzer.js: tree-sitter, the languages, the engine's
// judgements) only when a file needs analysing (server/src/cli/analyzerModule.ts): a copy of
// dist/cli.js with no analyzer.js beside it answers a `check --cache` run over an unchanged
// tree exactly as the whole dist/ does, and fails with a clear message (exit 2) once a file
// changes. The cli bundle itself holds no parser code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD_C } from './helpers';

const ROOT = join(__dirname, '..', '..');
const built = join(ROOT, 'dist', 'cli.js');
let work = '';

before(() => {
  if (!existsSync(built) || !existsSync(join(ROOT, 'dist', 'analyzer.js'))) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  }
  work = mkdtempSync(join(tmpdir(), 'prl-lazy-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

const run = (cli: string, args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('the cli bundle holds no parser: it requires ./analyzer.js, which does', () => {
  const cli = readFileSync(built, 'utf8');
  const analyzer = readFileSync(join(ROOT, 'dist', 'analyzer.js'), 'utf8');
  assert.ok(cli.includes('require("./analyzer.js")'));
  for (const marker of ['web-tree-sitter.wasm', 'IP_LOCAL_PORT_RANGE']) {
    assert.ok(analyzer.includes(marker), `analyzer.js has ${marker}`);
  }
  assert.ok(!cli.includes('web-tree-sitter.wasm'), 'cli.js has no parser runtime');
  assert.ok(cli.length < analyzer.length, `cli.js ${cli.length} bytes, analyzer.js ${analyzer.length}`);
});

test('a fully cached check never loads dist/analyzer.js; a changed file needs it', () => {
  const tree = join(work, 'tree');
  const cache = join(work, 'cache');
  const alone = join(work, 'alone');
  for (const d of [tree, alone]) mkdirSync(d);
  writeFileSync(join(tree, 'bad.c'), BAD_C);
  writeFileSync(join(tree, 'plain.py'), 'print(1)\n');
  writeFileSync(join(tree, 'notes.c'), '/* setsockopt is described here */\n');
  // The copy keeps the build's mtime to the nanosecond (cp -p): the cache key names the build
  // (size and mtime).
  const lone = join(alone, 'cli.js');
  assert.equal(spawnSync('cp', ['-p', built, lone]).status, 0);
  assert.equal(statSync(lone).mtimeMs, statSync(built).mtimeMs);
  // The racy-clean rule trusts only files changed over 2 s before the run that records them.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_100);
  const args = (format: string) => ['check', '--format', format, '--cache-dir', cache, '.'];
  for (const format of ['json', 'text']) {
    const whole = run(built, args(format), tree);
    assert.equal(whole.code, 1, whole.err);
    const cached = run(lone, args(format), tree);
    assert.equal(cached.err, '', `${format}: the run loaded nothing it lacks`);
    assert.equal(cached.code, whole.code);
    assert.equal(cached.out, whole.out, format);
  }
  writeFileSync(join(tree, 'bad.c'), BAD_C + '\n');
  const changed = run(lone, args('text'), tree);
  assert.equal(changed.code, 2);
  assert.match(changed.err, /cannot load the parser: .*analyzer\.js/);
});
