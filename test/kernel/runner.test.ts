/**
 * The differential harness itself: the runner's safety guards and error handling, and the
 * comparison helpers. (The scenarios are in differential.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelAvailable, runInNetns, RUNNER } from './netns';
import { fmtSet, metrics, diff, parityDisagreement, type AnyOpResult } from '../../server/src/kernel/compare';
import { expandAllocs } from './expect';
import { SCENARIOS } from './scenarios';
import type { Op } from '../../engine/src/scenarioTypes';

const reason = kernelAvailable();

test('runner refuses to run in a namespace that has more than lo', (t) => {
  const dev = readFileSync('/proc/net/dev', 'utf8');
  const ifaces = dev.split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean);
  if (process.platform !== 'linux' || (ifaces.length === 1 && ifaces[0] === 'lo')) {
    t.skip('this namespace has only lo; the guard cannot be exercised from here');
    return;
  }
  // No ops and no sysctls: even if the guard were broken nothing would be written.
  const r = spawnSync('python3', [RUNNER], { input: '{"ops":[]}', encoding: 'utf8' });
  if (r.error) { t.skip(`python3 not runnable: ${r.error.message}`); return; }
  assert.equal(r.status, 3);
  assert.match(JSON.parse(r.stdout).error, /refusing to run/);
});

test('runner rejects non-loopback addresses and unknown sockets', async (t) => {
  if (reason) { t.skip(reason); return; }
  await assert.rejects(
    runInNetns({ ops: [{ op: 'socket', sock: 0, proto: 'tcp' }, { op: 'connect', sock: 0, addr: '8.8.8.8', port: 53 }] }),
    /not loopback/,
  );
  await assert.rejects(runInNetns({ ops: [{ op: 'bind', sock: 7, addr: '127.0.0.1', port: 0 }] }), /unknown socket 7/);
  await assert.rejects(runInNetns({ netns: { portRange: { lo: 50000, hi: 40000 } }, ops: [] }), /ip_local_port_range/);
});

test('runner reports errno names, EBADF after a failed socket(), and explicit ports', async (t) => {
  if (reason) { t.skip(reason); return; }
  const run = await runInNetns({
    netns: { portRange: { lo: 40000, hi: 40007 } },
    ops: [
      { op: 'socket', sock: 0, proto: 'sctp' }, // CONFIG_IP_SCTP is off here (spec §9)
      { op: 'bind', sock: 0, addr: '127.0.0.1', port: 0 },
      { op: 'socket', sock: 1, proto: 'udp', family: 6 },
      { op: 'bind', sock: 1, addr: '::1', port: 45000 },
      { op: 'socket', sock: 2, proto: 'tcp' },
      { op: 'setsockopt', sock: 2, name: 'IP_LOCAL_PORT_RANGE', lo: 40222, hi: 40111 },
      { op: 'connect', sock: 2, addr: '127.0.0.1', port: 9 }, // nobody listens
    ],
  });
  const sctp = run.results[0].errno;
  assert.ok(sctp === null || sctp === 'EPROTONOSUPPORT' || sctp === 'ESOCKTNOSUPPORT', String(sctp));
  if (sctp !== null) assert.equal(run.results[1].errno, 'EBADF');
  assert.deepEqual([run.results[3].port, run.results[3].errno], [45000, null]);
  assert.equal(run.results[5].errno, 'EINVAL');
  assert.deepEqual([run.results[6].port, run.results[6].errno], [null, 'ECONNREFUSED']);
});

test('expandAllocs / fmtSet', () => {
  assert.deepEqual(expandAllocs('2,EADDRNOTAVAIL,1'), [null, null, 'EADDRNOTAVAIL', null]);
  assert.deepEqual(expandAllocs(''), []);
  assert.equal(fmtSet([40000, 40001, 40002, 40005, 40007, 40008]), '{40000-40002,40005,40007-40008}');
});

test('metrics: automatic allocations, NO_PORT binds and explicit binds are told apart', () => {
  const ops: Op[] = [
    { op: 'socket', sock: 0, proto: 'tcp' },
    { op: 'setsockopt', sock: 0, name: 'IP_BIND_ADDRESS_NO_PORT', value: true },
    { op: 'bind', sock: 0, addr: '127.0.0.1', port: 0 },
    { op: 'connect', sock: 0, addr: '127.0.0.1', port: 5000 },
    { op: 'socket', sock: 1, proto: 'tcp' },
    { op: 'bind', sock: 1, addr: '127.0.0.1', port: 45000 },
    { op: 'connect', sock: 1, addr: '127.0.0.1', port: 5000 },
    { op: 'socket', sock: 2, proto: 'tcp' },
    { op: 'connect', sock: 2, addr: '127.0.0.1', port: 5000 },
  ];
  const r = (index: number, port: number | null, errno: string | null = null): AnyOpResult => ({ index, op: ops[index].op, port, errno });
  const res = [r(0, null), r(1, null), r(2, null), r(3, 40001), r(4, null), r(5, 45000), r(6, 45000), r(7, null), r(8, null, 'EADDRNOTAVAIL')];
  const m = metrics(ops, res);
  assert.deepEqual(m.allocs.map((a) => a.index), [3, 8]);
  assert.equal(m.successesBeforeFailure, 1);
  assert.deepEqual(m.firstFailure, { index: 8, errno: 'EADDRNOTAVAIL' });
  assert.deepEqual(m.parity, { even: 0, odd: 1 });
});

test('diff catches a wrong errno, a wrong set and a wrong parity order', () => {
  const sc = SCENARIOS.find((s) => s.name.startsWith('tcp4 bind(0), option unset'))!;
  const ok = (i: number, port: number | null): AnyOpResult => ({ index: i, op: sc.ops[i].op, port, errno: null });
  const kernelPorts = [40001, 40003, 40005, 40007, 40000, 40002, 40004, 40006];
  const build = (ports: number[], lastErr: string) => {
    let k = 0;
    return sc.ops.map((op, i) => (op.op === 'bind'
      ? (k < 8 ? ok(i, ports[k++]) : { index: i, op: 'bind', port: null, errno: lastErr })
      : ok(i, null)));
  };
  const kernel = metrics(sc.ops, build(kernelPorts, 'EADDRINUSE'));
  assert.deepEqual(diff(sc, kernel, metrics(sc.ops, build([...kernelPorts].reverse(), 'EADDRINUSE'))).filter((d) => d.includes('parity order')).length, 1);
  assert.ok(diff(sc, kernel, metrics(sc.ops, build(kernelPorts, 'EADDRNOTAVAIL'))).some((d) => d.includes('kernel EADDRINUSE, engine EADDRNOTAVAIL')));
  const shifted = kernelPorts.map((p) => p + 1);
  assert.ok(diff(sc, kernel, metrics(sc.ops, build(shifted, 'EADDRINUSE'))).some((d) => d.startsWith('port set')));
  assert.deepEqual(diff(sc, kernel, kernel), []);
});

test('docs/differential.md lists every scenario', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'differential.md'), 'utf8');
  const missing = SCENARIOS.filter((s) => !doc.includes(`| ${s.name} |`)).map((s) => s.name);
  assert.deepEqual(missing, [], 'regenerate the scenario table of docs/differential.md');
  assert.ok(SCENARIOS.length >= 30);
});

test('statistical parity rule: a forced split against a fair one is a difference, two fair ones are not', () => {
  assert.equal(parityDisagreement({ even: 55, odd: 45 }, { even: 48, odd: 52 }), null);
  assert.match(parityDisagreement({ even: 50, odd: 50 }, { even: 100, odd: 0 }) ?? '', /z = /);
  assert.equal(parityDisagreement({ even: 5, odd: 0 }, { even: 0, odd: 5 }), null, 'too few allocations to judge');
});
