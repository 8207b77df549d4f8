// The built CLI loads its sibling bundles only when a run needs them (server/src/cli/bundles.ts):
// the analyzer (dist/analyzer.js: tree-sitter, the languages, the engine's judgements) when a
// file needs analysing, the other subcommands (dist/commands.js) when one runs. A copy of
// dist/cli.js alone answers a `check --cache` run over an unchanged tree exactly as the whole
// dist/ does, and fails with a clear message (exit 2) once a file changes. The cli bundle
// itself holds no parser, simulator or pressure code; the other commands work from dist/.
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
  if (!['cli.js', 'analyzer.js', 'commands.js'].every((f) => existsSync(join(ROOT, 'dist', f)))) {
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

test('the cli bundle holds no parser, simulator or pressure code: it requires the bundles that do', () => {
  const cli = readFileSync(built, 'utf8');
  const analyzer = readFileSync(join(ROOT, 'dist', 'analyzer.js'), 'utf8');
  const commands = readFileSync(join(ROOT, 'dist', 'commands.js'), 'utf8');
  assert.ok(cli.includes('require("./analyzer.js")'));
  assert.ok(cli.includes('require("./commands.js")'));
  // Markers: the parser runtime's wasm, the simulator's runner, the metrics library.
  assert.ok(analyzer.includes('web-tree-sitter.wasm'));
  assert.ok(commands.includes('runner.py') && commands.includes('process_cpu_seconds_total'));
  for (const marker of ['web-tree-sitter.wasm', 'runner.py', 'process_cpu_seconds_total']) assert.ok(!cli.includes(marker), `cli.js has ${marker}`);
  assert.ok(cli.length * 3 < analyzer.length + commands.length, `cli.js ${cli.length} bytes`);
});

test('the other subcommands run from dist/: their help, a result, a usage error', () => {
  assert.match(run(built, ['plan', '--help'], ROOT).out, /^usage: port-range-lens plan/);
  const d = run(built, ['decode', '2628033600'], ROOT);
  assert.equal(d.code, 0, d.err);
  assert.match(d.out, /lo 40000 {2}hi 40100/);
  // A UsageError thrown in commands.js is recognised there: exit 2 and one JSON object.
  const bad = run(built, ['plan', '--workers', 'x', '--format', 'json'], ROOT);
  assert.equal(bad.code, 2);
  assert.equal(JSON.parse(bad.out).error.kind, 'usage');
  assert.match(bad.err, /^port-range-lens plan: --workers/);
});

test('a fully cached check loads cli.js alone; a changed file needs dist/analyzer.js', () => {
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
