// The one configuration home (server/src/config/): one parser per setting, one resolver with problems attached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, countReserved, resolveConfig, resolveConfigSafe, resolveForFile, resolveWithProblems } from '../../server/src/config/resolve';
import { parseNetnsRange, parseNetnsRangeSetting, parseReservedSetting, SettingError } from '../../server/src/config/parsers';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import { readNetnsFromProc } from '../../engine/src/sysctl';

function procTree(range: string, reserved = ''): string {
  const proc = mkdtempSync(join(tmpdir(), 'prl-proc-'));
  mkdirSync(join(proc, 'sys/net/ipv4'), { recursive: true });
  writeFileSync(join(proc, 'sys/net/ipv4/ip_local_port_range'), range);
  writeFileSync(join(proc, 'sys/net/ipv4/ip_local_reserved_ports'), reserved);
  return proc;
}

test('netns range: one parser with the kernel write rules (ipv4_local_port_range), LO-HI and the /proc form', () => {
  assert.deepEqual(parseNetnsRange('32768-60999'), { lo: 32768, hi: 60999 });
  assert.deepEqual(parseNetnsRange('40000\t40009\n'), { lo: 40000, hi: 40009 });
  assert.deepEqual(parseNetnsRange('40000 40000'), { lo: 40000, hi: 40000 });
  // the kernel reads C numbers in /proc: hex and octal bounds
  assert.deepEqual(parseNetnsRange('0x9c40-0x9e3f'), { lo: 40000, hi: 40511 });
  for (const bad of ['', '40000', '5-1', '0-100', '40000-65536', 'a-b', '-1-100', '500-600']) {
    assert.throws(() => parseNetnsRange(bad), SettingError, bad);
  }
  assert.throws(() => parseNetnsRange('500-600'), /ip_unprivileged_port_start/);
  assert.equal(parseNetnsRangeSetting(' 40000 - 49999 '), '40000-49999');
  assert.equal(parseNetnsRangeSetting('auto'), 'auto');
  // the engine's /proc reader uses the same rules
  assert.deepEqual(readNetnsFromProc(join(procTree('0x9c40 40511\n'), 'sys/net/ipv4')).portRange, { lo: 40000, hi: 40511 });
  assert.throws(() => readNetnsFromProc(join(procTree('40000\n'), 'sys/net/ipv4')), /unexpected ip_local_port_range/);
});

test('reserved ports: /proc list syntax via the engine (proc_do_large_bitmap), canonical read-back', () => {
  assert.equal(parseReservedSetting('40005,40001-40002,40003'), '40001-40003,40005');
  assert.equal(parseReservedSetting(''), '');
  assert.throws(() => parseReservedSetting('40005, 40001'), SettingError);
  assert.throws(() => parseReservedSetting('65536'), SettingError);
  const r = resolveConfig({ ...DEFAULT_CONFIG, reservedPorts: '40005,40001-40003' });
  assert.equal(countReserved(r.reserved, 40000, 40009), 4);
});

test('resolveConfig: kernel profile, "auto" from a /proc tree, clear errors naming the setting', () => {
  const r = resolveConfig(DEFAULT_CONFIG);
  assert.deepEqual(r.netns, { lo: 32768, hi: 60999 });
  assert.equal(r.kernel.version, '6.18');
  const proc = procTree('40000\t49999\n', '40000-40004\n');
  const a = resolveConfig({ ...DEFAULT_CONFIG, netnsRange: 'auto', reservedPorts: 'auto' }, { procRoot: proc });
  assert.deepEqual(a.netns, { lo: 40000, hi: 49999 });
  assert.equal(a.netnsSource, 'proc');
  assert.equal(a.reservedText, '40000-40004');
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, netnsRange: 'auto' }, { procRoot: '/nonexistent' }), /cannot read/);
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, kernel: '6' }), ConfigError);
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, smallRangeThreshold: -1 }), /smallRangeThreshold/);
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, severity: { 'no-such-code': 'error' } as never }), /unknown diagnostic code/);
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, severity: { 'small-range': 'loud' } as never }), /not one of/);
});

test('problems are attached per setting: each bad field takes its default, the good ones stay', () => {
  const r = resolveWithProblems({ ...DEFAULT_CONFIG, netnsRange: '9-1', kernel: 'x', reservedPorts: '40000', severity: { 'small-range': 'off', nope: 'error' } as never });
  assert.deepEqual(r.problems.map((p) => [p.setting, p.source]), [['netnsRange', 'settings'], ['kernel', 'settings'], ['severity', 'settings']]);
  assert.deepEqual(r.netns, { lo: 32768, hi: 60999 });
  assert.equal(r.kernel.version, '6.18');
  assert.equal(r.reservedText, '40000');
  assert.deepEqual(r.severity, { 'small-range': 'off' }, 'the good severity entries are kept');
  assert.equal(resolveConfigSafe({ ...DEFAULT_CONFIG, kernel: 'x' }).errors.length, 1);
});

test('a file\'s directives win over the settings; a bad directive is a problem of the file, not applied', () => {
  const text = '// port-range-lens: netns-range 40000-49999\n// port-range-lens: kernel 6.8\n// port-range-lens: reserved 99999\nint x;\n';
  const r = resolveForFile({ ...DEFAULT_CONFIG, reservedPorts: '50000' }, text);
  assert.deepEqual(r.netns, { lo: 40000, hi: 49999 });
  assert.equal(r.netnsSource, 'directive');
  assert.equal(r.kernel.version, '6.8');
  assert.equal(r.reservedText, '50000', 'the bad reserved directive is ignored');
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.source, 'directive');
  assert.equal(r.problems[0]!.line, 2);
  assert.equal(resolveForFile(DEFAULT_CONFIG, text), resolveForFile({ ...DEFAULT_CONFIG }, text), 'cached by content');
});

test('directive line numbers, also for a file that starts with a newline (regression: an endless line count)', async () => {
  const { parseDirectives } = await import('../../server/src/config/directives');
  assert.deepEqual(parseDirectives('\n// port-range-lens: kernel 6.8\n\n/* port-range-lens: reserved 40000 */').map((d) => [d.key, d.line]), [['kernel', 1], ['reservedPorts', 3]]);
  assert.deepEqual(parseDirectives('// port-range-lens: kernel 6.8').map((d) => d.line), [0]);
});

test('every directive counts, however many (no silent cap): the last one of a key wins', async () => {
  const { fileDirectives } = await import('../../server/src/config/directives');
  const text = Array.from({ length: 40 }, (_, i) => `// port-range-lens: kernel 6.${i}`).join('\n');
  assert.equal(fileDirectives(text)?.kernel, '6.39');
});
