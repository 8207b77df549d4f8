import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Runs `check` in a child process (it writes to stdout and returns the exit code).
function check(args: string[], cwd = process.cwd()) {
  const main = join(process.cwd(), 'server/src/cli/check.ts');
  const tsx = pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, '-e',
    `require(${JSON.stringify(main)}).runCheck(process.argv.slice(1)).then((c) => { process.exitCode = c; })`, '--', ...args],
  { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const GOOD = `#include <netinet/in.h>
void f(int fd) { uint32_t v = (40511u << 16) | 40000u; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }
`;
const BAD = `void f(int fd) {
  uint32_t v = (40511u << 16) | 40000u;
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 2);
  uint32_t w = (20999u << 16) | 20000u;
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &w, 4);
}
`;

function tree(): string {
  const d = mkdtempSync(join(tmpdir(), 'prl-check-'));
  writeFileSync(join(d, 'good.c'), GOOD);
  writeFileSync(join(d, 'bad.c'), BAD);
  mkdirSync(join(d, 'node_modules/x'), { recursive: true });
  writeFileSync(join(d, 'node_modules/x/skip.c'), BAD);
  mkdirSync(join(d, '.git'));
  writeFileSync(join(d, '.git/skip.c'), BAD);
  writeFileSync(join(d, 'blob.c'), Buffer.from([0x73, 0x65, 0x74, 0, 1, 2, 3]));
  writeFileSync(join(d, 'huge.c'), Buffer.alloc(5 * 1024 * 1024 + 1, 0x20));
  writeFileSync(join(d, 'notes.txt'), 'setsockopt');
  return d;
}

test('text output: compiler-style lines with the decoded range, exit 1 on errors', () => {
  const d = tree();
  const r = check(['.'], d);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^bad\.c:3:51: error bad-optlen: .*EINVAL.*\[lo=40000 hi=40511\]$/m);
  assert.match(r.out, /^bad\.c:5:47: warning outside-netns-range: .*effective 32768-60999 \(ignored\)\]$/m);
  assert.doesNotMatch(r.out, /node_modules|\.git/);
  assert.match(r.out, /blob\.c: note: binary file: skipped/);
  assert.match(r.out, /huge\.c: note: larger than 5 MB/);
  assert.match(r.out, /3 call sites in 2 files: 1 error, 1 warning/);
});

test('--list adds an ok line per call site without a finding, in line order; json ignores it', () => {
  const d = tree();
  const col = GOOD.split('\n')[1]!.indexOf('setsockopt') + 1;
  const ok = `good.c:2:${col}: ok setsockopt IP_LOCAL_PORT_RANGE: lo=40000 hi=40511 · 512 ports, effective 40000-40511 (socket)`;
  const plain = check(['.'], d);
  const listed = check(['--list', '.'], d);
  assert.equal(listed.code, plain.code, listed.err);
  assert.ok(!plain.out.includes(': ok '), plain.out);
  const lines = listed.out.split('\n');
  assert.ok(lines.includes(ok), listed.out);
  // Exactly the findings of the plain run, plus the ok lines.
  assert.equal(lines.filter((l) => !l.includes(': ok ')).join('\n'), plain.out);
  assert.equal(lines.filter((l) => l.includes(': ok ')).length, 1);

  // Interleaved with the findings of the same file, by line; getsockopt and unknown values.
  const m = mkdtempSync(join(tmpdir(), 'prl-check-'));
  writeFileSync(join(m, 'm.c'), [
    'void f(int fd, uint32_t x) {',
    '  uint32_t v = (40511u << 16) | 40000u;',
    '  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 2);',
    '  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &x, sizeof x);',
    '  socklen_t n = sizeof v;',
    '  getsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, &n);',
    '  uint32_t w = (20999u << 16) | 20000u;',
    '  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &w, 4);',
    '}',
    '',
  ].join('\n'));
  const r = check(['--list', '--fail-on', 'never', 'm.c'], m);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.out.trimEnd().split('\n').map((l) => l.replace(/^(m\.c:\d+:\d+: \S+(?: [a-z-]+:)?).*$/, '$1')), [
    'm.c:3:51: error bad-optlen:',
    'm.c:4:3: ok',
    'm.c:6:3: ok',
    'm.c:8:47: warning outside-netns-range:',
    '4 call sites in 1 file: 1 error, 1 warning, 0 information, 0 hints',
  ]);
  assert.match(r.out, /^m\.c:4:3: ok setsockopt IP_LOCAL_PORT_RANGE: value not statically known$/m);
  assert.match(r.out, /^m\.c:6:3: ok getsockopt IP_LOCAL_PORT_RANGE: reads the raw stored value$/m);

  // json and sarif already carry every call site: --list changes nothing there.
  for (const format of ['json', 'sarif']) {
    assert.equal(check(['--list', '--format', format, '.'], d).out, check(['--format', format, '.'], d).out);
  }
});

test('--fail-on decides the exit status', () => {
  const d = tree();
  assert.equal(check(['good.c'], d).code, 0);
  assert.equal(check(['--fail-on', 'never', '.'], d).code, 0);
  const w = mkdtempSync(join(tmpdir(), 'prl-check-'));
  writeFileSync(join(w, 'w.c'), BAD.split('\n').filter((l) => !l.includes('&v, 2')).join('\n'));
  assert.equal(check(['w.c'], w).code, 0);
  assert.equal(check(['--fail-on=warning', 'w.c'], w).code, 1);
});

test('usage and I/O errors exit 2', () => {
  assert.equal(check(['--format', 'xml']).code, 2);
  assert.equal(check(['--bogus']).code, 2);
  assert.equal(check(['--netns-range', '5-1', 'examples']).code, 2);
  assert.equal(check(['--kernel', 'six']).code, 2);
  const r = check(['/nonexistent/path.c']);
  assert.equal(r.code, 2);
  assert.match(r.err, /no such file/);
  assert.equal(check(['--help']).code, 0);
});

test('--format json prints exactly one object with 1-based positions', () => {
  const d = tree();
  const r = check(['--format', 'json', '--netns-range', '40000-49999', '.'], d);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.equal(j.version, 1);
  assert.deepEqual(Object.keys(j).sort(), ['callSites', 'summary', 'version']);
  const bad = j.callSites.filter((c: { file: string }) => c.file === 'bad.c');
  assert.equal(bad.length, 2);
  const c = bad[0];
  assert.deepEqual(Object.keys(c), ['file', 'line', 'column', 'endLine', 'endColumn', 'language', 'op', 'level', 'optname', 'value', 'effective', 'diagnostics']);
  assert.deepEqual([c.line, c.column, c.language, c.op], [3, 3, 'c', 'set']);
  assert.deepEqual(c.level, { text: 'SOL_IP', value: 0 });
  assert.deepEqual(c.optname, { text: 'IP_LOCAL_PORT_RANGE', value: 51 });
  assert.deepEqual(c.value, { lo: 40000, hi: 40511, packed: 0x9e3f9c40, byteOrder: 'host', optlen: 2 });
  assert.equal(c.effective, null);
  assert.deepEqual(c.diagnostics.map((x: { code: string; line: number }) => [x.code, x.line]), [['bad-optlen', 3]]);
  assert.deepEqual(bad[1].effective, { lo: 40000, hi: 49999, rule: 'ignored' });
  assert.equal(j.summary.callSites, 3);
  assert.equal(j.summary.skipped.length, 2);
});

test('--format sarif is SARIF 2.1.0 with rules, helpUri anchors and fingerprints', () => {
  const d = tree();
  const r = check(['--format', 'sarif', '.'], d);
  assert.equal(r.code, 1);
  const s = JSON.parse(r.out);
  assert.equal(s.version, '2.1.0');
  const run = s.runs[0];
  assert.equal(run.tool.driver.name, 'port-range-lens');
  assert.equal(run.tool.driver.rules.length, 19);
  for (const rule of run.tool.driver.rules) assert.match(rule.helpUri, new RegExp(`docs/diagnostics\\.md#${rule.id}$`));
  assert.equal(run.results.length, 2);
  for (const res of run.results) {
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(res.level));
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'bad.c');
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
    assert.match(res.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{32}:\d+$/);
  }
});

test('a call over a table: text and JSON name each entry', () => {
  const d = mkdtempSync(join(tmpdir(), 'prl-check-'));
  writeFileSync(join(d, 'table.rs'), `const IP_LOCAL_PORT_RANGE: libc::c_int = 51;
const RANGES: [(u16, u16); 2] = [(40000, 40999), (41000, 40999)];
fn apply(fd: i32) {
    for (lo, hi) in RANGES.iter() {
        let v: u32 = ((*hi as u32) << 16) | *lo as u32;
        unsafe { libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const libc::c_void, 4) };
    }
}
`);
  const text = check(['--list', '.'], d);
  assert.match(text.out, /^table\.rs:6:\d+: error empty-range: entry RANGES\[1\] = \(41000, 40999\): lo 41000 > hi 40999: setsockopt fails with EINVAL \[entry RANGES\[1\] = \(41000, 40999\), lo=41000 hi=40999\]$/m);
  assert.match(text.out, /^table\.rs:6:\d+: ok setsockopt IP_LOCAL_PORT_RANGE: entry RANGES\[0\] = \(40000, 40999\): lo=40000 hi=40999 · 1000 ports/m);
  const j = JSON.parse(check(['--format', 'json', '.'], d).out);
  assert.deepEqual(j.callSites.map((c: { value: { entry?: unknown } }) => c.value.entry), [
    { label: 'RANGES[0] = (40000, 40999)', index: 0, count: 2 },
    { label: 'RANGES[1] = (41000, 40999)', index: 1, count: 2 },
  ]);
});
