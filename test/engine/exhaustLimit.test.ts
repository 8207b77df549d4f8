// `simulate --count exhaust` with many destinations: run to the real exhaustion (each
// destination's capacity) or say it stopped at the socket limit — never "no failure".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation, type SimulationParams } from '../../engine/src/simulate';

const dsts = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${(i & 255) + 1}:5000`);

const params = (n: number, lo: number, hi: number): SimulationParams => ({
  proto: 'tcp', family: 4, op: 'connect', range: null, count: 'exhaust', destinations: dsts(n),
  kernel: '6.18', seed: 1, netns: { portRange: { lo, hi } }, reuseAddr: false, bindAddressNoPort: false,
});

test('exhaust with 100 destinations past 1,000,000 sockets: every destination holds the whole range', () => {
  // 11,000 ports x 100 destinations = 1,100,000 connections before the first failure
  // (the former 1,000,000-socket cap stopped the run with "no failure").
  const r = runSimulation(params(100, 32768, 43767), undefined, { keepOps: false });
  const s = r.withOption.stats;
  assert.equal(r.limit, null);
  assert.deepEqual(s.firstFailure, { index: 1_100_000, errno: 'EADDRNOTAVAIL' });
  assert.equal(s.successes, 1_100_000);
  assert.equal(s.perDestination?.length, 100);
  for (const d of s.perDestination ?? []) assert.equal(d.successes, 11_000, d.dst);
});

test('a run cut by the socket limit says so (limit, lower-bound capacities)', () => {
  const r = runSimulation(params(3, 40000, 40999), undefined, { keepOps: false, maxSockets: 2000 });
  assert.equal(r.withOption.stats.firstFailure, null);
  assert.equal(r.withOption.stats.successes, 2000);
  assert.ok(r.limit);
  assert.equal(r.limit.sockets, 2000);
  assert.equal(r.limit.needed, 3003);
  assert.match(r.limit.message, /stopped at the 2,000-socket limit before the first failure/);
});

test('a pattern that shares ports never exhausts: stopped at the bound, said so, not a limit', () => {
  const r = runSimulation({
    ...params(0, 41000, 41003), op: 'bind', destinations: [], reuseAddr: true, netns: { portRange: { lo: 41000, hi: 41003 }, ipAutobindReuse: 1 },
  });
  assert.equal(r.withOption.stats.firstFailure, null);
  assert.equal(r.limit, null);
  assert.ok(r.noExhaustion);
  assert.match(r.noExhaustion, /no failure after 5 sockets/);
});

test('simulate text and JSON state the limit (truncated) and the no-exhaustion stop', async () => {
  const { simulationJson, simulationText } = await import('../../server/src/cli/simulate');
  const cut = runSimulation(params(3, 40000, 40999), undefined, { keepOps: false, maxSockets: 2000 });
  assert.match(simulationText(cut), /^incomplete {6}stopped at the 2,000-socket limit before the first failure/m);
  const j = simulationJson(cut) as { truncated: boolean; limit: { sockets: number } };
  assert.equal(j.truncated, true);
  assert.equal(j.limit.sockets, 2000);
  const full = runSimulation(params(3, 40000, 40009));
  assert.equal((simulationJson(full) as { truncated: boolean }).truncated, false);
  assert.doesNotMatch(simulationText(full), /incomplete/);
});
