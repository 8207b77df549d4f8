// Spec §6.1 (ip_local_port_range.c) and §6.2 (tcp_port_share.c, 6.18) as test vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../engine/src/scenario';
import type { Family, Op, Proto } from '../../engine/src/scenarioTypes';
import { getsockoptBytes, packRange, validateSetsockopt, unpackRange } from '../../engine/src/uapi';
import { kernelProfile } from '../../engine/src/kernels';

const NETNS = { portRange: { lo: 40000, hi: 49999 } };
const VARIANTS: [Family, Proto][] = [[4, 'tcp'], [4, 'udp'], [4, 'sctp'], [6, 'tcp'], [6, 'udp'], [6, 'sctp'], [4, 'mptcp'], [6, 'mptcp']];
const lb = (f: Family) => (f === 6 ? '::1' : '127.0.0.1');

test('§6.1 invalid_option_value: optlen 2, lo > hi, optlen 8 -> EINVAL', () => {
  const k = kernelProfile('6.18');
  assert.equal((validateSetsockopt(k, { level: 0, optname: 51, optlen: 2, value: 40000 }) as { errno: string }).errno, 'EINVAL');
  assert.equal((validateSetsockopt(k, { level: 0, optname: 51, optlen: 4, value: packRange(40222, 40111) }) as { errno: string }).errno, 'EINVAL');
  assert.equal((validateSetsockopt(k, { level: 0, optname: 51, optlen: 8, value: packRange(40333, 40444) }) as { errno: string }).errno, 'EINVAL');
  // the same through the scenario API
  const r = runScenario({ ops: [
    { op: 'socket', sock: 1, proto: 'tcp' },
    { op: 'setsockopt', sock: 1, name: 'IP_LOCAL_PORT_RANGE', lo: 40000, hi: 0, optlen: 2 },
    { op: 'setsockopt', sock: 1, name: 'IP_LOCAL_PORT_RANGE', lo: 40222, hi: 40111 },
    { op: 'setsockopt', sock: 1, name: 'IP_LOCAL_PORT_RANGE', lo: 40333, hi: 40444, optlen: 8 },
  ] });
  assert.deepEqual(r.results.slice(1).map((x) => x.errno), ['EINVAL', 'EINVAL', 'EINVAL']);
});

for (const [fam, proto] of VARIANTS) {
  const v = `ip${fam}_${proto}`;
  test(`§6.1 ${v}: port_range_out_of_netns_range`, () => {
    for (const [lo, hi] of [[30000, 39999], [50000, 59999]]) {
      const ops: Op[] = [];
      for (const s of [1, 2]) ops.push({ op: 'socket', sock: s, proto, family: fam }, { op: 'setsockopt', sock: s, name: 'IP_LOCAL_PORT_RANGE', lo, hi }, { op: 'bind', sock: s, addr: lb(fam), port: 0 });
      const r = runScenario({ netns: NETNS, ops, seed: lo });
      for (const x of r.results) assert.equal(x.errno, null);
      for (const x of [r.results[2], r.results[5]]) assert.ok(x.port! >= 40000 && x.port! <= 49999, String(x.port));
    }
  });
  test(`§6.1 ${v}: single_port_range`, () => {
    for (const [lo, hi, want] of [[45000, 45000, 45000], [0, 40000, 40000], [49999, 0, 49999]]) {
      const r = runScenario({ netns: NETNS, ops: [
        { op: 'socket', sock: 1, proto, family: fam }, { op: 'setsockopt', sock: 1, name: 'IP_LOCAL_PORT_RANGE', lo, hi }, { op: 'bind', sock: 1, addr: lb(fam), port: 0 },
      ] });
      assert.equal(r.results[2].port, want);
    }
  });
  test(`§6.1 ${v}: exhaust_8_port_range`, () => {
    const ops: Op[] = [];
    for (let s = 0; s < 9; s++) ops.push({ op: 'socket', sock: s, proto, family: fam }, { op: 'setsockopt', sock: s, name: 'IP_LOCAL_PORT_RANGE', lo: 40000, hi: 40007 }, { op: 'bind', sock: s, addr: lb(fam), port: 0 });
    const r = runScenario({ netns: NETNS, ops, seed: 9 });
    const binds = r.results.filter((x) => x.op === 'bind');
    let mask = 0;
    for (const b of binds.slice(0, 8)) mask |= 1 << (b.port! - 40000);
    assert.equal(mask, 0xff);
    assert.equal(binds[8].errno, 'EADDRINUSE');
  });
  test(`§6.1 ${v}: late_bind (protocol 0 socket: TCP for stream, UDP for dgram)`, () => {
    const p: Proto = proto === 'udp' ? 'udp' : 'tcp';
    const r = runScenario({ netns: NETNS, ops: [
      { op: 'socket', sock: 1, proto: p, family: fam },
      { op: 'setsockopt', sock: 1, name: 'IP_LOCAL_PORT_RANGE', lo: 40100, hi: 40199 },
      { op: 'setsockopt', sock: 1, name: 'IP_BIND_ADDRESS_NO_PORT', value: true },
      { op: 'bind', sock: 1, addr: lb(fam), port: 0 },
      { op: 'connect', sock: 1, addr: fam === 6 ? '::' : '0.0.0.0', port: 0 },
    ] });
    assert.equal(r.results[3].errno, null);
    assert.equal(r.results[3].port, null, 'getsockname port 0 before connect');
    assert.ok(r.results[4].port! >= 40100 && r.results[4].port! <= 40199);
  });
}

test('§6.1 get_port_range: raw value read back, (0,0) clears', () => {
  const k = kernelProfile('6.18');
  const set = validateSetsockopt(k, { level: 0, optname: 51, optlen: 4, value: packRange(12345, 54321) });
  assert.ok(set.ok);
  if (set.ok) {
    assert.deepEqual(unpackRange(set.stored), { lo: 12345, hi: 54321 });
    const g = getsockoptBytes(set.stored, 4);
    assert.ok(g.ok && g.optlen === 4);
  }
  const clr = validateSetsockopt(k, { level: 0, optname: 51, optlen: 4, value: 0 });
  assert.ok(clr.ok && clr.stored === 0);
});

// §6.2 tcp_port_share.c: ip_local_port_range "40000 40000"
const SHARE = { portRange: { lo: 40000, hi: 40000 } };
const ADDR = {
  4: { dst: '127.0.0.1', src1: '127.1.1.1', src2: '127.2.2.2', blocker: '127.3.3.3' },
  6: { dst: '::1', src1: '2001:db8::1', src2: '2001:db8::2', blocker: '2001:db8::3' },
};
const client = (sock: number, fam: Family, src: string): Op[] => [
  { op: 'socket', sock, proto: 'tcp', family: fam },
  { op: 'setsockopt', sock, name: 'IP_BIND_ADDRESS_NO_PORT', value: true },
  { op: 'bind', sock, addr: src, port: 0 },
];

for (const fam of [4, 6] as Family[]) {
  const a = ADDR[fam];
  const canReuse = (kernel: string) => runScenario({ kernel, netns: SHARE, ops: [
    { op: 'socket', sock: 1, proto: 'tcp', family: fam }, { op: 'setsockopt', sock: 1, name: 'SO_REUSEADDR', value: true },
    { op: 'bind', sock: 1, addr: a.dst, port: 30000 }, { op: 'listen', sock: 1 }, // 0-3
    ...client(2, fam, a.src1), { op: 'connect', sock: 2, addr: a.dst, port: 30000 }, // 4-7
    { op: 'socket', sock: 3, proto: 'tcp', family: fam }, { op: 'setsockopt', sock: 3, name: 'SO_REUSEADDR', value: true },
    { op: 'bind', sock: 3, addr: a.blocker, port: 40000 }, // 8-10
    ...client(4, fam, a.src2), { op: 'connect', sock: 4, addr: a.dst, port: 30000 }, // 11-14
    { op: 'close', sock: 3 }, // 15
    { op: 'connect', sock: 4, addr: a.dst, port: 30000 }, // 16
  ] }).results;

  test(`§6.2 IPv${fam} can_reuse_port_after_bind_and_close (6.18, V17)`, () => {
    const r = canReuse('6.18');
    assert.equal(r[7].port, 40000);
    assert.equal(r[10].errno, null);
    assert.equal(r[14].errno, 'EADDRNOTAVAIL');
    assert.equal(r[16].errno, null);
    assert.equal(r[16].port, 40000);
  });

  test(`§6.2 IPv${fam} before 6.18 the explicit-bind state is sticky`, () => {
    const r = canReuse('6.8');
    assert.equal(r[14].errno, 'EADDRNOTAVAIL');
    assert.equal(r[16].errno, 'EADDRNOTAVAIL');
  });

  test(`§6.2 IPv${fam} port_block_after_disconnect (V18)`, () => {
    const r = runScenario({ netns: SHARE, ops: [
      { op: 'socket', sock: 1, proto: 'tcp', family: fam }, { op: 'setsockopt', sock: 1, name: 'SO_REUSEADDR', value: true },
      { op: 'bind', sock: 1, addr: a.dst, port: 30000 }, { op: 'listen', sock: 1 },
      ...client(2, fam, a.src1), { op: 'connect', sock: 2, addr: a.dst, port: 30000 }, // 7
      { op: 'disconnect', sock: 2 }, { op: 'setsockopt', sock: 2, name: 'SO_REUSEADDR', value: true },
      { op: 'bind', sock: 2, addr: a.blocker, port: 40000 }, // 10
      { op: 'socket', sock: 3, proto: 'tcp', family: fam }, { op: 'setsockopt', sock: 3, name: 'SO_REUSEADDR', value: true },
      { op: 'bind', sock: 3, addr: a.blocker, port: 40000 }, { op: 'close', sock: 3 }, // 13, 14
      ...client(4, fam, a.src2), { op: 'connect', sock: 4, addr: a.dst, port: 30000 }, // 18
    ] }).results;
    assert.equal(r[7].port, 40000);
    assert.equal(r[10].errno, null, JSON.stringify(r[10]));
    assert.equal(r[13].errno, null);
    assert.equal(r[18].errno, 'EADDRNOTAVAIL');
  });
}

test('§6.3 on 6.18: share_port_with_listening_socket fails, no_ip_conflict_with_unique_dst passes', () => {
  const one = { portRange: { lo: 40000, hi: 40000 } };
  const r1 = runScenario({ netns: one, ops: [
    { op: 'socket', sock: 1, proto: 'tcp' }, { op: 'bind', sock: 1, addr: '127.0.0.1', port: 40000 }, { op: 'listen', sock: 1 },
    { op: 'socket', sock: 2, proto: 'tcp' }, { op: 'setsockopt', sock: 2, name: 'IP_LOCAL_PORT_RANGE', lo: 40000, hi: 40000 },
    { op: 'setsockopt', sock: 2, name: 'IP_BIND_ADDRESS_NO_PORT', value: true }, { op: 'bind', sock: 2, addr: '127.0.0.2', port: 0 },
    { op: 'connect', sock: 2, addr: '127.0.0.1', port: 40000 },
  ] }).results;
  assert.equal(r1[7].errno, 'EADDRNOTAVAIL');
  const r2 = runScenario({ netns: one, ops: [
    { op: 'socket', sock: 1, proto: 'tcp' }, { op: 'setsockopt', sock: 1, name: 'IP_BIND_ADDRESS_NO_PORT', value: true },
    { op: 'bind', sock: 1, addr: '127.0.0.1', port: 0 }, { op: 'connect', sock: 1, addr: '127.0.0.2', port: 30000 },
    { op: 'socket', sock: 2, proto: 'tcp' }, { op: 'setsockopt', sock: 2, name: 'IP_BIND_ADDRESS_NO_PORT', value: true },
    { op: 'bind', sock: 2, addr: '127.0.0.1', port: 0 }, { op: 'connect', sock: 2, addr: '127.0.0.3', port: 30000 },
  ] }).results;
  assert.equal(r2[3].port, 40000);
  assert.equal(r2[7].port, 40000);
});

test('disconnect reports the port after the operation (released unless bind() named it)', () => {
  const r = runScenario({ ops: [
    { op: 'socket', sock: 1, proto: 'tcp' }, { op: 'connect', sock: 1, addr: '127.0.0.1', port: 5000 }, { op: 'disconnect', sock: 1 },
    { op: 'socket', sock: 2, proto: 'tcp' }, { op: 'bind', sock: 2, addr: '127.0.0.1', port: 41000 },
    { op: 'connect', sock: 2, addr: '127.0.0.1', port: 5000 }, { op: 'disconnect', sock: 2 },
  ] }).results;
  assert.equal(r[2].port, null);
  assert.equal(r[6].port, 41000);
});

test('6.18 bucket reset also when the remaining owner is a connect-bound TIME-WAIT entry (checked on 6.18 here)', () => {
  const ops: Op[] = [
    { op: 'socket', sock: 1, proto: 'tcp' }, { op: 'connect', sock: 1, addr: '127.0.0.1', port: 30000 }, { op: 'close', sock: 1 },
    { op: 'socket', sock: 2, proto: 'tcp' }, { op: 'setsockopt', sock: 2, name: 'SO_REUSEADDR', value: true },
    { op: 'bind', sock: 2, addr: '127.3.3.3', port: 40000 },
    { op: 'socket', sock: 3, proto: 'tcp' }, { op: 'connect', sock: 3, addr: '127.0.0.1', port: 30001 },
    { op: 'close', sock: 2 },
    { op: 'socket', sock: 4, proto: 'tcp' }, { op: 'connect', sock: 4, addr: '127.0.0.1', port: 30001 },
  ];
  const pick = (kernel: string) => runScenario({ kernel, netns: SHARE, ops }).results.filter((x) => x.op === 'connect' || x.op === 'bind').map((x) => x.port ?? x.errno);
  assert.deepEqual(pick('6.18'), [40000, 40000, 'EADDRNOTAVAIL', 40000]);
  assert.deepEqual(pick('6.8'), [40000, 40000, 'EADDRNOTAVAIL', 'EADDRNOTAVAIL']);
});
