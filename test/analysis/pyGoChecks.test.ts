// checks.ts on Python and Go call sites through the whole analyzer: CPython's exact int rule,
// struct.error, execution order of Go Control closures, and the same verdict as C for the same
// packing mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeCallSite } from '../../server/src/analysis/checks';
import { resolveConfig } from '../../server/src/config/resolve';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import type { RawCallSite } from '../../server/src/analysis/languages/types';
import type { CallSite, SocketEvent, Span } from '../../server/src/analysis/callSite';
import { analyzeAs, codes } from './helpers';

const PY = (value: string) => `import socket, struct\ns = socket.socket()\ns.setsockopt(socket.SOL_IP, getattr(socket, "IP_LOCAL_PORT_RANGE", 51), ${value})\n`;
const diag = (sites: CallSite[], code: string) => sites.flatMap((s) => s.diagnostics).find((d) => d.code === code);

test('python-int-overflow: CPython rejects exactly the ints outside [-2^31, 2^31)', async () => {
  // what getsockopt returns for 40000-40511 (spec §2.2): fits a C int, CPython passes it on
  assert.deepEqual(codes(await analyzeAs('python', PY('-1639998400'))), []);
  assert.deepEqual(codes(await analyzeAs('python', PY('-(2 ** 31)'))).filter((c) => c === 'python-int-overflow'), []);
  const big = await analyzeAs('python', PY('(40511 << 16) | 40000'));
  assert.deepEqual(codes(big), ['python-int-overflow']);
  assert.match(diag(big, 'python-int-overflow')!.message, /2654968896 does not fit a C int.*TypeError/);
  assert.equal((diag(big, 'python-int-overflow')!.data!.fix as { newText: string }).newText, 'struct.pack("=I", (40511 << 16) | 40000)');
  // below -2^31 fails too
  assert.ok(codes(await analyzeAs('python', PY('-(2 ** 31) - 1'))).includes('python-int-overflow'));
  assert.deepEqual(codes(await analyzeAs('python', PY('(30000 << 16) | 20000'))).filter((c) => c === 'python-int-overflow'), []);
});

test('python-int-overflow falls back to hi >= 32768 when the int itself is not recorded', () => {
  const span: Span = { line: 0, column: 0, endLine: 0, endColumn: 5 };
  const raw = (valueExprValue: number | null): RawCallSite => ({
    file: 'x.py', language: 'python', op: 'set', span, callee: 's.setsockopt',
    level: { text: 'socket.SOL_IP', value: 0, span }, optname: { text: '51', value: 51, span },
    value: { lo: 40000, hi: 40511, packed: 0x9e3f9c40, byteOrder: 'host', optlen: 4, intendedLo: 40000, intendedHi: 40511, form: 'int', span },
    socket: { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] },
    facts: { pythonIntForm: true, valueExpr: { text: 'v', value: valueExprValue, span } },
  });
  const cfg = resolveConfig(DEFAULT_CONFIG);
  assert.ok(judgeCallSite(raw(null), cfg, ['']).diagnostics.some((d) => d.code === 'python-int-overflow'));
  assert.ok(!judgeCallSite(raw(-1639998400), cfg, ['']).diagnostics.some((d) => d.code === 'python-int-overflow'));
  assert.ok(judgeCallSite(raw(0x9e3f9c40), cfg, ['']).diagnostics.some((d) => d.code === 'python-int-overflow'));
});

test('struct.pack out of its format\'s range raises struct.error before setsockopt', async () => {
  const signed = await analyzeAs('python', PY('struct.pack("=i", (40511 << 16) | 40000)'));
  const d = diag(signed, 'python-int-overflow')!;
  assert.ok(d, `got ${codes(signed).join(', ')}`);
  assert.equal(d.severity, 'error');
  assert.match(d.message, /struct\.error/);
  assert.equal((d.data!.fix as { newText: string }).newText, 'struct.pack("=I", (40511 << 16) | 40000)');
  // "H" with 70000: struct.error too, and the half does not fit 16 bits
  const hs = await analyzeAs('python', PY('struct.pack("HH", 70000, 40511)'));
  // nothing reaches the kernel: no effective range, no netns verdict on the wrapped bytes (lo 4464)
  assert.deepEqual(codes(hs), ['half-overflow', 'python-int-overflow']);
  assert.equal(hs[0]!.effective, null);
  const lowInt = await analyzeAs('python', PY('(40511 << 16) | 20000'));
  assert.deepEqual([codes(lowInt), lowInt[0]!.effective], [['python-int-overflow'], null]);
  // in range: no struct.error
  assert.deepEqual(codes(await analyzeAs('python', PY('struct.pack("=i", -1639998400)'))), []);
  assert.deepEqual(codes(await analyzeAs('python', PY('struct.pack("=I", (40511 << 16) | 40000)'))), []);
});

const GO = (body: string) => `package p\nimport (\n\t"net"\n\t"syscall"\n\t"golang.org/x/sys/unix"\n)\nfunc f() {\n${body}\n}\n`;

test('Go Control closures: a LocalAddr written above Control is an explicit port, not set-after-bind', async () => {
  const fixed = await analyzeAs('go', GO(`\td := net.Dialer{
		LocalAddr: &net.TCPAddr{Port: 5000},
		Control: func(network, address string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) {
				unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000)
			})
		},
	}
	d.Dial("tcp", "10.0.0.2:443")`));
  assert.deepEqual(codes(fixed), ['explicit-port']);
  const zero = await analyzeAs('go', GO(`\td := net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1)},
		Control: func(network, address string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) {
				unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000)
			})
		},
	}
	d.Dial("tcp", "10.0.0.2:443")`));
  assert.deepEqual(codes(zero), ['exclusive-bind']);
});

test('before/after is decided by the index of the call\'s own event, span order only as the fallback', () => {
  const at = (line: number): Span => ({ line, column: 0, endLine: line, endColumn: 5 });
  const self: SocketEvent = { kind: 'setsockopt', option: 'IP_LOCAL_PORT_RANGE', span: at(10) };
  const raw = (events: SocketEvent[]): RawCallSite => ({
    file: 'x.go', language: 'go', op: 'set', span: at(10), callee: 'unix.SetsockoptInt',
    level: { text: 'unix.SOL_IP', value: 0, span: at(10) }, optname: { text: 'unix.IP_LOCAL_PORT_RANGE', value: 51, span: at(10) },
    value: { lo: 40000, hi: 40511, packed: 0x9e3f9c40, byteOrder: 'host', optlen: 4, form: 'int', span: at(10) },
    socket: { proto: 'tcp', family: 4, reuseAddr: false, bindAddressNoPort: false, events },
    facts: {},
  });
  const cfg = resolveConfig(DEFAULT_CONFIG);
  const judge = (events: SocketEvent[]) => judgeCallSite(raw(events), cfg, []).diagnostics.map((d) => d.code).sort();
  // the bind sits above the call in the source (line 2) but runs after it (index after self)
  assert.deepEqual(judge([self, { kind: 'bind', port: 5000, span: at(2) }, { kind: 'connect', span: at(20) }]), ['explicit-port']);
  assert.deepEqual(judge([{ kind: 'bind', port: 5000, span: at(2) }, self, { kind: 'connect', span: at(20) }]), ['set-after-bind']);
  // bind(0) then connect, both after the call by index, though written above it
  assert.deepEqual(judge([self, { kind: 'bind', port: 0, span: at(3) }, { kind: 'connect', span: at(4) }]), ['exclusive-bind']);
  // NO_PORT set (by index) before the bind: no exclusive bind
  assert.deepEqual(judge([self, { kind: 'setsockopt', option: 'IP_BIND_ADDRESS_NO_PORT', span: at(30) }, { kind: 'bind', port: 0, span: at(3) }, { kind: 'connect', span: at(4) }]), []);
  // no self event: source order decides
  assert.deepEqual(judge([{ kind: 'bind', port: 5000, span: at(2) }, { kind: 'connect', span: at(20) }]), ['set-after-bind']);
  assert.deepEqual(judge([{ kind: 'bind', port: 5000, span: at(12) }]), ['explicit-port']);
});

test('lo << 16 | hi is swapped-halves (with its quick fix) in every language, as in C', async () => {
  const C = (v: string) => `#include <stdint.h>\nvoid f(int fd) { uint32_t v = ${v}; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v)); }\n`;
  const GOV = (v: string) => GO(`\tfd := 3\n\tunix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, ${v})`);
  const cases: [string, 'c' | 'python' | 'go', string, RegExp | null][] = [
    ['C', 'c', C('(40000u << 16) | 40511u'), /40511u << 16\) \| 40000u/],
    ['Python struct.pack', 'python', PY('struct.pack("=I", (40000 << 16) | 40511)'), /^struct\.pack\("=I", \(40511 << 16\) \| 40000\)$/],
    ['Python * 65536 +', 'python', PY('struct.pack("=I", 40000 * 65536 + 40511)'), /^struct\.pack\("=I", \(40511 << 16\) \| 40000\)$/],
    ['Python through a constant', 'python', `import socket, struct\nV = (40000 << 16) | 40511\ns = socket.socket()\ns.setsockopt(0, getattr(socket, "IP_LOCAL_PORT_RANGE", 51), struct.pack("=I", V))\n`, /\(40511 << 16\) \| 40000/],
    ['Go SetsockoptInt', 'go', GOV('40000<<16 | 40511'), /^\(40511 << 16\) \| 40000$/],
    ['Go uint32 conversions', 'go', GOV('int(uint32(40000)<<16 | uint32(40511))'), /^\(40511 << 16\) \| 40000$/],
  ];
  for (const [name, lang, src, fix] of cases) {
    const sites = await analyzeAs(lang, src);
    assert.equal(sites.length, 1, name);
    const got = codes(sites);
    assert.ok(got.includes('swapped-halves'), `${name}: ${got.join(', ')}`);
    assert.ok(!got.includes('empty-range'), `${name}: ${got.join(', ')}`);
    const d = diag(sites, 'swapped-halves')!;
    assert.match(d.message, /EINVAL.*meant 40000-40511/, name);
    assert.deepEqual([sites[0]!.value!.intendedLo, sites[0]!.value!.intendedHi], [40000, 40511], name);
    if (fix) assert.match((d.data!.fix as { newText: string }).newText, fix, name);
  }
  // still empty-range: named bounds that say so, struct-like halves, and byte-swapped halves
  const named = await analyzeAs('python', `import socket, struct\nport_lo, port_hi = 40511, 40000\ns = socket.socket()\ns.setsockopt(0, getattr(socket, "IP_LOCAL_PORT_RANGE", 51), struct.pack("=I", port_hi << 16 | port_lo))\n`);
  assert.deepEqual(codes(named), ['empty-range']);
  assert.deepEqual(codes(await analyzeAs('python', PY('struct.pack("HH", 40511, 40000)'))), ['empty-range']);
  assert.deepEqual(codes(await analyzeAs('go', GO(`\tfd := 3\n\thi, lo := 40000, 40511\n\tunix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, hi<<16|lo)`))), ['empty-range']);
  const htons = codes(await analyzeAs('python', PY('struct.pack("=I", socket.htons(40000) << 16 | socket.htons(40511))')));
  assert.ok(htons.includes('network-byte-order') && !htons.includes('swapped-halves'), htons.join(', '));
});

test('python-int-overflow through a helper: judged by the Python int the caller passes', async () => {
  const src = (arg: string) => `import socket\ndef set_range(s, v):\n    s.setsockopt(socket.SOL_IP, getattr(socket, "IP_LOCAL_PORT_RANGE", 51), v)\ns = socket.socket()\nset_range(s, ${arg})\n`;
  const ok = (await analyzeAs('python', src('-1639998400'))).filter((s) => s.via);
  assert.equal(ok.length, 1);
  assert.equal(ok[0]!.facts.valueExpr?.value, -1639998400);
  assert.deepEqual(codes(ok), []);
  const bad = (await analyzeAs('python', src('(40511 << 16) | 40000'))).filter((s) => s.via);
  assert.deepEqual(codes(bad), ['python-int-overflow']);
  assert.equal((diag(bad, 'python-int-overflow')!.data!.fix as { newText: string }).newText, 'struct.pack("=I", (40511 << 16) | 40000)');
});
