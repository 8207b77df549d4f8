// Spec §4.3 worked examples: the set of ports handed out before exhaustion, checked with
// UDP bind(0), TCP connect() and TCP bind(0) (netns 40000-40009) [V6, V7].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repeat, sorted, span, untilFailure, listener } from './helpers';
import { inetSkGetLocalPortRange } from '../../engine/src/range';
import { kernelProfile } from '../../engine/src/kernels';
import { packRange } from '../../engine/src/uapi';

const NETNS = { portRange: { lo: 40000, hi: 40009 } };
type Row = { range: [number, number] | null; eff: [number, number]; bindQuirk?: number[] };
const ROWS: Row[] = [
  { range: null, eff: [40000, 40009] },
  { range: [0, 0], eff: [40000, 40009] },
  { range: [40002, 40005], eff: [40002, 40005] },
  { range: [0, 40003], eff: [40000, 40003] },
  { range: [40007, 0], eff: [40007, 40009], bindQuirk: [40007, 40008] },
  { range: [30000, 39999], eff: [40000, 40009] },
  { range: [50000, 59999], eff: [40000, 40009] },
  { range: [30000, 40004], eff: [40000, 40004] },
  { range: [40006, 50000], eff: [40006, 40009] },
  { range: [30000, 50000], eff: [40000, 40009] },
  { range: [40005, 40005], eff: [40005, 40005] },
  { range: [40000, 40000], eff: [40000, 40000] },
  { range: [0, 40000], eff: [40000, 40000] },
  { range: [40009, 40009], eff: [40009, 40009] },
  { range: [40009, 0], eff: [40009, 40009] },
  { range: [0, 39000], eff: [40000, 40009] },
  { range: [45000, 0], eff: [40000, 40009] },
  { range: [1, 65535], eff: [40000, 40009] },
];

for (const row of ROWS) {
  const label = row.range ? `(${row.range[0]}, ${row.range[1]})` : 'unset';
  test(`§4.3 ${label} -> ${row.eff[0]}-${row.eff[1]}`, () => {
    const spec = row.range ? { range: row.range } : {};
    const want = span(row.eff[0], row.eff[1]);
    const e = inetSkGetLocalPortRange(kernelProfile('6.18'), NETNS.portRange, row.range ? packRange(...row.range) : 0);
    assert.deepEqual([e.lo, e.hi], row.eff);
    for (const seed of [1, 2, 3]) {
      const udp = untilFailure(repeat(want.length + 1, { ...spec, proto: 'udp' }, { kind: 'bind', addr: '127.0.0.1' }, { netns: NETNS, seed }).actions);
      assert.deepEqual(sorted(udp.ports), want, `udp seed ${seed}`);
      assert.equal(udp.errno, 'EADDRINUSE');
      const con = untilFailure(repeat(want.length + 1, spec, { kind: 'connect', addr: '127.0.0.1', port: 5000 }, { netns: NETNS, seed, prefix: listener(1, '127.0.0.1', 5000) }).actions);
      assert.equal(con.errno, 'EADDRNOTAVAIL');
      // connect without the option on an odd-sized range (none here) or with it: all ports
      assert.deepEqual(sorted(con.ports), want, `connect seed ${seed}`);
      const bind = untilFailure(repeat(want.length + 1, spec, { kind: 'bind', addr: '127.0.0.1' }, { netns: NETNS, seed }).actions);
      assert.equal(bind.errno, 'EADDRINUSE');
      if (row.bindQuirk) assert.deepEqual(sorted(bind.ports), row.bindQuirk, `tcp bind seed ${seed}`);
      else if (want.length % 2 === 1 && want.length > 1) {
        // Q1: one call visits at most N-1 ports of an odd range; which one is missed varies
        assert.ok(bind.ports.length >= want.length - 1 && bind.ports.every((p) => want.includes(p)), `tcp bind seed ${seed}: ${bind.ports}`);
      } else assert.deepEqual(sorted(bind.ports), want, `tcp bind seed ${seed}`);
    }
  });
}

test('§4.3 last row: netns changed after setsockopt, before bind -> 40004-40005 (V7, Q5)', () => {
  const { actions } = repeat(3, { proto: 'udp', range: [40002, 40005] }, { kind: 'bind', addr: '127.0.0.1' }, {
    netns: NETNS,
    prefix: [{ op: 'sysctl', netns: { portRange: { lo: 40004, hi: 40009 } } }],
  });
  const r = untilFailure(actions);
  assert.deepEqual(sorted(r.ports), [40004, 40005]);
  assert.equal(r.errno, 'EADDRINUSE');
});

test('selftest netns 40000-49999 vectors of §4.3', () => {
  const ns = { portRange: { lo: 40000, hi: 49999 } };
  for (const [range, port] of [[[45000, 45000], 45000], [[0, 40000], 40000], [[49999, 0], 49999]] as const) {
    const { actions } = repeat(1, { range: [range[0], range[1]] }, { kind: 'bind', addr: '127.0.0.1' }, { netns: ns });
    assert.equal(actions[0].port, port);
  }
});
