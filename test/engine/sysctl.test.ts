// Spec §3: netns sysctl write rules and the /proc list syntax of ip_local_reserved_ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import {
  canonicalReservedPorts, parseReservedPorts, writeIpLocalReservedPorts, ReservedPorts, readNetnsFromProc, resolveNetns, writeIpAutobindReuse, writeIpLocalPortRange,
  writeIpUnprivilegedPortStart, writeTcpTwReuse, writeTcpTwReuseDelay, SysctlError,
} from '../../engine/src/sysctl';
import { kernelProfile } from '../../engine/src/kernels';

const ok = <T>(r: { ok: boolean; value?: T }) => { assert.equal(r.ok, true, JSON.stringify(r)); return r.value as T; };
const einval = (r: { ok: boolean; errno?: string }) => { assert.equal(r.ok, false); assert.equal(r.errno, 'EINVAL'); };

test('ip_local_port_range: two whitespace-separated ints (§3.1)', () => {
  assert.deepEqual(ok(writeIpLocalPortRange('32768 60999')), { lo: 32768, hi: 60999 });
  assert.deepEqual(ok(writeIpLocalPortRange('40000\t40999\n')), { lo: 40000, hi: 40999 });
  assert.deepEqual(ok(writeIpLocalPortRange('  40000   40999  ')), { lo: 40000, hi: 40999 });
  assert.deepEqual(ok(writeIpLocalPortRange('40000 40000')), { lo: 40000, hi: 40000 }, 'equality allowed');
  assert.deepEqual(ok(writeIpLocalPortRange('32768 60999 5')), { lo: 32768, hi: 60999 }, 'extra numbers ignored');
  // checked on 6.18 in a private netns: a single number replaces lo only
  assert.deepEqual(ok(writeIpLocalPortRange('40500', 1024, { lo: 40000, hi: 40999 })), { lo: 40500, hi: 40999 });
  assert.deepEqual(ok(writeIpLocalPortRange('', 1024, { lo: 40000, hi: 40999 })), { lo: 40000, hi: 40999 }, 'zero-length write');
  // C number prefixes: hex and octal
  assert.deepEqual(ok(writeIpLocalPortRange('0x9c40 0x9e3f')), { lo: 40000, hi: 40511 });
  assert.deepEqual(ok(writeIpLocalPortRange('040000 40999')), { lo: 16384, hi: 40999 });
});

test('ip_local_port_range: EINVAL cases (§3.1, V20)', () => {
  einval(writeIpLocalPortRange('41500', 1024, { lo: 40000, hi: 40999 })); // single number: lo only, then lo > hi
  einval(writeIpLocalPortRange('40999 40000')); // hi < lo
  einval(writeIpLocalPortRange('0 100'));
  einval(writeIpLocalPortRange('40000 65536'));
  einval(writeIpLocalPortRange('-1 100'));
  einval(writeIpLocalPortRange('abc def'));
  einval(writeIpLocalPortRange('40000,40999'));
  einval(writeIpLocalPortRange('\n'));
  einval(writeIpLocalPortRange('  '));
  einval(writeIpLocalPortRange('+40000 40999'));
  einval(writeIpLocalPortRange('40000  40999x'));
  einval(writeIpLocalPortRange('1000 2000')); // below ip_unprivileged_port_start 1024
  assert.deepEqual(ok(writeIpLocalPortRange('1024 2000')), { lo: 1024, hi: 2000 });
  assert.deepEqual(ok(writeIpLocalPortRange('1000 2000', 1000)), { lo: 1000, hi: 2000 });
});

test('ip_local_port_range: same parity succeeds with the one-time warning', () => {
  const r = writeIpLocalPortRange('40000 40010');
  assert.ok(r.ok && r.warning === 'ip_local_port_range: prefer different parity for start/end values.');
  const r2 = writeIpLocalPortRange('40000 40009');
  assert.ok(r2.ok && r2.warning === undefined);
});

test('ip_unprivileged_port_start: not above the range lo (§3.2)', () => {
  assert.equal(ok(writeIpUnprivilegedPortStart('40000', { lo: 40000, hi: 40999 })), 40000);
  einval(writeIpUnprivilegedPortStart('40001', { lo: 40000, hi: 40999 }));
  einval(writeIpUnprivilegedPortStart('65536'));
  einval(writeIpUnprivilegedPortStart('-1'));
});

test('ip_autobind_reuse, tcp_tw_reuse, tcp_tw_reuse_delay (§3.4, §3.5)', () => {
  assert.equal(ok(writeIpAutobindReuse('1')), 1);
  einval(writeIpAutobindReuse('2'));
  einval(writeIpAutobindReuse('-1'));
  assert.equal(ok(writeTcpTwReuse('2')), 2);
  einval(writeTcpTwReuse('3'));
  assert.equal(ok(writeTcpTwReuseDelay('100', kernelProfile('6.18'))), 100);
  einval(writeTcpTwReuseDelay('0', kernelProfile('6.18')));
  einval(writeTcpTwReuseDelay('60001', kernelProfile('6.18')));
  const r = writeTcpTwReuseDelay('100', kernelProfile('6.8'));
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.errno, 'ENOENT');
});

test('ip_local_reserved_ports: canonical read-back is sorted and merged (§3.3)', () => {
  assert.equal(canonicalReservedPorts('40005,40001-40002,40003'), '40001-40003,40005');
  assert.equal(canonicalReservedPorts('40000-40004,40007'), '40000-40004,40007');
  assert.equal(canonicalReservedPorts('7,5,6,1'), '1,5-7');
  assert.equal(canonicalReservedPorts('\n'), '');
  assert.equal(canonicalReservedPorts(''), '');
  assert.equal(canonicalReservedPorts('0,65535'), '0,65535');
  assert.equal(canonicalReservedPorts('40000-40000'), '40000');
  assert.equal(canonicalReservedPorts('40001\n'), '40001');
  assert.equal(canonicalReservedPorts('5\n\n6'), '5-6');
  assert.equal(canonicalReservedPorts('0x9c40'), '40000');
  assert.equal(canonicalReservedPorts('010'), '8');
  assert.equal(canonicalReservedPorts('40000,'), '40000');
});

test('ip_local_reserved_ports: EINVAL rules (§3.3)', () => {
  einval(parseReservedPorts('40005, 40001'));
  einval(parseReservedPorts('65536'));
  einval(parseReservedPorts('40010-40000'));
  einval(parseReservedPorts('1,,2'));
  einval(parseReservedPorts('40000-'));
  einval(parseReservedPorts('-5'));
  einval(parseReservedPorts('abc'));
  einval(parseReservedPorts(' 5'));
  einval(parseReservedPorts('5 '));
  einval(parseReservedPorts('5-6-7'));
  const bm = parseReservedPorts('40000-40004,40007');
  assert.ok(bm.ok);
  if (bm.ok) {
    assert.equal(bm.value.count(), 6);
    assert.equal(bm.value.has(40004), true);
    assert.equal(bm.value.has(40005), false);
  }
});

test('resolveNetns validates with clear errors', () => {
  const ns = resolveNetns({ portRange: { lo: 40000, hi: 40009 }, reservedPorts: '40001,40000' });
  assert.deepEqual(ns.portRange, { lo: 40000, hi: 40009 });
  assert.equal(ns.reserved.toString(), '40000-40001');
  assert.throws(() => resolveNetns({ portRange: { lo: 40009, hi: 40000 } }), SysctlError);
  assert.throws(() => resolveNetns({ reservedPorts: '1, 2' }), /ip_local_reserved_ports/);
  assert.throws(() => resolveNetns({ udpHashSize: 1000 }), /power of two/);
  assert.throws(() => resolveNetns({ tcpTwReuse: 3 as 2 }), /tcpTwReuse/);
});

test('readNetnsFromProc reads this machine (Linux only)', (t) => {
  if (process.platform !== 'linux' || !existsSync('/proc/sys/net/ipv4/ip_local_port_range')) {
    t.skip('no /proc/sys/net/ipv4 here');
    return;
  }
  const cfg = readNetnsFromProc();
  assert.ok(cfg.portRange && cfg.portRange.lo >= 1 && cfg.portRange.lo <= cfg.portRange.hi);
  assert.equal(typeof cfg.reservedPorts, 'string');
  resolveNetns(cfg); // must be a valid config
});

test('readNetnsFromProc with an injected reader parses /proc formats', () => {
  const files: Record<string, string> = {
    '/x/ip_local_port_range': '40000\t40999\n',
    '/x/ip_local_reserved_ports': '40001-40003,40005\n',
    '/x/ip_unprivileged_port_start': '1024\n',
    '/x/ip_autobind_reuse': '1\n',
    '/x/tcp_tw_reuse': '2\n',
  };
  const cfg = readNetnsFromProc('/x', (p) => {
    if (!(p in files)) throw new Error('ENOENT');
    return files[p];
  });
  assert.deepEqual(cfg, { portRange: { lo: 40000, hi: 40999 }, reservedPorts: '40001-40003,40005', ipUnprivilegedPortStart: 1024, ipAutobindReuse: 1, tcpTwReuse: 2 });
  assert.throws(() => readNetnsFromProc('/nope', () => { throw new Error('ENOENT'); }), /cannot read/);
});

test('ip_local_reserved_ports: a zero-length write changes nothing', () => {
  const cur = new ReservedPorts();
  cur.addRange(5, 5);
  const r = writeIpLocalReservedPorts('', cur);
  assert.ok(r.ok && r.value.toString() === '5');
  const c = writeIpLocalReservedPorts('\n', cur);
  assert.ok(c.ok && c.value.toString() === '');
});

test('ReservedPorts.spans: the merged runs of any set, word boundaries and both ends included', () => {
  const port = fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(0, 31, 32, 63, 64, 65503, 65504, 65535));
  fc.assert(fc.property(fc.array(fc.tuple(port, fc.integer({ min: 0, max: 70 })), { maxLength: 12 }), (ranges) => {
    const r = new ReservedPorts();
    for (const [a, n] of ranges) r.addRange(a, Math.min(65535, a + n));
    const naive: { lo: number; hi: number }[] = [];
    for (let p = 0; p < 65536; p++) {
      if (!r.has(p)) continue;
      const last = naive[naive.length - 1];
      if (last && last.hi === p - 1) last.hi = p;
      else naive.push({ lo: p, hi: p });
    }
    assert.deepEqual(r.spans(), naive);
  }), { numRuns: 300 });
});
