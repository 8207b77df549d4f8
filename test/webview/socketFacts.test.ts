/**
 * "Simulate this socket", server side: what the real analyzer's call sites tell the
 * simulation (socketFactsAt), and how the client turns facts + answers into engine params.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAnalyzer, type Analyzer } from '../../server/src/analysis/index';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import { fileTarget, socketFactsAt, simulate } from '../../server/src/simulate';
import { buildParams, simulationNetns } from '../../server/src/simulationSetup';
import { resolveForFile } from '../../server/src/config/resolve';

let analyzer: Analyzer;
before(async () => {
  analyzer = await createAnalyzer({ incremental: false });
});
after(() => analyzer?.dispose());

const HEAD = `#include <sys/socket.h>
#include <netinet/in.h>
#include <stdint.h>
#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51
#endif
`;

function sitesOf(body: string, file = '/w/egress.c') {
  const text = HEAD + body;
  const r = analyzer.analyze(file, text, 'c', DEFAULT_CONFIG);
  assert.equal(r.error, undefined);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => /setsockopt\(.*IP_LOCAL_PORT_RANGE/.test(l));
  return { sites: r.callSites, line, col: lines[line].indexOf('setsockopt') };
}

test('facts: NO_PORT, the range, bind() then connect() → simulate connect() with NO_PORT', () => {
  const { sites, line, col } = sitesOf(`int f(const struct sockaddr_in *dst) {
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint32_t range = (40511u << 16) | 40000u;
    struct sockaddr_in src = {0};
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &range, sizeof(range));
    bind(fd, (struct sockaddr *)&src, sizeof(src));
    return connect(fd, (const struct sockaddr *)dst, sizeof(*dst));
}
`);
  const f = socketFactsAt(sites, { line, character: col + 3 });
  assert.ok(f);
  assert.equal(f.proto, 'tcp');
  assert.equal(f.family, 4);
  assert.equal(f.lo, 40000);
  assert.equal(f.hi, 40511);
  assert.equal(f.packed, 0x9e3f9c40);
  assert.equal(f.bindAddressNoPort, true);
  assert.equal(f.op, 'connect');
  assert.equal(f.rejected, null);
  assert.equal(f.label, `egress.c:${line + 1} setsockopt`);
  // The code lens passes the call's start; a position on the line but before the call works too.
  assert.deepEqual(socketFactsAt(sites, { line, character: 0 }), f);
  // Away from any call: nothing.
  assert.equal(socketFactsAt(sites, { line: 0, character: 0 }), null);
});

test('facts: a UDP socket that sends → sendto; the params the client builds run in the engine', () => {
  const { sites, line, col } = sitesOf(`void g(const struct sockaddr_in *dst) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    uint32_t range = (40063u << 16) | 40000u;
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &range, sizeof(range));
    sendto(fd, "x", 1, 0, (const struct sockaddr *)dst, sizeof(*dst));
}
`);
  const f = socketFactsAt(sites, { line, character: col });
  assert.ok(f);
  assert.equal(f.proto, 'udp');
  assert.equal(f.op, 'sendto');
  const p = buildParams(f, {}, { netns: { portRange: { lo: 32768, hi: 60999 } }, kernel: '6.18' });
  assert.deepEqual(p.range, { lo: 40000, hi: 40063 });
  assert.deepEqual(p.destinations, ['127.0.0.1:5000']);
  const r = simulate(p);
  assert.equal(r.withOption.stats.successes, 64);
  assert.equal(r.withOption.stats.firstFailure?.errno, 'EAGAIN');
});

test('facts: a call the kernel rejects says why, and simulates without the option by default', () => {
  const { sites, line, col } = sitesOf(`void h(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint32_t v = (40511u << 16) | 40000u;
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(uint16_t));
}
`);
  const f = socketFactsAt(sites, { line, character: col });
  assert.ok(f);
  assert.match(f.rejected ?? '', /EINVAL/);
  const env = { netns: { portRange: { lo: 32768, hi: 60999 } }, kernel: '6.18' };
  assert.equal(buildParams(f, {}, env).range, null);
  assert.deepEqual(buildParams(f, { asWritten: true }, env).range, { lo: 40000, hi: 40511 });
});

test('facts: getsockopt is not a socket to simulate', () => {
  const text = `${HEAD}void k(int fd) {
    uint32_t v; socklen_t n = sizeof(v);
    getsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, &n);
}
`;
  const r = analyzer.analyze('/w/get.c', text, 'c', DEFAULT_CONFIG);
  const line = text.split('\n').findIndex((l) => l.includes('getsockopt('));
  assert.ok(r.callSites.length >= 1, 'the analyzer sees the getsockopt call');
  assert.equal(socketFactsAt(r.callSites, { line, character: 6 }), null);
});

test('simulate: malformed params get a clear error, not a crash', () => {
  const good = buildParams(null, { range: '40000-40010' }, { netns: {}, kernel: '6.18' });
  assert.throws(() => simulate({ ...good, proto: 'icmp' as never }), /proto must be one of/);
  assert.throws(() => simulate({ ...good, kernel: 'six' }), /invalid kernel version/);
  assert.throws(() => simulate({ ...good, range: { lo: 40010, hi: 40000 } }), /EINVAL: lo 40010 > hi 40000/);
  assert.throws(() => simulate({ ...good, destinations: ['nonsense'] }), /./);
});

test('facts carry the file\'s target: directives over settings, used as the simulation defaults', () => {
  const directives = `// port-range-lens: netns-range 40000-49999
// port-range-lens: reserved 40000-40003
// port-range-lens: kernel 6.8
`;
  const body = `int e(const struct sockaddr_in *dst) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint32_t range = (40511u << 16) | 40000u;
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &range, sizeof(range));
    return connect(fd, (const struct sockaddr *)dst, sizeof(*dst));
}
`;
  const settings = { ...DEFAULT_CONFIG, netnsRange: '35000-45000', reservedPorts: '1000', kernel: '6.18' };
  const text = directives + HEAD + body;
  const r = analyzer.analyze('/w/target.c', text, 'c', settings);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => /setsockopt\(.*IP_LOCAL_PORT_RANGE/.test(l));
  // the analyzer judged the file against its directives: 4 reserved ports in the range
  assert.ok(r.callSites[0]!.diagnostics.some((d) => d.code === 'reserved-ports-overlap' && /40000-40003/.test(d.message)));
  const f = socketFactsAt(r.callSites, { line, character: 4 }, fileTarget(resolveForFile(settings, text)));
  assert.ok(f);
  assert.deepEqual([f.netnsRange, f.reserved, f.kernel], [{ lo: 40000, hi: 49999 }, '40000-40003', '6.8']);
  // the simulation's netns is the file's target, whatever the settings say
  const env = simulationNetns(resolveForFile(settings, ''), f);
  assert.deepEqual(env, { netns: { portRange: { lo: 40000, hi: 49999 }, reservedPorts: '40000-40003' }, kernel: '6.8' });
  const p = buildParams(f, { count: 600 }, env);
  assert.deepEqual([p.netns.portRange, p.netns.reservedPorts, p.kernel], [{ lo: 40000, hi: 49999 }, '40000-40003', '6.8']);
  // the engine then skips the file's reserved ports: 512 - 4 usable for one destination
  const rep = simulate(p);
  assert.equal(rep.withOption.stats.successes, 508);

  // without directives: the settings, resolved (canonical reserved list, kernel profile)
  const plain = HEAD + body;
  const r2 = analyzer.analyze('/w/plain.c', plain, 'c', settings);
  const line2 = plain.split('\n').findIndex((l) => /setsockopt\(.*IP_LOCAL_PORT_RANGE/.test(l));
  const g = socketFactsAt(r2.callSites, { line: line2, character: 4 }, fileTarget(resolveForFile(settings, plain)));
  assert.deepEqual([g!.netnsRange, g!.reserved, g!.kernel], [{ lo: 35000, hi: 45000 }, '1000', '6.18']);
  // a file that names an old kernel: the call is rejected there, and the kernel is the default
  const old = `// port-range-lens: kernel 6.1\n${plain}`;
  const r3 = analyzer.analyze('/w/old.c', old, 'c', settings);
  const h = socketFactsAt(r3.callSites, { line: line2 + 1, character: 4 }, fileTarget(resolveForFile(settings, old)));
  assert.equal(h!.kernel, '6.1');
  assert.match(h!.rejected ?? '', /ENOPROTOOPT/);
  assert.equal(simulationNetns(resolveForFile(settings, ''), h).kernel, '6.1');
  // an empty reserved list in the file's target clears the settings' list; no facts: the settings
  assert.deepEqual(simulationNetns(resolveForFile(settings, ''), { ...g!, reserved: '' }).netns, { portRange: { lo: 35000, hi: 45000 } });
  const bare = socketFactsAt(r2.callSites, { line: line2, character: 4 });
  assert.equal(bare!.netnsRange, undefined);
  assert.deepEqual(simulationNetns(resolveForFile(settings, ''), null), { netns: { portRange: { lo: 35000, hi: 45000 }, reservedPorts: '1000' }, kernel: '6.18' });
});
