// The built CLI's `plan` and `decode` (node dist/cli.js …): every input form, the JSON
// documents exactly as documented, and exit 2 with a clear message for every bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, privateCli, runCli } from '../cliCopy';

const cliPath = privateCli('prl-plan-cli-');

function run(...args: string[]) {
  return runCli(cliPath(), args);
}

test('plan --format json: exactly one object with the documented keys', () => {
  const r = run('plan', '--workers', '12', '--reserved', '50000-50099', '--kernel', '6.8', '--dst', '192.0.2.1:443,192.0.2.2:443', '--dst', '192.0.2.3:5432', '--need', '2000', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '', 'quiet when JSON (no progress bar)');
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc), ['version', 'netnsRange', 'slices', 'findings', 'code', 'sysctl']);
  assert.equal(doc.version, 1);
  assert.deepEqual(doc.netnsRange, { lo: 32768, hi: 60999 });
  assert.equal(doc.slices.length, 12);
  for (const s of doc.slices) {
    assert.deepEqual(Object.keys(s), ['worker', 'lo', 'hi', 'packed', 'usablePorts', 'capacityPerDestination', 'capacityTotal']);
    assert.equal(s.packed, ((s.hi << 16) | s.lo) >>> 0);
    assert.deepEqual(Object.keys(s.capacityPerDestination), ['192.0.2.1:443', '192.0.2.2:443', '192.0.2.3:5432']);
  }
  assert.deepEqual(doc.findings, []);
  assert.deepEqual(Object.keys(doc.code), ['c', 'cpp', 'python', 'go', 'rust']);
  for (const snippets of Object.values(doc.code) as string[][]) assert.equal(snippets.length, 12);
  assert.match(doc.code.c[7], /EGRESS_PORT_LO 49178u/);
  assert.deepEqual(doc.sysctl, ['sysctl -w net.ipv4.ip_local_port_range="32768 60999"', 'sysctl -w net.ipv4.ip_local_reserved_ports=50000-50099']);
});

test('plan: weights, findings with worker numbers, --language limits the code', () => {
  const r = run('plan', '--weights', '3,1,1', '--netns-range', '40000-40999', '--pattern', 'bind', '--need', '500', '--language', 'python', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.deepEqual(doc.slices.map((s: { usablePorts: number }) => s.usablePorts), [600, 200, 200]);
  assert.deepEqual(Object.keys(doc.code), ['python']);
  assert.deepEqual(doc.findings.map((f: { code: string; worker: number | null }) => [f.code, f.worker]), [
    ['exclusive-bind', null], ['need-exceeds-capacity', 1], ['need-exceeds-capacity', 2],
  ]);
  for (const f of doc.findings) assert.deepEqual(Object.keys(f), ['code', 'severity', 'message', 'worker']);
});

test('plan text: table, bar, findings, sysctl and the chosen snippet', () => {
  const r = run('plan', '--workers', '4', '--netns-range', '40000-40399', '--reserved', '40100-40149', '--language', 'go', '--worker', '2', '--kernel', '5.15');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^4 workers over netns 40000-40399 \(350 usable ports; reserved: 40100-40149\), TCP no-port-connect, Linux 5\.15/);
  assert.match(r.out, /\n0 +40000 +40086 +0x9c969c40 +87 +0 +350 +350\n1 +40087 +40224 +0x9d209c97 +88 +50 /);
  assert.match(r.out, /\n40000 0+1+\.+1+2+3+ 40399\n/);
  assert.match(r.out, /error +kernel-without-option: Linux 5\.15 has no IP_LOCAL_PORT_RANGE/);
  assert.match(r.out, /sysctl -w net\.ipv4\.ip_local_reserved_ports=40100-40149/);
  assert.match(r.out, /Go, worker 2 .*\n\n\/\/ Port Range Lens plan: worker 2 of 4/);
  assert.match(r.out, /egressPortLo uint16 = 40225/);
});

test('plan: every bad input exits 2 with a clear message', () => {
  const bad: [string[], RegExp][] = [
    [[], /give --workers N or --weights/],
    [['--workers', '0'], /workers must be a positive integer \(got 0\)/],
    [['--workers', 'x'], /--workers must be a positive integer/],
    [['--workers', '3', '--weights', '1,2'], /not both/],
    [['--workers', '11', '--netns-range', '40000-40009'], /11 workers but the netns range 40000-40009 has only 10 usable ports/],
    [['--weights', '3,0,1'], /weights must be positive integers/],
    [['--weights', '3,-1'], /weights must be positive integers/],
    [['--weights', '1.5,1'], /weights must be positive integers/],
    [['--weights', 'a,b'], /--weights must be positive integers separated by commas/],
    [['--workers', '2', '--netns-range', '40000'], /--netns-range: "40000" is not a port range: expected LO-HI/],
    [['--workers', '2', '--netns-range', '50000-40000'], /hi 40000 < lo 50000/],
    [['--workers', '2', '--netns-range', '40000-70000'], /--netns-range: .*values must be in \[1, 65535\]/],
    [['--workers', '2', '--reserved', '40000,,1'], /netns:/],
    [['--workers', '2', '--kernel', 'six'], /invalid kernel version/],
    [['--workers', '2', '--proto', 'sctp'], /--proto must be one of tcp, udp/],
    [['--workers', '2', '--pattern', 'accept'], /--pattern must be one of/],
    [['--workers', '2', '--proto', 'udp', '--pattern', 'listen'], /UDP sockets cannot listen/],
    [['--workers', '2', '--pattern', 'sendto'], /sendto autobinds only UDP/],
    [['--workers', '2', '--dst', 'db.internal:5432'], /IP literals/],
    [['--workers', '2', '--dst', '10.0.0.1:0'], /port must be in \[1, 65535\]/],
    [['--workers', '2', '--need', '0'], /--need must be a positive integer/],
    [['--workers', '2', '--worker', '5'], /--worker 5: the plan has workers 0\.\.1/],
    [['--workers', '2', '--language', 'java'], /--language must be one of c, cpp, python, go, rust/],
    [['--workers', '2', '--bogus'], /unknown flag --bogus/],
    [['--workers', '2', '--pattern', 'listen', '--dst', '10.0.0.1:80'], /--dst has no meaning with --pattern listen/],
  ];
  for (const [args, re] of bad) {
    const r = run('plan', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
    assert.match(r.err, re, args.join(' '));
    assert.match(r.err, /^port-range-lens plan: /);
  }
});

test("decode: strace's own vectors through the CLI", () => {
  const r = run('decode', '0', '0x10000', '0x87654321', '0xbeefface', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc), ['version', 'values']);
  const [zero, hiOnly, both, bad] = doc.values;
  for (const v of doc.values) assert.deepEqual(Object.keys(v), ['input', 'lo', 'hi', 'packed', 'accepted', 'errno', 'effective', 'notes']);
  assert.deepEqual([zero.lo, zero.hi, zero.accepted, zero.effective.rule], [0, 0, true, 'netns']);
  assert.deepEqual([hiOnly.lo, hiOnly.hi, hiOnly.accepted], [0, 1, true]);
  assert.deepEqual([both.lo, both.hi, both.effective], [17185, 34661, { lo: 32768, hi: 34661, rule: 'socket-hi' }]);
  assert.deepEqual([bad.lo, bad.hi, bad.accepted, bad.errno, bad.effective], [64206, 48879, false, 'EINVAL', null]);
  assert.equal(bad.notes[0], 'EINVAL: lo 64206 > hi 48879');
  const text = run('decode', '0x10000', '0x87654321', '0xbeefface');
  assert.match(text.out, /strace +\[0x10000 \/\* \.\.1 \*\/\]/);
  assert.match(text.out, /strace +\[0x87654321 \/\* 17185\.\.34661 \*\/\]/);
  assert.match(text.out, /setsockopt +EINVAL: lo 64206 > hi 48879/);
});

test('decode: every input form from the command line', () => {
  const forms = [
    '2654968896', '0x9e3f9c40', '-1639998400', '40000-40511', '[40000..40511]', '40000..40511', '[0x9e3f9c40 /* 40000..40511 */]',
    '40 9c 3f 9e', '\\x40\\x9c\\x3f\\x9e', "b'@\\x9c?\\x9e'",
    'getsockopt(3, SOL_IP, IP_LOCAL_PORT_RANGE, [0x9e3f9c40 /* 40000..40511 */], [4]) = 0',
  ];
  const r = run('decode', ...forms, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  for (const v of JSON.parse(r.out).values) assert.deepEqual([v.lo, v.hi, v.packed, v.accepted], [40000, 40511, 2654968896, true], v.input);
  const be = JSON.parse(run('decode', '9e 3f 9c 40', '--byte-order', 'big', '--format', 'json').out).values[0];
  assert.deepEqual([be.lo, be.hi], [40000, 40511]);
  const guess = run('decode', '9e 3f 9c 40');
  assert.match(guess.out, /probably meant 40000-40511 .*bytes read in the other order/);
  const clamp = JSON.parse(run('decode', '30000-40004', '--netns-range', '40000-40009', '--format', 'json').out).values[0];
  assert.deepEqual(clamp.effective, { lo: 40000, hi: 40004, rule: 'socket-hi' });
  const old = JSON.parse(run('decode', '40000-40511', '--kernel', '6.1', '--format', 'json').out).values[0];
  assert.deepEqual([old.accepted, old.errno], [false, 'ENOPROTOOPT']);
  const short = JSON.parse(run('decode', '40 9c 3f', '--format', 'json').out).values[0];
  assert.deepEqual([short.accepted, short.errno, short.notes[0]], [false, 'EINVAL', 'EINVAL: optlen must be exactly 4 (got 3)']);
});

test('decode: every bad input exits 2 with a clear message', () => {
  const bad: [string[], RegExp][] = [
    [[], /give at least one VALUE/],
    [['hello'], /cannot read "hello"/],
    [['0x1ffffffff'], /does not fit in 32 bits/],
    [['4294967296'], /does not fit in 32 bits/],
    [['-2147483649'], /below the smallest 32-bit int/],
    [['70000-1'], /lo must be a port in 0\.\.65535/],
    [['[..]'], /cannot read/],
    [["b'\\xZZ'"], /bad escape/],
    [['1', '--kernel', 'x'], /--kernel: invalid kernel version/],
    [['1', '--netns-range', '60000-50000'], /--netns-range: .*hi 50000 < lo 60000/],
    [['1', '--byte-order', 'middle'], /--byte-order must be one of little, big/],
    [['1', '--format', 'xml'], /--format must be one of text, json/],
    [['1', '--bogus'], /unknown flag --bogus/],
    [['setsockopt(3, SOL_IP, IP_LOCAL_PORT_RANGE, 0x7ffd0000, 5) = -1 EINVAL (Invalid argument)'], /printed the address/],
  ];
  for (const [args, re] of bad) {
    const r = run('decode', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
    assert.equal(r.out, '', 'nothing on stdout');
    assert.match(r.err, re, args.join(' '));
  }
});

test('plan and decode --help', () => {
  for (const cmd of ['plan', 'decode']) {
    const r = run(cmd, '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, new RegExp(`^usage: port-range-lens ${cmd}`));
  }
  assert.match(run('--help').out, /plan +split the port range[\s\S]*decode +decode a pasted option value/);
});
