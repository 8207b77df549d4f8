// runSimulation(): with/without the option, listeners played but not counted, reproducible CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation, SimulationError, type SimulationParams } from '../../engine/src/simulate';
import { simulateParamsFromArgs } from '../../server/src/cli/simulate';
import { parseArgs, UsageError } from '../../server/src/cli/args';
import { createProgress } from '../../server/src/cli/progress';

const base: SimulationParams = {
  proto: 'tcp', family: 4, op: 'connect', range: { lo: 40000, hi: 40007 }, count: 'exhaust',
  destinations: ['127.0.0.1:5000'], kernel: '6.18', seed: 1, netns: { portRange: { lo: 40000, hi: 40099 } },
  reuseAddr: false, bindAddressNoPort: false,
};

test('runSimulation: effective range, exhaustion, comparison without the option', () => {
  const r = runSimulation(base);
  assert.deepEqual(r.effective, { lo: 40000, hi: 40007, rule: 'socket' });
  assert.deepEqual(r.netnsRange, { lo: 40000, hi: 40099 });
  assert.equal(r.withOption.stats.successes, 8);
  assert.deepEqual(r.withOption.stats.firstFailure, { index: 8, errno: 'EADDRNOTAVAIL' });
  assert.equal(r.withoutOption.stats.successes, 100);
  assert.deepEqual(r.withoutOption.stats.parity, { even: 50, odd: 50 });
  // the listener is in the ops but not in the results
  assert.ok(r.ops.some((o) => o.op === 'listen'));
  assert.equal(r.withOption.results.length, 9);
  assert.ok(r.withOption.results.every((x, i) => x.index === i && x.op === 'connect'));
});

test('runSimulation: the cli string reproduces the params', () => {
  for (const p of [
    base,
    { ...base, proto: 'udp' as const, op: 'sendto' as const, family: 6 as const, destinations: ['[::1]:53', '[::1]:54'], count: 20, range: null, netns: { reservedPorts: '40000-40004' } },
    { ...base, op: 'bind' as const, reuseAddr: true, netns: { portRange: { lo: 41000, hi: 41003 }, ipAutobindReuse: 1 as const } },
  ]) {
    const r = runSimulation(p);
    const argv = r.cli.split(' ').slice(2);
    const again = simulateParamsFromArgs(argv);
    const r2 = runSimulation(again.params);
    assert.deepEqual(r2.withOption, r.withOption);
    assert.equal(r2.cli, r.cli);
  }
});

test('runSimulation: V13 through the simulation (SO_REUSEADDR bind, autobind_reuse)', () => {
  const p = { ...base, op: 'bind' as const, range: null, count: 6, reuseAddr: true, netns: { portRange: { lo: 41000, hi: 41003 } } };
  assert.deepEqual(runSimulation(p).withOption.results.map((x) => x.port ?? x.errno), [41001, 41000, 41003, 41002, 'EADDRINUSE', 'EADDRINUSE']);
  const p1 = { ...p, netns: { ...p.netns, ipAutobindReuse: 1 as const } };
  assert.deepEqual(runSimulation(p1).withOption.results.map((x) => x.port ?? x.errno), [41001, 41000, 41003, 41002, 41001, 41001]);
});

test('runSimulation: bad params are SimulationErrors with clear messages', () => {
  assert.throws(() => runSimulation({ ...base, range: { lo: 40222, hi: 40111 } }), SimulationError);
  assert.throws(() => runSimulation({ ...base, destinations: [] }), /at least one destination/);
  assert.throws(() => runSimulation({ ...base, count: 0 }), /count/);
  assert.throws(() => runSimulation({ ...base, kernel: 'six' }), /kernel version/);
  assert.throws(() => runSimulation({ ...base, netns: { portRange: { lo: 5, hi: 4 } } }), /netns/);
});

test('args: strict parser', () => {
  const specs = [{ name: 'a', type: 'string' as const }, { name: 'b', type: 'boolean' as const }, { name: 'm', type: 'string' as const, multiple: true }];
  assert.deepEqual(parseArgs(['--a', 'x', '--b', '--m=1', '--m', '2'], specs).flags, { a: 'x', b: true, m: ['1', '2'] });
  assert.throws(() => parseArgs(['--c'], specs), UsageError);
  assert.throws(() => parseArgs(['--a'], specs), /needs a value/);
  assert.throws(() => parseArgs(['--b=1'], specs), /takes no value/);
  assert.throws(() => parseArgs(['--a', '1', '--a', '2'], specs), /more than once/);
  assert.throws(() => parseArgs(['pos'], specs), /unexpected argument/);
  assert.deepEqual(parseArgs(['pos'], specs, { allowPositionals: true }).positionals, ['pos']);
});

test('progress: silent when disabled, draws when enabled', () => {
  let text = '';
  const stream = { write: (s: string) => { text += s; return true; } };
  const off = createProgress(10, 'x', { enabled: false, stream });
  off.tick(5);
  off.done();
  assert.equal(text, '');
  const on = createProgress(10, 'work', { enabled: true, stream, intervalMs: 0 });
  on.tick(5);
  on.done();
  assert.match(text, /work \[#+\.*\] 5\/10/);
  assert.ok(text.endsWith('\n'));
});
