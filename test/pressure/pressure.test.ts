/**
 * `port-range-lens pressure` against real sockets in a private network namespace
 * (netnsScenario.ts runs inside it), plus bad input and hostile environments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, privateCli, runCli } from '../cliCopy';
import { spawnSync } from 'node:child_process';
import { kernelUnavailable, unshareCommand } from '../../server/src/kernel/netns';

const cliPath = privateCli('prl-pressure-');

function run(env: Record<string, string>, ...args: string[]) {
  return runCli(cliPath(), ['pressure', ...args], env);
}

test('pressure in a private netns: N connections, N-k after k RSTs, TIME-WAIT after active closes, /metrics, SIGTERM', (t) => {
  const reason = kernelUnavailable([0, 0]);
  if (reason) { t.skip(`needs a private network namespace: ${reason}`); return; }
  if (spawnSync('ip', ['-V']).error) { t.skip('ip(8) (iproute2) missing: cannot bring lo up'); return; }
  const { bin, flags } = unshareCommand();
  const r = spawnSync(bin, [...flags, 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, '--import', 'tsx', join(__dirname, 'netnsScenario.ts'), cliPath()],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const o = JSON.parse(r.stdout);
  const N = 40, K = 10, J = 5;
  assert.equal(o.ports.length, N);
  assert.ok(o.ports.every((p: number) => p >= 41000 && p <= 41999), 'the connections take ports from the namespace range');
  assert.deepEqual(o.netnsRange, { lo: 41000, hi: 41999 });
  for (const src of ['ss', 'proc']) {
    assert.deepEqual(o.afterOpen[src], { inUse: N, timeWait: 0, capacity: 1000 }, `${src} after open`);
    assert.deepEqual(o.afterRst[src], { inUse: N - K, timeWait: 0, capacity: 1000 }, `${src} after ${K} RST closes`);
    assert.deepEqual(o.afterActiveClose[src], { inUse: N - K, timeWait: J, capacity: 1000 }, `${src} after ${J} active closes`);
  }
  const lowHalf = o.ports.filter((p: number) => p <= 41499).length;
  assert.deepEqual(o.ranges, [
    { lo: 41000, hi: 41499, inUse: lowHalf, capacity: 500, usedFraction: lowHalf / 500 },
    { lo: 41500, hi: 41999, inUse: N - lowHalf, capacity: 500, usedFraction: (N - lowHalf) / 500 },
  ]);
  assert.equal(o.serve.first, N - K);
  // The 7 new connections hold 7 ports, minus any TIME-WAIT port the kernel handed out again
  // (loopback tw reuse after a second, which a slow run reaches): those were counted already.
  const reused = o.serve.newPorts.filter((p: number) => o.serve.timeWaitPorts.includes(p)).length;
  assert.ok(o.serve.newPorts.every((p: number) => !o.ports.includes(p) || o.serve.timeWaitPorts.includes(p)), 'a new port is fresh or a reused TIME-WAIT one');
  t.diagnostic(`TIME-WAIT ports reused by the new connections: ${reused}`);
  assert.equal(o.serve.second, N - K + 7 - reused, 'a second scrape reflects the new sockets');
  assert.equal(o.serve.timeWait, J - reused);
  assert.equal(o.serve.capacity, 1000);
  assert.equal(o.serve.ratio, (N - K + 7 - reused) / 1000);
  assert.equal(o.serve.exitCode, 0, `SIGTERM stops the server cleanly: ${o.serve.stderr}`);
  assert.equal(o.taken.status, 2);
  assert.match(o.taken.stderr, /cannot serve \/metrics on 127\.0\.0\.1:5000: address already in use/);
});

test('pressure: bad input exits 2 with a message, nothing on stdout', () => {
  for (const args of [['--ranges', '5-3'], ['--ranges', '40000-70000'], ['--interval', '0'], ['--interval', 'x'], ['--serve', 'nohost'],
    ['--serve', '127.0.0.1:99999'], ['--netns-range', '1-2-3'], ['--reserved', '1, 2'], ['--source', 'netlink'], ['--bogus'], ['--watch', '--serve', '127.0.0.1:1']]) {
    const r = run({}, ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.out, '');
    assert.match(r.err, /^port-range-lens pressure: /);
  }
});

test('pressure: /proc unreadable and no ss (test hooks) is a clear error, exit 1', () => {
  const r = run({ PORT_RANGE_LENS_SS: '/nonexistent/ss', PORT_RANGE_LENS_PROC: '/nonexistent/proc' }, '--netns-range', '40000-40999', '--reserved', 'none');
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot read this machine's sockets from \/nonexistent\/proc\/net \(\/nonexistent\/proc\/net\/tcp: ENOENT/);
  const auto = run({ PORT_RANGE_LENS_PROC: '/nonexistent/proc' });
  assert.equal(auto.code, 1);
  assert.match(auto.err, /\/nonexistent\/proc\/sys\/net\/ipv4/);
});

test('pressure: without ss it falls back to /proc and says so', { skip: process.platform !== 'linux' && 'needs /proc/net' }, () => {
  const r = run({ PORT_RANGE_LENS_SS: '/nonexistent/ss' });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /read with \/proc\/net/);
  assert.match(r.out, /note: ss not found \(\/nonexistent\/ss; iproute2\); read \/proc\/net instead/);
});

test('pressure --workspace takes the declared ranges from the analyzer', () => {
  // The analyzer needs its wasm grammars beside the bundle: run dist/cli.js itself here.
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'pressure', ...args], { encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const r = run('--workspace', join(ROOT, 'examples', 'c'), '--netns-range', '32768-60999', '--reserved', 'none', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.ok(doc.ranges.some((x: { lo: number; hi: number }) => x.lo === 40000 && x.hi === 40511), JSON.stringify(doc.ranges));
  const missing = run('--workspace', '/nonexistent/dir');
  assert.equal(missing.code, 2, missing.err);
});
