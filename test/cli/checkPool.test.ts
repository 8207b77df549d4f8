// `check --jobs N` (server/src/cli/checkPool.ts, checkQueue.ts, checkWorker.ts): real worker
// threads, from the sources (tsx) and from the built bundle. Whatever N, whichever thread
// answers first, and when workers die, the output is byte for byte the one of --jobs 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD_C, cli } from './helpers';

const ROOT = join(__dirname, '..', '..');
const made: string[] = [];
test.after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** The bundled examples ten times over (60 files with call sites in five languages) and files that open nothing. */
function tree(): string {
  const d = tmp('prl-pool-');
  for (let i = 0; i < 10; i++) cpSync(join(ROOT, 'examples'), join(d, `copy${i}`), { recursive: true });
  writeFileSync(join(d, 'bad.c'), BAD_C);
  writeFileSync(join(d, 'plain.c'), 'int main(void) { return 0; }\n');
  writeFileSync(join(d, 'blob.c'), Buffer.from([0x73, 0, 0x6f]));
  return d;
}

const trace = (err: string) => /check: (\d+) files analysed on (\d+) thread\(s\): (\d+) on workers, (\d+) on the main thread/.exec(err);

test('from the sources: --jobs 3 prints what --jobs 1 prints (text, json, sarif), and the workers did analyse', () => {
  const d = tree();
  const env = { ...process.env, PRL_CHECK_TRACE: '1' };
  for (const format of ['text', 'json', 'sarif']) {
    const one = cli(['check', '--format', format, '--list', '--jobs', '1', '.'], d, 120_000, env);
    const three = cli(['check', '--format', format, '--list', '--jobs', '3', '.'], d, 120_000, env);
    assert.ok(one.out.length > 1000, one.err);
    assert.equal(three.out, one.out, format);
    assert.equal(three.code, one.code);
    const t1 = trace(one.err);
    const t3 = trace(three.err);
    assert.ok(t1 && t3, `${one.err}\n${three.err}`);
    assert.equal(t1[2], '1', 'one thread with --jobs 1');
    assert.equal(t3[1], t1[1], 'the same files analysed');
    assert.equal(t3[2], '3');
    if (format === 'json') assert.ok(Number(t3[3]) > 0, `workers analysed some files: ${three.err}`);
  }
});

test('below 16 files to analyse no worker starts', () => {
  const d = tmp('prl-pool-few-');
  cpSync(join(ROOT, 'examples'), d, { recursive: true });
  const r = cli(['check', '--format', 'json', '--jobs', '4', '.'], d, 60_000, { ...process.env, PRL_CHECK_TRACE: '1' });
  const t = trace(r.err);
  assert.ok(t, r.err);
  assert.equal(t[2], '1');
  assert.equal(t[3], '0');
});

test('workers that die hand their files back: same output, and the main thread analysed them', () => {
  const d = tree();
  const one = cli(['check', '--format', 'json', '--jobs', '1', '.'], d, 120_000);
  const env = { ...process.env, PRL_CHECK_TRACE: '1', PRL_TEST_WORKER_EXIT_AFTER: '2' };
  const crashed = cli(['check', '--format', 'json', '--jobs', '3', '.'], d, 120_000, env);
  assert.equal(crashed.out, one.out);
  assert.equal(crashed.code, one.code);
  const t = trace(crashed.err);
  assert.ok(t, crashed.err);
  assert.ok(Number(t[3]) <= 4, `each of the 2 workers answered at most 2 files: ${crashed.err}`);
  assert.equal(Number(t[3]) + Number(t[4]), Number(t[1]));
});

test('the built bundle runs itself as the worker: --jobs 2 prints what --jobs 1 prints', () => {
  const bundle = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(bundle)) assert.fail('dist/cli.js missing: npm test builds it first');
  const d = tree();
  const run = (jobs: string) => spawnSync(process.execPath, [bundle, 'check', '--format', 'json', '--jobs', jobs, '.'],
    { cwd: d, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, PRL_CHECK_TRACE: '1' }, timeout: 120_000 });
  const one = run('1');
  const two = run('2');
  assert.ok(JSON.parse(one.stdout).callSites.length >= 60, one.stderr);
  assert.equal(two.stdout, one.stdout);
  assert.equal(two.status, one.status);
  assert.ok(trace(two.stderr), two.stderr);
  assert.equal(trace(two.stderr)![2], '2');
});

test('a worker that cannot load the parser stops the run with the same message and exit 2 as the main thread', () => {
  // A copy of the bundles alone (the CLI and the analyzer it loads): no grammar beside them,
  // no node_modules above them.
  const lone = tmp('prl-pool-lone-');
  for (const f of ['cli.js', 'analyzer.js']) copyFileSync(join(ROOT, 'dist', f), join(lone, f));
  const d = tree();
  for (const jobs of ['1', '2']) {
    const r = spawnSync(process.execPath, [join(lone, 'cli.js'), 'check', '--jobs', jobs, '.'], { cwd: d, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, `--jobs ${jobs}: ${r.stderr}`);
    assert.match(r.stderr, /cannot load the parser/, `--jobs ${jobs}`);
  }
});

test('--jobs takes a number from 1 to 8', () => {
  const d = tmp('prl-pool-args-');
  mkdirSync(join(d, 'src'));
  for (const bad of ['0', '9', 'two', '-1']) {
    const r = cli(['check', '--jobs', bad, 'src'], d);
    assert.equal(r.code, 2, bad);
    assert.match(r.err, /--jobs/, bad);
  }
});

test('--jobs defaults to one thread per CPU from 4 CPUs on (at most 8), else 1', async () => {
  const { defaultJobs } = await import('../../server/src/cli/checkPool');
  assert.deepEqual([1, 2, 3, 4, 6, 8, 64].map((n) => defaultJobs(n)), [1, 1, 1, 4, 6, 8, 8]);
});
