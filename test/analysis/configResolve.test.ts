import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError, countReserved, formatReservedPorts, parseNetnsRange, parseReservedPorts, resolveConfig, resolveConfigSafe,
} from '../../server/src/configResolve';
import { DEFAULT_CONFIG } from '../../server/src/config';

test('netns range: LO-HI and the /proc "LO\\tHI" form, with the kernel write rules', () => {
  assert.deepEqual(parseNetnsRange('32768-60999'), { lo: 32768, hi: 60999 });
  assert.deepEqual(parseNetnsRange('40000\t40009\n'), { lo: 40000, hi: 40009 });
  assert.deepEqual(parseNetnsRange('40000 40000'), { lo: 40000, hi: 40000 });
  for (const bad of ['', '40000', '5-1', '0-100', '40000-65536', 'a-b', '-1-100']) {
    assert.throws(() => parseNetnsRange(bad), ConfigError, bad);
  }
});

test('reserved ports: /proc list syntax via the engine, canonical read-back', () => {
  const bits = parseReservedPorts('40005,40001-40002,40003');
  assert.equal(formatReservedPorts(bits), '40001-40003,40005');
  assert.equal(countReserved(bits, 40000, 40009), 4);
  assert.equal(formatReservedPorts(parseReservedPorts('')), '');
  assert.throws(() => parseReservedPorts('40005, 40001'), ConfigError);
  assert.throws(() => parseReservedPorts('65536'), ConfigError);
});

test('resolveConfig: kernel profile, "auto" from a /proc tree, clear errors', () => {
  const r = resolveConfig(DEFAULT_CONFIG);
  assert.deepEqual(r.netns, { lo: 32768, hi: 60999 });
  assert.equal(r.kernel.version, '6.18');
  const proc = mkdtempSync(join(tmpdir(), 'prl-proc-'));
  mkdirSync(join(proc, 'sys/net/ipv4'), { recursive: true });
  writeFileSync(join(proc, 'sys/net/ipv4/ip_local_port_range'), '40000\t49999\n');
  writeFileSync(join(proc, 'sys/net/ipv4/ip_local_reserved_ports'), '40000-40004\n');
  const a = resolveConfig({ ...DEFAULT_CONFIG, netnsRange: 'auto', reservedPorts: 'auto' }, { procRoot: proc });
  assert.deepEqual(a.netns, { lo: 40000, hi: 49999 });
  assert.equal(a.netnsSource, 'proc');
  assert.equal(a.reservedText, '40000-40004');
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, netnsRange: 'auto' }, { procRoot: '/nonexistent' }), /cannot read/);
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, kernel: '6' }), /invalid kernel version/);
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, smallRangeThreshold: -1 }), /smallRangeThreshold/);
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, severity: { 'no-such-code': 'error' } as never }), /unknown diagnostic code/);
  assert.throws(() => resolveConfig({ ...DEFAULT_CONFIG, severity: { 'small-range': 'loud' } as never }), /not one of/);
});

test('resolveConfigSafe replaces each bad field by its default and reports it', () => {
  const r = resolveConfigSafe({ ...DEFAULT_CONFIG, netnsRange: '9-1', kernel: 'x', reservedPorts: '40000' });
  assert.equal(r.errors.length, 2);
  assert.deepEqual(r.config.netns, { lo: 32768, hi: 60999 });
  assert.equal(r.config.kernel.version, '6.18');
  assert.equal(r.config.reservedText, '40000');
});
