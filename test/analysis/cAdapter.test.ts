import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeC, fn } from './helpers';
import { languageForPath } from '../../server/src/analysis/index';

const S = 'struct pr { uint16_t lo, hi; };\n#define PR ((40511u << 16) | 0x9C40)';

test('languageForPath maps C, C++, Python, Go and Rust extensions', () => {
  assert.equal(languageForPath('a.c'), 'c');
  assert.equal(languageForPath('a.h'), 'c');
  assert.equal(languageForPath('a.cc'), 'cpp');
  assert.equal(languageForPath('x/a.hpp'), 'cpp');
  assert.equal(languageForPath('a.py'), 'python');
  assert.equal(languageForPath('a.go'), 'go');
  assert.equal(languageForPath('a.rs'), 'rust');
  assert.equal(languageForPath('a.txt'), null);
});

test('every C value form decodes to lo=40000 hi=40511', async () => {
  const forms = [
    'uint32_t v = (40511u << 16) | 40000u; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));',
    'uint32_t v = 0x9E3F9C40; setsockopt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, (void *)&v, sizeof v);',
    'struct pr r = { .lo = 40000, .hi = 40511 }; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, sizeof(r));',
    'struct pr r = { 40000, 40511 }; setsockopt(fd, 0, IP_LOCAL_PORT_RANGE, &r, sizeof(struct pr));',
    'struct pr r; r.lo = 40000; r.hi = 40511; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, 4);',
    'uint16_t a[2] = { 40000, 40511 }; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, a, sizeof(a));',
    'setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &(uint32_t){ 40511u * 65536 + 40000 }, 4);',
    'zsock_setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &(uint32_t){ (40511u << 16) | 40000 }, sizeof(uint32_t));',
    'uint32_t v = PR; ops->setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, (char *)&v, (socklen_t)sizeof(v));',
    'uint32_t v = 1; v = 40000 | 40511u << 16; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));',
  ];
  for (const body of forms) {
    const sites = await analyzeC(fn(body, S));
    assert.equal(sites.length, 1, body);
    const v = sites[0]!.value!;
    assert.deepEqual([v.lo, v.hi, v.packed, v.optlen, v.byteOrder], [40000, 40511, 0x9e3f9c40, 4, 'host'], body);
    assert.deepEqual(sites[0]!.effective, { lo: 40000, hi: 40511, rule: 'socket' }, body);
    assert.deepEqual(sites[0]!.diagnostics.map((d) => d.code), [], body);
  }
});

test('C++ files go through the C++ grammar and find both ::setsockopt and setsockopt', async () => {
  const sites = await analyzeC('void f(int fd) { uint32_t v = (40511u << 16) | 40000u; ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }', {}, 'cpp');
  assert.equal(sites.length, 2);
  assert.equal(sites.at(-1)!.language, 'cpp');
  assert.equal(sites.at(-1)!.value!.lo, 40000);
});

test('htonl / htons give network byte order and the value the kernel really reads', async () => {
  const [a] = await analyzeC(fn('uint32_t v = htonl((40511u << 16) | 40000u); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4);'));
  assert.deepEqual([a!.value!.lo, a!.value!.hi, a!.value!.byteOrder, a!.value!.intendedLo, a!.value!.intendedHi], [16286, 16540, 'network', 40000, 40511]);
  const [b] = await analyzeC(fn('struct pr r = { htons(40000), htons(40511) }; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, 4);', S));
  assert.deepEqual([b!.value!.lo, b!.value!.hi, b!.value!.byteOrder], [16540, 16286, 'network']);
  // On a big-endian host htonl is a no-op: nothing to report.
  const [c] = await analyzeC(fn('uint32_t v = htonl((40511u << 16) | 40000u); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4);'), { hostByteOrder: 'big' });
  assert.deepEqual([c!.value!.lo, c!.value!.hi, c!.value!.byteOrder], [40000, 40511, 'host']);
});

test('struct field order decides lo/hi, per host byte order', async () => {
  const [le] = await analyzeC(fn('struct rp r = { .hi = 40511, .lo = 40000 }; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, 4);', 'struct rp { uint16_t hi; uint16_t lo; };'));
  assert.deepEqual([le!.value!.lo, le!.value!.hi], [40511, 40000]);
  assert.ok(le!.diagnostics.some((d) => d.code === 'swapped-halves'));
  const [be] = await analyzeC(fn('struct rp r = { .hi = 40511, .lo = 40000 }; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, 4);', 'struct rp { uint16_t hi; uint16_t lo; };'), { hostByteOrder: 'big' });
  assert.deepEqual([be!.value!.lo, be!.value!.hi], [40000, 40511]);
});

test('a helper forwarding (lo, hi) or (hi, lo): order read from its body', async () => {
  const lohi = `static int set_range(int fd, uint32_t lo, uint32_t hi) { uint32_t v = (hi << 16) | lo; return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v)); }
    void g(int s) { set_range(s, 40000, 40511); }`;
  const hilo = `static int set_range(int fd, uint32_t upper, uint32_t lower) { return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &(uint32_t){ (upper << 16) | lower }, 4); }
    void g(int s) { set_range(s, 40511, 40000); set_range(s, 40000, 40511); }`;
  const a = (await analyzeC(lohi)).filter((s) => s.via);
  assert.equal(a.length, 1);
  assert.deepEqual([a[0]!.callee, a[0]!.value!.lo, a[0]!.value!.hi, a[0]!.span.line], ['set_range', 40000, 40511, 1]);
  const b = (await analyzeC(hilo)).filter((s) => s.via);
  assert.deepEqual(b.map((s) => [s.value!.lo, s.value!.hi]), [[40000, 40511], [40511, 40000]]);
  assert.deepEqual(b[1]!.diagnostics.map((d) => d.code), ['empty-range']);
  // The helper's own call is reported with a value that is not statically known.
  const inner = (await analyzeC(hilo)).find((s) => !s.via)!;
  assert.equal(inner.value!.lo, null);
});

test('other socket options and look-alike calls are not reported', async () => {
  const sites = await analyzeC(fn(`
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one);
    setsockopt(fd, SOL_IP, 52, &one, sizeof one);
    my_setsockopt_logger("IP_LOCAL_PORT_RANGE");
    obj.setsockopt(1, 2);
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE);`));
  assert.deepEqual(sites, []);
});

test('values that are not statically known stay null', async () => {
  const sites = await analyzeC(`void f(int fd, uint32_t v, const void *p, int n) {
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, p, n);
    uint32_t w = compute(); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &w, 4); }`);
  assert.equal(sites.length, 3);
  for (const s of sites) {
    assert.equal(s.value!.lo, null);
    assert.equal(s.value!.packed, null);
    assert.equal(s.effective, null);
    assert.deepEqual(s.diagnostics, []);
  }
  assert.equal(sites[0]!.value!.optlen, 4);
  assert.equal(sites[1]!.value!.optlen, null);
});

test('socket context: proto, family, flags and ordered events on the same fd', async () => {
  const [s] = await analyzeC(`void f(void) {
    int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int other = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(5353) };
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s, SOL_IP, IP_LOCAL_PORT_RANGE, &(uint32_t){ (40511u << 16) | 40000u }, 4);
    bind(other, 0, 0);
    bind(s, (struct sockaddr *)&a, sizeof a);
    sendto(s, "x", 1, 0, 0, 0);
  }`);
  assert.equal(s!.socket.proto, 'udp');
  assert.equal(s!.socket.family, 6);
  assert.equal(s!.socket.reuseAddr, true);
  assert.deepEqual(s!.socket.events.map((e) => e.kind), ['socket', 'setsockopt', 'setsockopt', 'bind', 'sendto']);
  assert.equal(s!.socket.events[3]!.port, 5353);
});

test('a value computed by a project function with one return (one level, parameters bound)', async () => {
  const sites = await analyzeC(`static __u32 pack_port_range(__u16 lo, __u16 hi) { return (hi << 16) | (lo << 0); }
static uint32_t pack_hi_lo(uint32_t hi, uint32_t lo) { uint32_t v = (hi << 16) | lo; return v; }
static uint32_t loops(uint32_t x) { return loops(x); }
void f(int fd) {
  __u32 a = pack_port_range(40000, 40511); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &a, sizeof(a));
  __u32 b = pack_hi_lo(40511, 40000); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &b, sizeof(b));
  __u32 c = pack_hi_lo(40000, 40511); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &c, sizeof(c));
  __u32 d = loops(3); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &d, sizeof(d));
}`);
  assert.deepEqual(sites.map((s) => [s.value!.lo, s.value!.hi]), [[40000, 40511], [40000, 40511], [40511, 40000], [null, null]]);
  // __u16 hi << 16 overflows int for 40511: reported at the call, naming the helper.
  const ss = sites[0]!.diagnostics.find((d) => d.code === 'signed-shift-overflow')!;
  assert.match(ss.message, /pack_port_range\(\)/);
  assert.equal(ss.span.line, 4);
  assert.deepEqual(sites[2]!.diagnostics.map((d) => d.code), ['empty-range']);
});
