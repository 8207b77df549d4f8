// The decoder (engine/src/decode): every input form, strace's own test vectors
// (tests/sockopt-ip_local_port_range.c in strace), validity and the effective range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeValue, DecodeInputError, straceNotation, straceRangeText } from '../../engine/src/decode/decode';
import { parseValue } from '../../engine/src/decode/parse';

// strace's vectors: value → the comment strace prints (null = none).
const STRACE_VECTORS: [number, string | null][] = [
  [0, null], [1, '1..'], [12345, '12345..'], [0xbeef, '48879..'], [0x10000, '..1'], [12345 << 16, '..12345'],
  [0x12341234, '4660..4660'], [0x87654321, '17185..34661'], [0xbadc0ded, '3565..47836'], [0xbeef0000, '..48879'],
  [0xbeef0001, '1..48879'], [0xbeefbeef, '48879..48879'], [0xbeefface, null],
];

test("strace's vectors: our rendering matches, and each printed form decodes back to the value", () => {
  for (const [v, comment] of STRACE_VECTORS) {
    const packed = v >>> 0;
    assert.equal(straceRangeText(packed), comment, `0x${packed.toString(16)}`);
    const printed = straceNotation(packed);
    assert.equal(printed, packed === 0 ? '[0]' : `[0x${packed.toString(16)}${comment ? ` /* ${comment} */` : ''}]`);
    for (const form of [printed, `0x${packed.toString(16)}`, String(packed), ...(comment ? [comment, `[${comment}]`] : [])]) {
      const d = decodeValue(form);
      assert.equal(d.packed, packed, form);
      assert.equal(d.notes.some((n) => n.startsWith('the comment says')), false, form);
    }
  }
  assert.deepEqual(pick(decodeValue('0')), { lo: 0, hi: 0, accepted: true, errno: null, effective: { lo: 32768, hi: 60999, rule: 'netns' } });
  assert.ok(decodeValue('0').notes.includes('0 clears the option: the netns range applies'));
  assert.deepEqual(pick(decodeValue('0x10000')), { lo: 0, hi: 1, accepted: true, errno: null, effective: { lo: 32768, hi: 60999, rule: 'ignored' } });
  assert.deepEqual(pick(decodeValue('0x87654321')), { lo: 17185, hi: 34661, accepted: true, errno: null, effective: { lo: 32768, hi: 34661, rule: 'socket-hi' } });
  const bad = decodeValue('0xbeefface');
  assert.deepEqual(pick(bad), { lo: 64206, hi: 48879, accepted: false, errno: 'EINVAL', effective: null });
  assert.equal(bad.reason, 'lo 64206 > hi 48879');
  assert.equal(bad.strace, '[0xbeefface]');
});

function pick(d: ReturnType<typeof decodeValue>) {
  return { lo: d.lo, hi: d.hi, accepted: d.accepted, errno: d.errno, effective: d.effective };
}

test('every input form of 40000-40511 gives the same value', () => {
  const forms = [
    '2654968896', '0x9e3f9c40', '0x9E3F9C40u', '-1639998400', '40000-40511', '40000..40511', '[40000..40511]',
    '[0x9e3f9c40 /* 40000..40511 */]', '40 9c 3f 9e', '40:9c:3f:9e', '\\x40\\x9c\\x3f\\x9e', "b'@\\x9c?\\x9e'", '"\\x40\\x9c\\x3f\\x9e"',
    'setsockopt(3, SOL_IP, IP_LOCAL_PORT_RANGE, [0x9e3f9c40 /* 40000..40511 */], 4) = 0',
    'getsockopt(3, SOL_IP, IP_LOCAL_PORT_RANGE, [0x9e3f9c40 /* 40000..40511 */], [4]) = 0',
    'setsockopt(3, 0, 0x33, [0x9e3f9c40], 4) = 0',
    'setsockopt(3, 0 /* SOL_IP */, 0x33 /* IP_LOCAL_PORT_RANGE */, [0x9e3f9c40 /* 40000..40511 */], 4) = 0',
  ];
  for (const f of forms) {
    const d = decodeValue(f);
    assert.deepEqual([d.lo, d.hi, d.packed, d.accepted, d.effective?.rule], [40000, 40511, 0x9e3f9c40, true, 'socket'], f);
  }
  assert.match(decodeValue('-1639998400').notes[0], /signed int view .* 2654968896 = 0x9e3f9c40/);
  const big = decodeValue('9e 3f 9c 40', { byteOrder: 'big' });
  assert.equal(big.packed, 0x9e3f9c40);
});

test('byte order and swapped halves: what was probably meant', () => {
  // htonl(PACK(40000, 40511)) on little-endian: accepted, silently ignored (spec §2.3).
  const net = decodeValue('0x409c3f9e');
  assert.deepEqual([net.lo, net.hi, net.accepted, net.effective?.rule], [16286, 16540, true, 'ignored']);
  assert.ok(net.notes.some((n) => /probably meant 40000-40511 .*network byte order \(htonl\)/.test(n)), net.notes.join('\n'));
  // The same bytes pasted in big-endian order.
  const bytes = decodeValue('9e 3f 9c 40');
  assert.ok(bytes.notes.some((n) => /probably meant 40000-40511 .*bytes read in the other order/.test(n)), bytes.notes.join('\n'));
  // (lo << 16) | hi: EINVAL.
  const swapped = decodeValue('0x9c409e3f');
  assert.deepEqual([swapped.errno, swapped.effective], ['EINVAL', null]);
  assert.ok(swapped.notes.some((n) => /probably meant 40000-40511 .*halves swapped/.test(n)));
  // htons() per half of (40100, 40200): lo > hi, EINVAL (spec §2.3).
  const halves = decodeValue(String(((0x08 << 24) | (0x9d << 16) | (0xa4 << 8) | 0x9c) >>> 0));
  assert.equal(halves.errno, 'EINVAL');
  assert.ok(halves.notes.some((n) => /probably meant 40100-40200 .*htons/.test(n)), halves.notes.join('\n'));
  // A sane value gets no guess.
  assert.equal(decodeValue('40000-40511').notes.length, 0);
});

test('optlen, kernel and netns', () => {
  const three = decodeValue('40 9c 3f');
  assert.deepEqual([three.optlen, three.errno, three.reason], [3, 'EINVAL', 'optlen must be exactly 4 (got 3)']);
  const eight = decodeValue('\\x4d\\x9d\\xfc\\x9d\\x00\\x00\\x00\\x00');
  assert.deepEqual([eight.optlen, eight.lo, eight.hi, eight.errno], [8, 40269, 40444, 'EINVAL']);
  assert.equal(decodeValue('40000-40511', { kernel: '5.15' }).errno, 'ENOPROTOOPT');
  assert.equal(decodeValue('40000-40511', { kernel: '6.1.32' }).accepted, true);
  const clamped = decodeValue('30000-40004', { netns: { lo: 40000, hi: 40009 } });
  assert.deepEqual(clamped.effective, { lo: 40000, hi: 40004, rule: 'socket-hi' });
  assert.ok(clamped.notes.some((n) => /only the upper bound is honoured/.test(n)));
  assert.match(decodeValue('[0x9e3f9c40 /* 40000..40512 */]').notes[0], /the comment says 40000\.\.40512 but 0x9e3f9c40 decodes to 40000\.\.40511/);
});

test('bad input: a clear DecodeInputError, never a crash', () => {
  const bad: [string, RegExp][] = [
    ['', /empty value/],
    ['hello', /cannot read "hello": expected a u32/],
    ['0x100000000', /does not fit in 32 bits/],
    ['4294967296', /does not fit in 32 bits/],
    ['-2147483649', /below the smallest 32-bit int/],
    ['70000-80000', /lo must be a port in 0\.\.65535/],
    ['40000..70000', /hi must be a port/],
    ['[..]', /cannot read/],
    ["b'\\q'", /unknown escape \\q/],
    ['\\x4', /cannot read/],
    ["b'\\xZZ'", /bad escape/],
    ["b''", /empty byte string/],
    ['setsockopt(3, SOL_IP, IP_LOCAL_PORT_RANGE, 0x7ffd1234, 5) = -1 EINVAL', /printed the address/],
    ['setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0', /not one for IP_LOCAL_PORT_RANGE/],
  ];
  for (const [text, re] of bad) assert.throws(() => decodeValue(text), (e: Error) => e instanceof DecodeInputError && re.test(e.message), text);
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (s) => {
    try {
      const d = decodeValue(s);
      assert.ok(d.packed >= 0 && d.packed <= 0xffffffff);
    } catch (e) {
      assert.ok(e instanceof DecodeInputError, String(e));
    }
  }), { numRuns: 2000 });
});

test('properties: every u32 round-trips through every printed form', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
    const forms = [String(v), `0x${v.toString(16)}`, String(v | 0), straceNotation(v)];
    const le = [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
    forms.push(le.map((b) => b.toString(16)).join(' '), le.map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''));
    for (const f of forms) assert.equal(parseValue(f).packed, v, f);
  }), { numRuns: 500 });
});
