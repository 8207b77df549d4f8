// The port-range partition planner (engine/src/plan): partition invariants as fast-check
// properties, capacities replayed through runSimulation, findings and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { planPortRanges, PlanError, shareCounts, sliceSimulation, type PlanInput, type PlanPattern } from '../../engine/src/plan/index';
import { runSimulation } from '../../engine/src/simulate';
import { parseReservedPorts } from '../../engine/src/sysctl';

const LO = 40000;

const inputArb = fc.record({
  size: fc.integer({ min: 1, max: 160 }),
  reserved: fc.array(fc.tuple(fc.integer({ min: 0, max: 170 }), fc.integer({ min: 0, max: 12 })), { maxLength: 5 }),
  weights: fc.oneof(
    fc.integer({ min: 1, max: 9 }).map((n) => ({ workers: n })),
    fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }).map((w) => ({ weights: w })),
  ),
  kernel: fc.constantFrom('6.3', '6.8', '6.18'),
  proto: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'),
  pattern: fc.constantFrom<PlanPattern>('no-port-connect', 'connect', 'bind', 'listen', 'sendto'),
  dsts: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 1000 }),
});

function toInput(a: typeof inputArb extends fc.Arbitrary<infer T> ? T : never): PlanInput {
  const reservedPorts = a.reserved.map(([o, w]) => `${LO + o}-${LO + o + w}`).join(',');
  const pattern = a.proto === 'udp' && a.pattern === 'listen' ? 'bind' : a.proto === 'tcp' && a.pattern === 'sendto' ? 'connect' : a.pattern;
  return {
    ...a.weights, kernel: a.kernel, proto: a.proto, pattern, seed: a.seed,
    netns: { portRange: { lo: LO, hi: LO + a.size - 1 }, reservedPorts },
    destinations: Array.from({ length: a.dsts }, (_, i) => `10.0.0.${i + 1}:443`),
  };
}

test('properties: slices disjoint, inside the range, cover every usable port once, balanced within one port', () => {
  fc.assert(
    fc.property(inputArb, (a) => {
      const input = toInput(a);
      const reserved = (parseReservedPorts(input.netns!.reservedPorts!) as { ok: true; value: { has(p: number): boolean } }).value;
      const usable: number[] = [];
      for (let p = LO; p < LO + a.size; p++) if (!reserved.has(p)) usable.push(p);
      const weights = input.weights ?? new Array<number>(input.workers!).fill(1);
      let plan;
      try {
        plan = planPortRanges(input);
      } catch (e) {
        // Only refused when there are more workers than usable ports (or a weight's share is under one port).
        assert.ok(e instanceof PlanError, String(e));
        const counts = shareCounts(usable.length, weights);
        assert.ok(usable.length === 0 || weights.length > usable.length || counts.includes(0), (e as Error).message);
        return;
      }
      const W = weights.reduce((x, y) => x + y, 0);
      const owner = new Map<number, number>();
      let prevHi = LO - 1;
      for (const s of plan.slices) {
        assert.ok(s.lo <= s.hi && s.lo > prevHi, 'ordered and disjoint');
        assert.ok(s.lo >= LO && s.hi < LO + a.size, 'inside the netns range');
        assert.ok(!reserved.has(s.lo) && !reserved.has(s.hi), 'bounds are usable ports');
        let count = 0;
        for (let p = s.lo; p <= s.hi; p++) if (!reserved.has(p)) { count++; owner.set(p, s.worker); }
        assert.equal(s.usablePorts, count, 'reserved ports never counted');
        assert.equal(s.reservedInside, s.hi - s.lo + 1 - count);
        assert.equal(s.packed, ((s.hi << 16) | s.lo) >>> 0);
        const share = (usable.length * weights[s.worker]) / W;
        assert.ok(Math.abs(s.usablePorts - share) < 1, `worker ${s.worker}: ${s.usablePorts} vs share ${share}`);
        prevHi = s.hi;
      }
      assert.equal(owner.size, usable.length, 'every usable port is in exactly one slice');
    }),
    { numRuns: 150 },
  );
});

test('properties: every capacity is what runSimulation reaches on that slice', () => {
  fc.assert(
    fc.property(inputArb, (a) => {
      const input = toInput(a);
      let plan;
      try {
        plan = planPortRanges(input);
      } catch (e) {
        assert.ok(e instanceof PlanError);
        return;
      }
      const run = { ...plan, netns: { portRange: plan.netnsRange, reservedPorts: plan.reserved } };
      for (const s of plan.slices) {
        const rep = runSimulation(sliceSimulation(run, s.lo, s.hi, s.usablePorts), undefined, { keepOps: false });
        assert.equal(s.capacityTotal, rep.withOption.stats.successes, `worker ${s.worker} total`);
        if (plan.pattern !== 'bind' && plan.pattern !== 'listen') {
          for (const d of rep.withOption.stats.perDestination ?? []) assert.equal(s.capacityPerDestination[d.dst], d.successes);
        }
        const sum = Object.values(s.capacityPerDestination).reduce((x, y) => x + y, 0);
        if (plan.pattern !== 'listen') assert.equal(sum, s.capacityTotal, 'per-destination capacities add up to the total');
        // The option holds: no pattern reaches more than the slice's usable ports per destination.
        for (const c of Object.values(s.capacityPerDestination)) assert.ok(c <= s.usablePorts);
      }
    }),
    { numRuns: 40 },
  );
});

test('12 workers, 3 upstreams, 50000-50099 reserved, kernel 6.8: the issue example', () => {
  const plan = planPortRanges({
    workers: 12, kernel: '6.8', netns: { reservedPorts: '50000-50099' }, smallRangeThreshold: 64,
    destinations: ['192.0.2.1:443', '192.0.2.2:443', '192.0.2.3:5432'], need: 2000,
  });
  assert.equal(plan.usablePorts, 28232 - 100);
  assert.deepEqual(plan.slices.map((s) => s.usablePorts).sort(), [...new Array(8).fill(2344), ...new Array(4).fill(2345)].sort());
  assert.equal(plan.slices[0].lo, 32768);
  assert.equal(plan.slices[11].hi, 60999);
  const holder = plan.slices.find((s) => s.lo <= 50000 && 50099 <= s.hi)!;
  assert.equal(holder.reservedInside, 100);
  assert.equal(holder.hi - holder.lo + 1, holder.usablePorts + 100);
  for (const s of plan.slices) {
    // Step-1 connect() scan with the option (6.8): every usable port, once per destination.
    assert.deepEqual(Object.values(s.capacityPerDestination), [s.usablePorts, s.usablePorts, s.usablePorts]);
    assert.equal(s.capacityTotal, 3 * s.usablePorts);
  }
  assert.deepEqual(plan.findings, []);
});

test('findings: need, small and reserved-shrunk slices, exclusive bind, old kernel, Q1', () => {
  const need = planPortRanges({ workers: 4, netns: { portRange: { lo: 40000, hi: 40999 } }, need: 300 });
  assert.deepEqual(need.findings.map((f) => [f.code, f.worker]), [0, 1, 2, 3].map((w) => ['need-exceeds-capacity', w]));
  assert.match(need.findings[0].message, /holds 250 connections to 127\.0\.0\.1:5000 but 300 are needed/);

  const shrunk = planPortRanges({ workers: 2, netns: { portRange: { lo: 40000, hi: 40199 }, reservedPorts: '40010-40150' }, smallRangeThreshold: 64 });
  assert.deepEqual(shrunk.findings.map((f) => [f.code, f.worker]), [['reserved-shrinks-slice', 0], ['small-slice', 1]]);
  assert.match(shrunk.findings[0].message, /spans 170 ports but 141 of them are reserved/);

  const bind = planPortRanges({ workers: 1, pattern: 'bind', netns: { portRange: { lo: 40000, hi: 40009 } }, destinations: ['10.0.0.1:80', '10.0.0.2:80'] });
  assert.equal(bind.findings[0].code, 'exclusive-bind');
  assert.deepEqual(bind.slices[0].capacityPerDestination, { '10.0.0.1:80': 5, '10.0.0.2:80': 5 });
  const noPort = planPortRanges({ workers: 1, netns: { portRange: { lo: 40000, hi: 40009 } }, destinations: ['10.0.0.1:80', '10.0.0.2:80'] });
  assert.deepEqual(noPort.slices[0].capacityPerDestination, { '10.0.0.1:80': 10, '10.0.0.2:80': 10 });

  const old = planPortRanges({ workers: 2, kernel: '5.15', netns: { portRange: { lo: 40000, hi: 40099 } } });
  assert.equal(old.findings[0].code, 'kernel-without-option');
  // setsockopt fails there: each worker alone reaches the whole netns range, not its slice.
  assert.equal(old.slices[0].capacityTotal, 100);

  // TCP bind(0) on 6.18 still scans with step 2: a 3-port slice never reaches its top port (Q1).
  const q1 = planPortRanges({ workers: 1, pattern: 'bind', netns: { portRange: { lo: 40000, hi: 40002 } } });
  assert.equal(q1.slices[0].capacityTotal, 2);
  assert.match(q1.findings.find((f) => f.code === 'capacity-below-usable')!.message, /reached 2 of its 3 usable ports: .*quirk Q1/);
});

test('bad input is refused with a clear PlanError', () => {
  const bad: [PlanInput, RegExp][] = [
    [{ workers: 0 }, /workers must be a positive integer/],
    [{ workers: 1.5 }, /workers must be a positive integer/],
    [{ workers: 11, netns: { portRange: { lo: 40000, hi: 40009 } } }, /11 workers but .* only 10 usable ports/],
    [{ workers: 3, netns: { portRange: { lo: 40000, hi: 40009 }, reservedPorts: '40000-40007' } }, /only 2 usable ports/],
    [{ weights: [3, 0, 1] }, /weights must be positive integers/],
    [{ weights: [-1] }, /weights must be positive integers/],
    [{ weights: [] }, /non-empty/],
    [{ weights: [1, 1000000], netns: { portRange: { lo: 40000, hi: 40009 } } }, /worker 0's weight 1 gives it less than one/],
    [{ workers: 2, weights: [1, 1] }, /either workers or weights/],
    [{}, /number of workers or a list of weights/],
    [{ workers: 2, kernel: '6' }, /invalid kernel version/],
    [{ workers: 2, proto: 'udp', pattern: 'listen' }, /UDP sockets cannot listen/],
    [{ workers: 2, pattern: 'sendto' }, /sendto autobinds only UDP/],
    [{ workers: 2, pattern: 'accept' as PlanPattern }, /pattern must be one of/],
    [{ workers: 2, need: 0 }, /need must be a positive integer/],
    [{ workers: 2, destinations: ['example.com:443'] }, /IP literals/],
    [{ workers: 2, destinations: ['10.0.0.1'] }, /expected HOST:PORT/],
    [{ workers: 2, destinations: ['10.0.0.1:443', '[::1]:443'] }, /mix IPv4 and IPv6/],
    [{ workers: 2, netns: { portRange: { lo: 50000, hi: 40000 } } }, /netns: .*hi 40000 < lo 50000/],
    [{ workers: 2, netns: { reservedPorts: '1-2-3' } }, /netns:/],
  ];
  for (const [input, re] of bad) assert.throws(() => planPortRanges(input), (e: Error) => e instanceof PlanError && re.test(e.message), JSON.stringify(input));
});

test('IPv6 destinations are planned on an IPv6 socket and reported canonically', () => {
  const plan = planPortRanges({ workers: 2, netns: { portRange: { lo: 40000, hi: 40015 } }, destinations: ['[2001:DB8:0::1]:443'] });
  assert.equal(plan.family, 6);
  assert.deepEqual(plan.destinations, ['[2001:db8::1]:443']);
  assert.deepEqual(plan.slices.map((s) => s.capacityPerDestination['[2001:db8::1]:443']), [8, 8]);
});
