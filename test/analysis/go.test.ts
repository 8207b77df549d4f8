// The Go adapter: SetsockoptInt/String/Byte values as the kernel reads them (incl. per-half
// BigEndian byte swaps), Go's typed constant arithmetic, option names, Control closures of
// net.Dialer / net.ListenConfig, raw fds, helpers, unknowns, look-alikes, hostile input; and
// the bundled example's expected diagnostics through the whole analyzer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goAdapter, __test } from '../../server/src/analysis/languages/go';
import type { AnalysisNote, RawCallSite } from '../../server/src/analysis/languages/types';
import { ROOT, adapterHarness, checkExampleExpectations, exampleCodes, analyzeExample, mutations, strictAdapters } from './helpers';

const { sites, one } = adapterHarness('go', goAdapter);

const PRE = 'package p\nimport (\n\t"encoding/binary"\n\t"net"\n\t"syscall"\n\t"golang.org/x/sys/unix"\n)\n';
const inFn = (body: string, decls = '') => `${PRE}${decls}\nfunc f(fd int) {\n${body}\n}\n`;
const lh = (s: RawCallSite) => [s.value!.lo, s.value!.hi, s.value!.byteOrder, s.value!.optlen, s.value!.form];

test('SetsockoptInt: int form in host order, typed and untyped arithmetic', async () => {
  const cases: [string, unknown[]][] = [
    ['unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000)', [40000, 40511, 'host', 4, 'int']],
    ['unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_LOCAL_PORT_RANGE, int(uint32(40511)<<16|uint32(40000)))', [40000, 40511, 'host', 4, 'int']],
    ['unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, 0x9E3F_9C40)', [40000, 40511, 'host', 4, 'int']],
    ['unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, 40511*65536+40000)', [40000, 40511, 'host', 4, 'int']],
    // a uint16 shifted by 16 is 0 in Go: the kernel gets lo only
    ['var h uint16 = 40511\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, int(h<<16|40000))', [40000, 0, 'host', 4, 'int']],
    ['const lo, hi = 40000, 40511\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, int(uint32(hi)<<16|uint32(lo)))', [40000, 40511, 'host', 4, 'int']],
    ['lo := 40000\n\thi := lo + 511\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, hi<<16|lo)', [40000, 40511, 'host', 4, 'int']],
    ['var v = 0o10 | 0b1\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, v)', [9, 0, 'host', 4, 'int']],
    ['unix.SetsockoptByte(fd, 0, unix.IP_LOCAL_PORT_RANGE, 7)', [7, 0, 'host', 1, 'byte']],
    ['var lo, hi uint32 = 40000, 40511\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, int(hi<<16|lo))', [40000, 40511, 'host', 4, 'int']],
  ];
  for (const [body, want] of cases) assert.deepEqual(lh(await one(inFn(body))), want, body);
  const s = await one(inFn('unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, int(uint32(40511)<<16|uint32(40000)))'));
  assert.deepEqual([s.value!.intendedLo, s.value!.intendedHi, s.value!.packed], [40000, 40511, 0x9e3f9c40]);
  // a big-endian host reads the int32 the same way: host order is what SetsockoptInt passes
  assert.deepEqual(lh(await one(inFn('unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000)'), 'big')), [40000, 40511, 'host', 4, 'int']);
});

test('SetsockoptString: byte buffers filled by encoding/binary, as the kernel reads them', async () => {
  const cases: [string, unknown[], 'little' | 'big'][] = [
    ['b := make([]byte, 4)\n\tbinary.LittleEndian.PutUint32(b, 40511<<16|40000)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [40000, 40511, 'little', 4, 'PutUint32'], 'little'],
    ['var b [4]byte\n\tbinary.NativeEndian.PutUint32(b[:], 40511<<16|40000)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b[:]))', [40000, 40511, 'host', 4, 'PutUint32'], 'big'],
    // spec §2.3: network order of the whole u32 on little-endian
    ['b := make([]byte, 4)\n\tbinary.BigEndian.PutUint32(b, 40511<<16|40000)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [16286, 16540, 'network', 4, 'PutUint32'], 'little'],
    // per-half BigEndian (the shipped bug): each half byte-swapped, lo > hi
    ['b := make([]byte, 4)\n\tbinary.BigEndian.PutUint16(b[0:], 40000)\n\tbinary.BigEndian.PutUint16(b[2:], 40511)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [16540, 16286, 'network', 4, 'PutUint16'], 'little'],
    ['b := make([]byte, 4)\n\tbinary.LittleEndian.PutUint16(b[0:2], 40000)\n\tbinary.LittleEndian.PutUint16(b[2:4], 40511)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [40000, 40511, 'little', 4, 'PutUint16'], 'little'],
    // on a big-endian host, per-half LittleEndian is the wrong one: hi is read from the first u16
    ['b := make([]byte, 4)\n\tbinary.LittleEndian.PutUint16(b[0:], 40000)\n\tbinary.LittleEndian.PutUint16(b[2:], 40511)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [0x3f9e, 0x409c, 'little', 4, 'PutUint16'], 'big'],
    ['b := make([]byte, 4)\n\tbinary.BigEndian.PutUint32(b, 40511<<16|40000)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [40000, 40511, 'big', 4, 'PutUint32'], 'big'],
    ['b := make([]byte, 8)\n\tbinary.LittleEndian.PutUint64(b, 40511<<16|40000)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [40000, 40511, 'little', 8, 'PutUint64'], 'little'],
    ['b := []byte{0x40, 0x9c, 0x3f, 0x9e}\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [40000, 40511, 'unknown', 4, 'bytes'], 'little'],
    ['unix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, "\\x40\\x9c\\x3f\\x9e")', [40000, 40511, 'unknown', 4, 'bytes'], 'little'],
    ['var b [4]byte\n\tb[0] = byte(40000)\n\tb[1] = byte(40000 >> 8)\n\tb[2] = byte(40511)\n\tb[3] = byte(40511 >> 8)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b[:]))', [40000, 40511, 'unknown', 4, 'bytes'], 'little'],
    ['unix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(binary.BigEndian.AppendUint32(nil, 40511<<16|40000)))', [16286, 16540, 'network', 4, 'AppendUint32'], 'little'],
    ['b := binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(nil, 40000), 40511)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [40000, 40511, 'little', 4, 'AppendUint16'], 'little'],
    ['b := make([]byte, 2)\n\tbinary.LittleEndian.PutUint16(b, 40000)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))', [40000, 0, 'little', 2, 'PutUint16'], 'little'], // optlen 2 (EINVAL): shown as the 2 bytes given (issue 9)
  ];
  for (const [body, want, host] of cases) assert.deepEqual(lh(await one(inFn(body), host)), want, `${host}: ${body}`);
  const halves = await one(inFn('b := make([]byte, 4)\n\tbinary.BigEndian.PutUint16(b[0:], 40000)\n\tbinary.BigEndian.PutUint16(b[2:], 40511)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))'));
  assert.deepEqual([halves.value!.intendedLo, halves.value!.intendedHi], [40000, 40511]);
  const put32 = await one(inFn('b := make([]byte, 4)\n\tbinary.BigEndian.PutUint32(b, uint32(40511)<<16|uint32(40000))\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))'));
  assert.deepEqual([put32.value!.intendedLo, put32.value!.intendedHi], [40000, 40511]);
});

test('buffers that escape, loops, unknown writes and later writes', async () => {
  const unknownWrites = [
    'b := make([]byte, 4)\n\tfill(b)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))',
    'b := make([]byte, 4)\n\tfor i := 0; i < 2; i++ {\n\t\tbinary.LittleEndian.PutUint16(b[2*i:], 40000)\n\t}\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))',
    'b := make([]byte, 4)\n\tif fd > 3 {\n\t\tbinary.LittleEndian.PutUint32(b, 7)\n\t}\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))',
    'b := make([]byte, 4)\n\tb = other()\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))',
  ];
  for (const body of unknownWrites) {
    const s = await one(inFn(body));
    assert.deepEqual([s.value?.lo ?? null, s.value?.hi ?? null], [null, null], body);
  }
  // a write after the call does not count
  const later = await one(inFn('b := make([]byte, 4)\n\tbinary.LittleEndian.PutUint32(b, 7)\n\tunix.SetsockoptString(fd, 0, unix.IP_LOCAL_PORT_RANGE, string(b))\n\tbinary.LittleEndian.PutUint32(b, 9)'));
  assert.equal(later.value!.lo, 7);
  assert.equal(later.value!.optlen, 4);
});

test('option names: syscall lacks the constant, magic numbers, own consts', async () => {
  const missing = await one(inFn('syscall.SetsockoptInt(fd, syscall.SOL_IP, syscall.IP_LOCAL_PORT_RANGE, 7)'));
  assert.deepEqual([missing.optname.value, missing.facts.missingConstant?.text, missing.level.value], [51, 'syscall.IP_LOCAL_PORT_RANGE', 0]);
  for (const lit of ['51', '0x33', '0o63', '063']) {
    const m = await one(inFn(`syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, ${lit}, 7)`));
    assert.deepEqual([m.facts.magicNumber?.text, m.optname.value, m.facts.missingConstant], [lit, 51, undefined], lit);
  }
  const named = await one(inFn('unix.SetsockoptInt(fd, 0, ipLocalPortRange, 7)', 'const ipLocalPortRange = 0x33\n'));
  assert.deepEqual([named.optname.value, named.facts.magicNumber, named.facts.fallbackDefine], [51, undefined, undefined]);
  const typed = await one(inFn('unix.SetsockoptInt(fd, 0, IP_LOCAL_PORT_RANGE, 7)', 'const IP_LOCAL_PORT_RANGE int = 52\n'));
  assert.deepEqual([typed.optname.value, typed.facts.fallbackDefine?.value], [52, 52]);
  const hop = await sites(inFn('const hopLimit = 51\n\tunix.SetsockoptInt(fd, unix.IPPROTO_IPV6, hopLimit, 1)\n\tunix.SetsockoptInt(fd, unix.SOL_IP, hopLimit, 7)'));
  assert.deepEqual(hop.map((x) => x.level.value), [0]);
  const local = await one(inFn('const optRange = 51\n\tunix.SetsockoptInt(fd, 0, optRange, 7)'));
  assert.equal(local.optname.value, 51);
  const aliased = await one('package p\nimport sys "golang.org/x/sys/unix"\nfunc f(fd int) { sys.SetsockoptInt(fd, sys.SOL_IP, sys.IP_LOCAL_PORT_RANGE, 7) }\n');
  assert.deepEqual([aliased.optname.value, aliased.level.value], [51, 0]);
});

test('levels and look-alikes: other options are not reported', async () => {
  const lv: [string, number | null][] = [['unix.SOL_IP', 0], ['unix.IPPROTO_IP', 0], ['0', 0], ['unix.IPPROTO_IPV6', 41], ['unix.SOL_SOCKET', 1], ['syscall.IPPROTO_IPV6', 41], ['lvl', null]];
  for (const [l, v] of lv) assert.equal((await one(inFn(`unix.SetsockoptInt(fd, ${l}, 51, 7)`))).level.value, v, l);
  const none = await sites(inFn([
    'unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)',
    'unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_RECVHOPLIMIT, 1)',
    'unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_PROTOCOL, 6)',
    'unix.SetsockoptInt(fd, unix.SOL_IP, 52, 6)',
    'unix.SetsockoptInt(fd, unix.SOL_IP, opt, 6)',
    'unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ATTACH_REUSEPORT_CBPF, 6)',
    'cfg.Set(0, 51, 7)',
    'unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)',
  ].join('\n\t')));
  assert.deepEqual(none, []);
});

test('getsockopt: op get, no value', async () => {
  const g = await one(inFn('v, err := unix.GetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE)\n\t_, _ = v, err'));
  assert.deepEqual([g.op, g.value, g.optname.value], ['get', null, 51]);
});

test('Control closures: Dialer connects after Control, LocalAddr binds, network sets the protocol', async () => {
  const d = await one(inFn(`d := net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 5000},
		Control: func(network, address string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) {
				unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
				unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000)
			})
		},
	}
	d.Dial("tcp6", "[2001:db8::1]:443")`));
  assert.deepEqual([d.socket.proto, d.socket.family, d.socket.reuseAddr, d.socket.bindAddressNoPort], ['tcp', 6, true, false]);
  assert.deepEqual(d.socket.events.map((e) => [e.kind, e.port ?? e.option ?? null]),
    [['setsockopt', 'SO_REUSEADDR'], ['setsockopt', 'IP_LOCAL_PORT_RANGE'], ['bind', 5000], ['connect', null]]);
  // execution order agrees with span order: the LocalAddr above Control is placed after the call
  const ev = d.socket.events;
  const after = (a: { line: number; column: number }, b: { line: number; column: number }) => a.line > b.line || (a.line === b.line && a.column > b.column);
  assert.ok(after(ev[2]!.span, d.span) && after(ev[3]!.span, d.span));
  const noPort = await one(inFn(`d := &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
			unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000)
		})
	}}
	d.DialContext(ctx, "udp", "10.0.0.2:53")`));
  assert.deepEqual([noPort.socket.proto, noPort.socket.family, noPort.socket.bindAddressNoPort], ['udp', null, true]);
  assert.deepEqual(noPort.socket.events.map((e) => e.kind), ['setsockopt', 'setsockopt', 'connect']);
});

test('Control closures: ListenConfig binds the address port then listens; named Control functions', async () => {
  const l = await one(inFn(`lc := net.ListenConfig{Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000)
		})
	}}
	lc.Listen(ctx, "tcp4", ":8080")`));
  assert.deepEqual([l.socket.proto, l.socket.family], ['tcp', 4]);
  assert.deepEqual(l.socket.events.map((e) => [e.kind, e.port ?? null]), [['setsockopt', null], ['bind', 8080], ['listen', null]]);
  const p = await one(inFn(`lc := net.ListenConfig{Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 7)
		})
	}}
	lc.ListenPacket(ctx, "udp", "0.0.0.0:0")`));
  assert.deepEqual(p.socket.events.map((e) => [e.kind, e.port ?? null]), [['setsockopt', null], ['bind', 0]]);
  const named = await one(`${PRE}
func ctl(network, address string, c syscall.RawConn) error {
	return c.Control(func(fd uintptr) {
		unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 7)
	})
}
func f() {
	d := net.Dialer{Control: ctl, LocalAddr: &net.UDPAddr{Port: 0}}
	d.Dial("udp4", "10.0.0.1:53")
}
`);
  assert.deepEqual([named.socket.proto, named.socket.events.map((e) => [e.kind, e.port ?? null])], ['udp', [['setsockopt', null], ['bind', 0], ['connect', null]]]);
  const assigned = await one(inFn(`var d net.Dialer
	d = net.Dialer{}
	x := net.Dialer{}
	x.Control = func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 7) })
	}
	x.Dial("tcp", "h:1")`));
  assert.deepEqual([assigned.socket.proto, assigned.socket.events.map((e) => e.kind)], ['tcp', ['setsockopt', 'connect']]);
});

test('a package-level Dialer used from functions', async () => {
  const s = await one(`${PRE}
var dialer = &net.Dialer{
	LocalAddr: &net.TCPAddr{Port: 7000},
	Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { unix.SetsockoptInt(int(fd), 0, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000) })
	},
}
func fetch() { dialer.Dial("tcp4", "192.0.2.1:80") }
`);
  assert.deepEqual([s.socket.proto, s.socket.family, s.socket.events.map((e) => [e.kind, e.port ?? null])],
    ['tcp', 4, [['setsockopt', null], ['bind', 7000], ['connect', null]]]);
});

test('RawConn of an existing connection: the socket already has its port', async () => {
  const s = await one(inFn(`conn, err := net.Dial("tcp", "10.0.0.1:80")
	if err != nil { return }
	rc, _ := conn.(*net.TCPConn).SyscallConn()
	rc.Control(func(fd uintptr) {
		unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 7)
	})`));
  assert.deepEqual([s.socket.proto, s.socket.events.map((e) => e.kind)], ['tcp', ['connect', 'setsockopt']]);
});

test('raw fds: unix.Socket, Bind, Connect in source order', async () => {
  const s = await one(inFn(`sfd, _ := unix.Socket(unix.AF_INET6, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	sa := &unix.SockaddrInet6{Port: 0}
	unix.SetsockoptInt(sfd, unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
	unix.Bind(sfd, sa)
	unix.SetsockoptInt(sfd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 7)
	unix.Connect(sfd, &unix.SockaddrInet6{Port: 53})`));
  assert.deepEqual([s.socket.proto, s.socket.family, s.socket.bindAddressNoPort], ['udp', 6, true]);
  assert.deepEqual(s.socket.events.map((e) => [e.kind, e.port ?? e.option ?? null]),
    [['socket', null], ['setsockopt', 'IP_BIND_ADDRESS_NO_PORT'], ['bind', 0], ['setsockopt', 'IP_LOCAL_PORT_RANGE'], ['connect', null]]);
  const mp = await one(inFn('m, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, unix.IPPROTO_MPTCP)\n\tunix.SetsockoptInt(m, 0, 51, 7)'));
  assert.equal(mp.socket.proto, 'mptcp');
});

test('helpers: reported at the call with constant arguments, both parameter orders', async () => {
  const text = `${PRE}
func setRange(fd int, lo, hi uint16) error {
	return unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, int(uint32(hi)<<16|uint32(lo)))
}
func limitPorts(fd int, upper, lower uint16) error {
	return unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, int(uint32(upper)<<16|uint32(lower)))
}
func f() {
	fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	unix.Connect(fd, &unix.SockaddrInet4{Port: 80})
	setRange(fd, 40000, 40511)
	limitPorts(fd, 40511, 40000)
	setRange(fd, port(), 40511)
}
`;
  const all = await sites(text);
  const wrapped = all.filter((s) => s.via);
  assert.deepEqual(wrapped.map((s) => [s.callee, s.value!.lo, s.value!.hi, s.via!.helper]),
    [['setRange', 40000, 40511, 'setRange'], ['limitPorts', 40000, 40511, 'limitPorts']]);
  for (const w of wrapped) assert.deepEqual(w.socket.events.map((e) => e.kind), ['socket', 'connect', 'setsockopt']);
  assert.equal(all.filter((s) => !s.via).length, 2); // the helpers' own calls, values unknown
  assert.ok(all.filter((s) => !s.via).every((s) => s.value!.lo === null));
  // a parameter typed uint16 truncates its argument as Go converts it
  const trunc = await sites(`${PRE}
func setRange(fd int, lo, hi uint16) { unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, int(uint32(hi)<<16|uint32(lo))) }
func f(fd int) { var big = 70000; setRange(fd, uint16(big), 40511) }
`);
  assert.deepEqual(trunc.filter((s) => s.via).map((s) => s.value!.lo), [70000 & 0xffff]);
  // a local setsockopt-named wrapper is analysed once, through its body; operands shown as the arguments
  const own = await sites(`${PRE}
func setsockoptInt(fd, level, opt, val int) error { return unix.SetsockoptInt(fd, level, opt, val) }
func f(fd int) {
	setsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	setsockoptInt(fd, unix.SOL_IP, 0x33, 40511<<16|40000)
}
`);
  assert.equal(own.length, 1);
  assert.deepEqual([own[0]!.callee, own[0]!.level.text, own[0]!.optname.text, own[0]!.facts.magicNumber?.text, own[0]!.facts.valueExpr?.text, own[0]!.value!.hi],
    ['setsockoptInt', 'unix.SOL_IP', '0x33', '0x33', '40511<<16|40000', 40511]);
  const zs = await one(inFn('zsockSetsockopt(fd, 0, 51, 7)'));
  assert.deepEqual([zs.callee, zs.value!.lo], ['zsockSetsockopt', 7]);
  const valueHelper = await one(`${PRE}
func pack(lo, hi uint16) int { return int(uint32(hi)<<16 | uint32(lo)) }
func f(fd int) { unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, pack(40000, 40511)) }
`);
  assert.deepEqual([valueHelper.value!.lo, valueHelper.value!.hi, valueHelper.value!.intendedLo, valueHelper.value!.intendedHi], [40000, 40511, 40000, 40511]);
  const swapped = await one(`${PRE}
func pack(lo, hi uint16) int { return int(uint32(lo)<<16 | uint32(hi)) }
func f(fd int) { unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, pack(40000, 40511)) }
`);
  assert.deepEqual([swapped.value!.lo, swapped.value!.hi, swapped.value!.intendedLo, swapped.value!.intendedHi], [40511, 40000, 40000, 40511]);
});

test('unknowns stay null: parameters, reassigned locals, iota, calls', async () => {
  const bodies = [
    'unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, fd)',
    'v := 7\n\tv++\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, v)',
    'v := 7\n\tv = 8\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, v)',
    'v := 7\n\tv += 1\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, v)',
    'unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, compute())',
    'for v := range xs {\n\t\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, v)\n\t}',
  ];
  for (const b of bodies) {
    const s = await one(inFn(b));
    assert.deepEqual([s.value!.lo, s.value!.hi, s.value!.packed, s.value!.optlen], [null, null, null, 4], b);
  }
  // a package var assigned in another function, a local whose address escapes
  const pkgVar = await sites(`${PRE}var rangeVal = 40511<<16 | 40000\nconst fixed = 7\nfunc init() { rangeVal = 5 }\nfunc f(fd int) {\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, rangeVal)\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, fixed)\n}\n`);
  assert.deepEqual(pkgVar.map((x) => x.value!.lo), [null, 7]);
  const untouched = await one(`${PRE}var rangeVal = 40511<<16 | 40000\nfunc f(fd int) { unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, rangeVal) }\n`);
  assert.equal(untouched.value!.lo, 40000);
  const addr = await one(inFn('v := 7\n\tmutate(&v)\n\tunix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, v)'));
  assert.equal(addr.value!.lo, null);
  // iota is the index of its const spec (b repeats a's `iota` with index 1): known, not guessed
  const iota = await one(inFn('unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, b)', 'const (\n\ta = iota\n\tb\n)\n'));
  assert.equal(iota.value!.lo, 1);
  assert.equal(__test.parseGoInt('0x9C40'), 40000n);
  assert.equal(__test.parseGoInt('40_000'), 40000n);
  assert.equal(__test.parseGoInt('0755'), 493n);
  assert.equal(__test.parseGoInt('1.5'), null);
});

test('hostile input never throws and stays bounded (by the per-site step budget and the nesting limit)', async (t) => {
  strictAdapters(t);
  const base = readFileSync(join(ROOT, 'examples/go/egress.go'), 'utf8');
  for (const variant of mutations(base, 7, 300, '{{(([', 60)) await sites(variant);
  await sites(inFn(`unix.SetsockoptInt(fd, 0, 51, ${'('.repeat(3000)}7${')'.repeat(3000)})`));
  // 100,000-deep unary/call chains: the query cursor is bounded (matches.MAX_START_DEPTH) and
  // the lowering stops at its nesting limit: the value is unknown, not a guess.
  assert.equal((await one(inFn(`unix.SetsockoptInt(fd, 0, 51, ${'-'.repeat(100_000)}1)`))).value!.lo, null);
  assert.equal((await one(inFn(`unix.SetsockoptInt(fd, 0, 51, ${'f('.repeat(100_000)}1${')'.repeat(100_000)})`))).value!.lo, null);
  // A 2,000-step chain of locals: followed within the default budget, or stopped with a note.
  const chain = inFn(`a0 := 1\n${Array.from({ length: 2000 }, (_, i) => `\ta${i + 1} := a${i} + 1`).join('\n')}\n\tunix.SetsockoptInt(fd, 0, 51, a2000)`);
  const notes: AnalysisNote[] = [];
  const [c] = await sites(chain, 'little', { notes });
  assert.ok(c!.value!.lo === 2001 || notes.some((n) => n.id === 'budget'), `lo ${c!.value!.lo}, notes ${JSON.stringify(notes)}`);
  // A small budget bounds the work per call site: the chain stops there, says so, and guesses nothing.
  const small: AnalysisNote[] = [];
  const [cut] = await sites(chain, 'little', { notes: small, maxSteps: 500 });
  assert.equal(cut!.value!.lo, null);
  assert.deepEqual(small.map((n) => [n.kind, n.id]), [['limit', 'budget']]);
  assert.match(small[0]!.message, /^evaluation budget spent at line 2011:/);
  const huge = await one(inFn(`unix.SetsockoptInt(fd, 0, 51, ${'9'.repeat(5000)} << 100000)`));
  assert.equal(huge.value!.lo, null);
  await sites('package p\nfunc f() { unix.SetsockoptInt(\x00, , 51 ))) }\n' + '\u{1F600}'.repeat(50));
});

test('many call sites in one closure: each one reported, none cut by a site or step budget', async () => {
  const body = Array.from({ length: 2000 }, (_, i) => `\t\tunix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, ${40000 + i}<<16|40000)`).join('\n');
  const notes: AnalysisNote[] = [];
  const s = await sites(inFn(`c.Control(func(fd uintptr) {\n${body}\n\t})`), 'little', { notes });
  assert.equal(s.length, 2000);
  assert.equal(s[1999]!.value!.hi, 41999);
  assert.deepEqual(notes, []);
  // (its speed is measured by bench/languages.bench.ts, not asserted here)
});

test('a large file: far helper calls, named Control functions and package vars are still resolved', async () => {
  const filler = (p: string) => Array.from({ length: 1500 }, (_, i) => `func ${p}${i}(x int) int { return x + ${i} }`).join('\n');
  const text = `${PRE}
var rangeVal = 40511<<16 | 40000
var stable = 41511<<16 | 41000
func setRange(fd int, lo, hi uint16) { unix.SetsockoptInt(fd, 0, unix.IP_LOCAL_PORT_RANGE, int(uint32(hi)<<16|uint32(lo))) }
func ctl(network, address string, c syscall.RawConn) error {
	return c.Control(func(fd uintptr) {
		unix.SetsockoptInt(int(fd), 0, unix.IP_LOCAL_PORT_RANGE, rangeVal)
		unix.SetsockoptInt(int(fd), 0, unix.IP_LOCAL_PORT_RANGE, stable)
	})
}
${filler('f')}
func reset() { rangeVal = 0 }
${filler('g')}
func main() {
	d := net.Dialer{Control: ctl}
	d.Dial("udp4", "10.0.0.1:53")
	fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	setRange(fd, 40000, 40511)
}
`;
  const all = await sites(text);
  const w = all.find((x) => x.via)!;
  assert.deepEqual([w.value!.lo, w.value!.hi, w.socket.proto], [40000, 40511, 'tcp']);
  const inCtl = all.filter((x) => !x.via && x.socket.proto === 'udp');
  assert.deepEqual(inCtl.map((x) => x.value!.lo), [null, 41000]); // rangeVal is reassigned in reset()
  assert.deepEqual(inCtl[1]!.socket.events.map((e) => e.kind), ['setsockopt', 'connect']);
});

// ---- the bundled example through the whole analyzer -----------------------------------------

test('examples/go/*.go: every expected code at its call (default config + file directives)', async () => {
  const { files, count, problems } = await checkExampleExpectations('examples/go', '.go', 'go', '//', true);
  assert.ok(files >= 3);
  assert.ok(count >= 20);
  assert.deepEqual(problems, []);
});

test('examples/go: together they show every diagnostic code that applies to Go', async () => {
  const { DIAGNOSTIC_CODES } = await import('../../server/src/diagnostics/codes');
  const seen = await exampleCodes('examples/go', 'go');
  const missing = DIAGNOSTIC_CODES.filter((c) => !(['signed-shift-overflow', 'python-int-overflow'] as string[]).includes(c) && !seen.has(c));
  assert.deepEqual(missing, []);
});

test('examples/go/egress.go: reserved-ports-overlap and kernel-too-old with config', async () => {
  const reserved = await analyzeExample('examples/go/egress.go', 'go', { reservedPorts: '40000-40099' });
  assert.ok(reserved.sites.some((s) => s.diagnostics.some((d) => d.code === 'reserved-ports-overlap')));
  const old = await analyzeExample('examples/go/egress.go', 'go', { kernel: '6.2' });
  assert.ok(old.sites.some((s) => s.diagnostics.some((d) => d.code === 'kernel-too-old')));
});
