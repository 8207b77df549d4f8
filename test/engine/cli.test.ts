// The built CLI: `node dist/cli.js simulate …` (run after `node scripts/build.mjs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, privateCli, runCli } from '../cliCopy';

const cliPath = privateCli('prl-cli-');

function run(...args: string[]) {
  return runCli(cliPath(), args);
}

test('simulate --format json prints exactly one object of the documented shape', () => {
  const r = run('simulate', '--proto', 'tcp', '--op', 'connect', '--range', '40000-40007', '--netns-range', '32768-60999', '--count', 'exhaust', '--dst', '127.0.0.1:5000', '--seed', '3', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const doc = JSON.parse(r.out);
  assert.equal(doc.version, 2);
  assert.equal(doc.kernelProfile, '6.18');
  assert.equal('kernel' in doc, false, 'kernel (the verify verdict) appears only with --verify');
  assert.deepEqual(doc.effective.lo, 40000);
  assert.deepEqual(doc.effective.hi, 40007);
  assert.equal(doc.results.length, 9);
  for (const x of doc.results.slice(0, 8)) {
    assert.deepEqual(Object.keys(x).slice(0, 4), ['index', 'op', 'port', 'errno']);
    assert.ok(x.port >= 40000 && x.port <= 40007 && x.errno === null);
  }
  assert.deepEqual(doc.results[8], { index: 8, op: 'connect', port: null, errno: 'EADDRNOTAVAIL', dst: '127.0.0.1:5000' });
  assert.equal(doc.stats.successes, 8);
  assert.deepEqual(doc.stats.firstFailure, { index: 8, errno: 'EADDRNOTAVAIL' });
  assert.equal(doc.stats.parity.even + doc.stats.parity.odd, 8);
  assert.equal(doc.stats.portsUsed, 8);
  assert.match(doc.cli, /^port-range-lens simulate /);
});

test('simulate: several destinations, socket i -> destination i mod n', () => {
  const r = run('simulate', '--range', '40000-40003', '--dst', '127.0.0.1:5000,127.0.0.1:5001', '--count', '6', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.deepEqual(doc.results.map((x: { dst: string }) => x.dst), ['127.0.0.1:5000', '127.0.0.1:5001', '127.0.0.1:5000', '127.0.0.1:5001', '127.0.0.1:5000', '127.0.0.1:5001']);
});

test('simulate: UDP sendto exhaustion gives EAGAIN; reserved list honoured; IPv6', () => {
  const r = run('simulate', '--proto', 'udp', '--op', 'sendto', '--family', '6', '--dst', '[::1]:53', '--netns-range', '40000-40009', '--reserved', '40000-40004,40007', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.deepEqual(doc.results.filter((x: { port: number | null }) => x.port !== null).map((x: { port: number }) => x.port).sort(), [40005, 40006, 40008, 40009]);
  assert.equal(doc.stats.firstFailure.errno, 'EAGAIN');
  assert.equal(doc.reserved, '40000-40004,40007');
});

test('simulate: lo-only and hi-only ranges', () => {
  const lo = JSON.parse(run('simulate', '--range', '40007-0', '--netns-range', '40000-40009', '--format', 'json').out);
  assert.deepEqual([lo.effective.lo, lo.effective.hi, lo.effective.rule], [40007, 40009, 'socket-lo']);
  const hi = JSON.parse(run('simulate', '--range', '0-40003', '--netns-range', '40000-40009', '--format', 'json').out);
  assert.deepEqual([hi.effective.lo, hi.effective.hi, hi.effective.rule], [40000, 40003, 'socket-hi']);
});

test('simulate text output names the effective range, exhaustion and parity', () => {
  const r = run('simulate', '--range', '40000-40511', '--op', 'bind', '--count', 'exhaust');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /effective\s+40000-40511 \(512 ports\)/);
  assert.match(r.out, /512 succeeded, then EADDRINUSE at socket #512/);
  assert.match(r.out, /parity\s+even \d+ \/ odd \d+/);
  assert.match(r.out, /reproduce: port-range-lens simulate/);
});

test('usage errors exit 2 with a message on stderr', () => {
  for (const args of [
    ['simulate', '--bogus'],
    ['simulate', '--proto', 'icmp'],
    ['simulate', '--range', '40222-40111'],
    ['simulate', '--range', 'abc'],
    ['simulate', '--count', '0'],
    ['simulate', '--dst', 'nohost'],
    ['simulate', '--family', '6', '--dst', '127.0.0.1:5000'],
    ['simulate', '--kernel', 'x'],
    ['simulate', '--netns-range', '40009-40000'],
    ['simulate', '--reserved', '1, 2'],
    ['simulate', '--range'],
    ['simulate', '--op', 'sendto', '--proto', 'tcp'],
    ['frobnicate'],
    [],
  ]) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.ok(r.err.length > 0, args.join(' '));
    assert.equal(r.out, '');
  }
});

test('help and --version', () => {
  const h = run('simulate', '--help');
  assert.equal(h.code, 0);
  assert.match(h.out, /--netns-range/);
  const v = run('--version');
  assert.equal(v.code, 0);
  assert.match(v.out, /^\d+\.\d+\.\d+\n$/);
});

test('one reader per range text: --range takes the option value, --netns-range the kernel sysctl rules', () => {
  // --range is the option value (engine parseRangeText, ":" separates too); simulate refuses lo > hi with the kernel's errno.
  const colon = JSON.parse(run('simulate', '--range', '40000:40009', '--count', '1', '--format', 'json').out);
  assert.deepEqual([colon.effective.lo, colon.effective.hi], [40000, 40009]);
  const swapped = run('simulate', '--range', '40511-40000');
  assert.equal(swapped.code, 2);
  assert.match(swapped.err, /lo > hi, setsockopt\(IP_LOCAL_PORT_RANGE\) would fail with EINVAL/);
  // --netns-range follows the kernel's ip_local_port_range write rules, like `check` and the settings: hex bounds read...
  const hex = JSON.parse(run('simulate', '--netns-range', '0x9c40-40009', '--count', '1', '--format', 'json').out);
  assert.deepEqual([hex.effective.lo, hex.effective.hi], [40000, 40009]);
  // ...and a range the kernel refuses is a usage error that says why.
  const bad = run('simulate', '--netns-range', '50000-40000');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--netns-range: .*kernel rejects this range \(hi 40000 < lo 50000\)/);
  const big = run('simulate', '--range', '40000-70000');
  assert.equal(big.code, 2);
  assert.match(big.err, /--range: hi must be a port in 0\.\.65535/);
});

test('every subcommand in the one table reports a usage error the same way: stderr, exit 2, one JSON object with --format json', async () => {
  const { COMMANDS } = await import('../../server/src/cli');
  const bad: Record<string, string[]> = {
    simulate: ['--count', 'x'],
    check: ['--fail-on', 'sometimes'],
    plan: ['--workers', 'x'],
    decode: ['--byte-order', 'middle', '1'],
    pressure: ['--interval', 'x'],
  };
  for (const cmd of COMMANDS) {
    const args = bad[cmd.name];
    assert.ok(args, `a bad-argument case for ${cmd.name}`);
    const r = run(cmd.name, ...args, '--format', 'json');
    assert.equal(r.code, 2, `${cmd.name}: ${r.err}`);
    assert.match(r.err, new RegExp(`^port-range-lens ${cmd.name}: `));
    const doc = JSON.parse(r.out);
    assert.deepEqual([doc.error.kind, doc.error.command, doc.failed, doc.exitCode], ['usage', cmd.name, true, 2]);
  }
});
