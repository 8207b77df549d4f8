// Bounded halves (issue 10): a value computed from free integer inputs is judged on concrete inputs
// (core/bounded.ts); the messages name the inputs and what the kernel then reads, from the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeAs } from './helpers';
import type { CallSite } from '../../server/src/analysis/callSite';
import { unpackRange } from '../../engine/src/uapi';

const PRELUDE = '#include <sys/socket.h>\n#include <netinet/in.h>\n#include <cstdint>\n';
const block = (hiDecl: string, guard = '') => `${PRELUDE}
int bind_block(int fd, unsigned short port, unsigned short count) {
    ${guard}
    ${hiDecl}
    std::uint32_t v = (static_cast<std::uint32_t>(hi) << 16) | port;
    return ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
}
`;
const messages = (s: CallSite) => Object.fromEntries(s.diagnostics.map((d) => [d.code, d]));

test('hi = port + count - 1: half-overflow and empty-range name the inputs and the kernel\'s reading', async () => {
  const [s] = await analyzeAs('cpp', block('unsigned hi = port + count - 1;'));
  assert.ok(s && s.value && s.value.lo === null && s.value.packed === null, 'the value itself stays unknown');
  const d = messages(s);
  assert.equal(d['half-overflow']?.message, 'hi = port + count - 1 can reach 131069 (port 65535 and count 65535); for port 65000 and count 1000 the kernel reads lo=65000 hi=463 and fails with EINVAL');
  assert.equal(d['half-overflow']?.severity, 'warning');
  assert.equal(d['empty-range']?.message, 'lo > hi for some inputs and the code does not check it before the call: for port 1000 and count 0 the kernel reads lo=1000 hi=999 and fails with EINVAL');
  assert.equal(d['empty-range']?.severity, 'warning');
  // The half's interval and its witnesses are carried for presentation.
  assert.deepEqual({ lo: s.value.bounded?.hi?.lo, hi: s.value.bounded?.hi?.hi, at: s.value.bounded?.hi?.atHi }, { lo: -1, hi: 131069, at: [['port', 65535], ['count', 65535]] });
});

test('every witness is a real input: the packed value is what the code computes for it', async () => {
  const [s] = await analyzeAs('cpp', block('unsigned hi = port + count - 1;'));
  const ws = s!.value!.bounded!.witnesses;
  assert.ok(ws.length > 10);
  for (const w of ws) {
    const { port, count } = Object.fromEntries(w.inputs) as { port: number; count: number };
    const hi = (port + count - 1) >>> 0;
    assert.equal(w.packed, ((hi << 16) | port) >>> 0, `port ${port} count ${count}`);
    assert.equal(w.intendedHi, hi);
  }
  // Half overflows are listed first, so checks find them even when few witnesses are kept.
  assert.ok(ws[0]!.intendedHi! > 65535);
});

test('no warning when the types make overflow impossible, and none after a check of the inputs', async () => {
  const narrow = await analyzeAs('cpp', `${PRELUDE}
int set_pair(int fd, std::uint16_t lo, std::uint16_t hi) {
    std::uint32_t v = (static_cast<std::uint32_t>(hi) << 16) | lo;
    return ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
}`);
  assert.deepEqual(narrow.flatMap((s) => s.diagnostics.map((d) => d.code)), []);
  assert.ok(narrow[0]!.value!.bounded, 'judged (bounded), just nothing to report');
  const guarded = await analyzeAs('cpp', block('unsigned hi = port + count - 1;', 'if (count == 0 || port + count - 1 > 65535) return -1;'));
  assert.deepEqual(guarded[0]!.diagnostics, []);
  assert.match(guarded[0]!.value!.bounded!.guard ?? '', /count == 0/);
  // A guard on an unrelated name does not count.
  const unrelated = await analyzeAs('cpp', block('unsigned hi = port + count - 1;', 'if (fd < 0) return -1;'));
  assert.deepEqual(unrelated[0]!.diagnostics.map((d) => d.code).sort(), ['empty-range', 'half-overflow']);
});

test('a 16-bit hi truncates at the assignment: empty-range with the truncated reading', async () => {
  const [s] = await analyzeAs('cpp', block('std::uint16_t hi = port + count - 1;'));
  const d = messages(s!);
  assert.equal(d['half-overflow'], undefined);
  assert.match(d['empty-range']!.message, /for port 65000 and count 1000 the kernel reads lo=65000 hi=463 and fails with EINVAL$/);
});

test('severity overrides apply to the bounded variant; an old kernel fails differently and says so', async () => {
  const [s] = await analyzeAs('cpp', block('unsigned hi = port + count - 1;'), { severity: { 'half-overflow': 'error', 'empty-range': 'off' } });
  assert.deepEqual(s!.diagnostics.map((d) => [d.code, d.severity]), [['half-overflow', 'error']]);
  const [old] = await analyzeAs('cpp', block('unsigned hi = port + count - 1;'), { kernel: '6.1' });
  const d = messages(old!);
  assert.match(d['half-overflow']!.message, /fails with ENOPROTOOPT$/);
  assert.equal(d['empty-range'], undefined, 'lo > hi is not what makes it fail there');
});

test('Rust: u32 arithmetic that wraps reports the witness figure instead of a bound', async () => {
  const [s] = await analyzeAs('rust', `const IP_LOCAL_PORT_RANGE: libc::c_int = 51;
fn port_block(fd: i32, port: u16, count: u16) -> i32 {
    let hi = port as u32 + count as u32 - 1;
    let v: u32 = (hi << 16) | port as u32;
    unsafe { libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const libc::c_void, 4) }
}`);
  const d = messages(s!);
  assert.equal(d['half-overflow']?.message, 'hi = port as u32 + count as u32 - 1 does not fit 16 bits for some inputs (it is 65999 for port 65000 and count 1000); for port 65000 and count 1000 the kernel reads lo=65000 hi=463 and fails with EINVAL');
  assert.deepEqual(unpackRange(s!.value!.bounded!.witnesses[0]!.packed), { lo: 65000, hi: 463 });
});

test('table entries: each entry is one site, named in its diagnostics', async () => {
  const sites = await analyzeAs('rust', `const IP_LOCAL_PORT_RANGE: libc::c_int = 51;
const RANGES: [(u16, u16); 3] = [(40000, 40999), (41000, 40999), (42000, 42999)];
fn apply(fd: i32) {
    for (lo, hi) in RANGES.iter() {
        let v: u32 = ((*hi as u32) << 16) | *lo as u32;
        unsafe { libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const libc::c_void, 4) };
    }
}`);
  assert.deepEqual(sites.map((s) => s.value?.entry), [
    { label: 'RANGES[0] = (40000, 40999)', index: 0, count: 3 },
    { label: 'RANGES[1] = (41000, 40999)', index: 1, count: 3 },
    { label: 'RANGES[2] = (42000, 42999)', index: 2, count: 3 },
  ]);
  assert.deepEqual(sites.flatMap((s) => s.diagnostics.map((d) => d.message)), ['entry RANGES[1] = (41000, 40999): lo 41000 > hi 40999: setsockopt fails with EINVAL']);
});
