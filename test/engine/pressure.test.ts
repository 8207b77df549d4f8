/** Port pressure rules (engine/src/pressure.ts): capacity per destination under the allocators' sharing rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationPressure, exhaustionEstimate, slicePressure, type HeldSocket } from '../../engine/src/pressure';
import { resolveNetns } from '../../engine/src/sysctl';

const ns = resolveNetns({ portRange: { lo: 40000, hi: 40099 }, reservedPorts: '40090-40099' });
const tcp = (port: number, dst: string, state = 'ESTAB', src = '127.0.0.1'): HeldSocket => {
  const [a, p] = dst.split(':');
  return { proto: 'tcp', state, localAddr: src, localPort: port, remoteAddr: a!, remotePort: Number(p) };
};

test('TCP: ports are shared across destinations, listeners in the range block them, TIME-WAIT counts', () => {
  const socks = [
    tcp(40000, '10.0.0.1:80'), tcp(40001, '10.0.0.1:80', 'TIME-WAIT'), tcp(40000, '10.0.0.2:80'),
    { ...tcp(40050, '0.0.0.0:0', 'LISTEN'), remoteAddr: null, remotePort: 0 },
    tcp(30000, '10.0.0.1:80'), // outside the netns range: not counted
    tcp(40095, '10.0.0.1:80'), // reserved: never handed out automatically
  ];
  const rows = destinationPressure(ns, socks);
  assert.deepEqual(rows.map((r) => [r.destination, r.inUse, r.timeWait, r.capacity]), [
    ['10.0.0.1:80', 2, 1, 89], // 100 - 10 reserved - 1 listener
    ['10.0.0.2:80', 1, 0, 89],
  ]);
  assert.equal(rows[0]!.usedFraction, 2 / 89);
});

test('TCP: capacity is per source address', () => {
  const rows = destinationPressure(ns, [tcp(40000, '10.0.0.1:80', 'ESTAB', '10.1.1.1'), tcp(40000, '10.0.0.1:80', 'ESTAB', '10.1.1.2')]);
  assert.deepEqual(rows.map((r) => [r.inUse, r.capacity, r.sources]), [[2, 180, 2]]);
});

test('UDP: a port held toward another destination (or unconnected) is not available', () => {
  const udp = (port: number, dst: string | null): HeldSocket => ({ proto: 'udp', state: dst ? 'ESTAB' : 'UNCONN', localAddr: '0.0.0.0', localPort: port,
    remoteAddr: dst ? dst.split(':')[0]! : null, remotePort: dst ? Number(dst.split(':')[1]) : 0 });
  const rows = destinationPressure(ns, [udp(40000, '10.0.0.53:53'), udp(40001, '10.0.0.53:53'), udp(40002, '10.0.0.54:53'), udp(40003, null)]);
  const by = Object.fromEntries(rows.map((r) => [r.destination, [r.inUse, r.capacity]]));
  assert.deepEqual(by, { '10.0.0.53:53': [2, 88], '10.0.0.54:53': [1, 87], '*': [1, 87] });
});

test('declared slices: usable ports of the slice inside the netns range; exhaustion estimate', () => {
  const s = slicePressure(ns, [{ lo: 40080, hi: 40120 }], [tcp(40085, '10.0.0.1:80'), tcp(40085, '10.0.0.2:80')]);
  assert.deepEqual(s, [{ lo: 40080, hi: 40120, inUse: 1, capacity: 10, usedFraction: 0.1 }]);
  const row = destinationPressure(ns, [tcp(40000, '10.0.0.1:80')])[0]!;
  assert.deepEqual(exhaustionEstimate(row, 10, 2), { rate: 5, secondsToExhaustion: (90 - 1) / 5 });
  assert.equal(exhaustionEstimate(row, 0, 2).secondsToExhaustion, null);
});
