// Seeded randomness (Q6) and the kernel's random helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBelow, reciprocalScale, recordingSource, seededRandom, sequenceSource, toRandomSource } from '../../engine/src/random';
import { runScenario } from '../../engine/src/scenario';
import type { Op } from '../../engine/src/scenarioTypes';

test('seededRandom is deterministic and 32-bit', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const c = seededRandom(43);
  const xs = Array.from({ length: 1000 }, () => a.u32());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.u32()));
  assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => c.u32()));
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
  // roughly uniform top bit
  const top = xs.filter((x) => x >= 2 ** 31).length;
  assert.ok(top > 400 && top < 600, String(top));
});

test('randomBelow = get_random_u32_below (multiply-shift, rejection of biased lows)', () => {
  assert.equal(randomBelow(sequenceSource([0]), 8), 0);
  assert.equal(randomBelow(sequenceSource([0xffffffff]), 8), 7);
  assert.equal(randomBelow(sequenceSource([0x80000001]), 10), 5);
  assert.equal(randomBelow(sequenceSource([0x80000000, 0x80000001]), 10), 5, 'low product 0 < 6 is redrawn');
  // ceil 3: low product 0 < bound (2^32 mod 3 = 1) is rejected and redrawn
  assert.equal(randomBelow(sequenceSource([0, 0xffffffff]), 3), 2);
  assert.throws(() => randomBelow(seededRandom(1), 0), RangeError);
  const r = seededRandom(5);
  for (let i = 0; i < 1000; i++) {
    const v = randomBelow(r, 7);
    assert.ok(v >= 0 && v < 7);
  }
});

test('reciprocal_scale and sources', () => {
  assert.equal(reciprocalScale(0xffffffff, 100), 99);
  assert.equal(reciprocalScale(0, 100), 0);
  const rec = recordingSource(seededRandom(1));
  rec.u32();
  rec.u32();
  assert.equal(rec.draws.length, 2);
  assert.throws(() => sequenceSource([1]).u32() && sequenceSource([]).u32(), /draws used/);
  assert.throws(() => toRandomSource('x' as unknown as number), TypeError);
});

test('a recorded run replays step for step', () => {
  const ops: Op[] = [];
  for (let s = 0; s < 50; s++) {
    ops.push({ op: 'socket', sock: s, proto: s % 3 === 0 ? 'udp' : 'tcp' });
    ops.push(s % 2 ? { op: 'connect', sock: s, addr: '127.0.0.1', port: 5000 + (s % 4) } : { op: 'bind', sock: s, addr: '127.0.0.1', port: 0 });
  }
  const rec = recordingSource(seededRandom(99));
  const a = runScenario({ ops, seed: rec });
  const b = runScenario({ ops, seed: sequenceSource(rec.draws) });
  assert.deepEqual(a.results, b.results);
});
