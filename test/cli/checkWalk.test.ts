// `check` on trees that used to hang or repeat (symbolic links), and the agreement of the
// exit code with JSON `failed` for every kind of outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD_C, cli } from './helpers';

function tree(): string {
  const d = mkdtempSync(join(tmpdir(), 'prl-cw-'));
  mkdirSync(join(d, 'a'));
  writeFileSync(join(d, 'a', 'x.c'), BAD_C);
  return d;
}

test('two symbolic links to "." and a link cycle: check finishes and reports each call once', () => {
  const d = tree();
  symlinkSync('.', join(d, 'a', 'l1'));
  symlinkSync('.', join(d, 'a', 'l2'));
  symlinkSync('..', join(d, 'a', 'up'));
  symlinkSync('nowhere.c', join(d, 'gone.c'));
  const r = cli(['check', '--format', 'json', '.'], d, 20_000);
  assert.equal(r.signal, null, 'check did not finish');
  const j = JSON.parse(r.out);
  assert.equal(j.callSites.length, 1);
  assert.equal(j.callSites[0].file, 'a/x.c');
  // The dangling link is a note, not a failure: exit 1 comes from the bad-optlen error only.
  assert.deepEqual(j.summary.notes.map((n: { id: string; kind: string; file: string }) => [n.id, n.kind, n.file]), [['dangling-link', 'skipped', 'gone.c']]);
  assert.deepEqual(j.summary.errors, []);
  assert.equal(r.code, 1);
  assert.equal(j.summary.failed, true);
  assert.equal(check0(d), 0);
});

function check0(d: string): number | null {
  return cli(['check', '--fail-on', 'never', '.'], d).code;
}

test('JSON failed and exitCode agree with the exit status: I/O error, limit, findings, clean', () => {
  const d = tree();
  writeFileSync(join(d, 'big.c'), Buffer.alloc(5 * 1024 * 1024 + 10, 0x20));
  writeFileSync(join(d, 'ok.py'), 'x = 1\n');
  const cases: [string[], number][] = [
    [['/nonexistent/path.c'], 2],
    [['--fail-on', 'never', '/nonexistent/path.c'], 2],
    [['big.c'], 1],
    [['--fail-on', 'never', 'big.c'], 0],
    [['a'], 1],
    [['ok.py'], 0],
  ];
  for (const [args, code] of cases) {
    const r = cli(['check', '--format', 'json', ...args], d);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
    const j = JSON.parse(r.out);
    assert.equal(j.summary.failed, code !== 0, args.join(' '));
    assert.equal(j.summary.exitCode, code, args.join(' '));
  }
  const big = JSON.parse(cli(['check', '--format', 'json', 'big.c'], d).out);
  assert.equal(big.summary.truncated, true);
  assert.equal(big.summary.notes[0].id, 'file-too-large');
  assert.equal(big.summary.notes[0].kind, 'limit');
  const text = cli(['check', 'big.c'], d);
  assert.match(text.out, /big\.c: note: larger than 5 MB .*not analysed/);
  assert.match(text.out, /^incomplete: 1 file hit a limit/m);
});

test('usage errors with --format json print one JSON error object on stdout, exit 2', () => {
  for (const args of [
    ['check', '--format', 'json', '--bogus'],
    ['check', '--format=json', '--netns-range', '5-1', '.'],
    ['simulate', '--format', 'json', '--range', '9-1'],
    ['frobnicate', '--format', 'json'],
  ]) {
    const r = cli(args);
    assert.equal(r.code, 2, args.join(' '));
    const j = JSON.parse(r.out);
    assert.equal(j.failed, true);
    assert.equal(j.exitCode, 2);
    assert.equal(j.error.kind, 'usage');
    assert.ok(j.error.message.length > 0);
    assert.ok(r.err.length > 0);
  }
  // Text mode keeps stdout clean.
  assert.equal(cli(['check', '--bogus']).out, '');
});

test('--help and --version for the program and every subcommand', () => {
  const { version } = require('../../package.json') as { version: string };
  for (const sub of [[], ['check'], ['simulate']]) {
    const v = cli([...sub, '--version']);
    assert.equal(v.code, 0);
    assert.equal(v.out, `${version}\n`);
    assert.equal(cli([...sub, '-V']).out, `${version}\n`);
    const h = cli([...sub, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, new RegExp(`^usage: port-range-lens ${sub[0] ?? '<command>'}`));
    assert.match(h.out, /--version/);
    assert.equal(cli([...sub, '-h']).out, h.out);
  }
  // help after other flags, and `help check`
  assert.match(cli(['check', '--format', 'json', '--help']).out, /^usage: port-range-lens check/);
  assert.match(cli(['help', 'simulate']).out, /^usage: port-range-lens simulate/);
});
