import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryOp, bswap16, bswap32, known, parseIntLiteral, unaryOp, wrap, INT, UINT } from '../../server/src/analysis/core/numeric';
import { analyzeC, fn } from './helpers';

const lit = (t: string, l: 'c' | 'python' | 'go' = 'c') => {
  const r = parseIntLiteral(t, l);
  return r === null ? null : r.value;
};

test('integer literals in every base and with every suffix', () => {
  assert.equal(lit('40000'), 40000n);
  assert.equal(lit('0x9C40'), 40000n);
  assert.equal(lit('0X9c40'), 40000n);
  assert.equal(lit('0b1001110001000000'), 40000n);
  assert.equal(lit('0116100'), 40000n); // C octal
  assert.equal(lit('40000u'), 40000n);
  assert.equal(lit('40000U'), 40000n);
  assert.equal(lit('40000l'), 40000n);
  assert.equal(lit('40000UL'), 40000n);
  assert.equal(lit('40000ULL'), 40000n);
  assert.equal(lit('40000llu'), 40000n);
  assert.equal(lit("40'000"), 40000n); // C23 separator
  assert.equal(lit('40_000', 'python'), 40000n);
  assert.equal(lit('0o116100', 'python'), 40000n);
  assert.equal(lit('0o116100', 'go'), 40000n);
  assert.equal(lit('0116100', 'go'), 40000n);
  assert.equal(lit('0x_9C40', 'go'), 40000n); // Go and Python allow a separator after the prefix
  assert.equal(lit('0116100', 'python'), null); // Python 3 has no 0777 octal
  assert.equal(lit('40000uu'), null);
  assert.equal(lit('1.5'), null);
  assert.equal(lit('0xZZ'), null);
  assert.equal(lit('40__000', 'python'), null);
});

test('C literal types follow C11 6.4.4.1', () => {
  assert.deepEqual(parseIntLiteral('1', 'c')!.type, INT);
  assert.deepEqual(parseIntLiteral('1u', 'c')!.type, UINT);
  assert.deepEqual(parseIntLiteral('0x9E3F9C40', 'c')!.type, UINT); // hex that does not fit int is unsigned
  assert.equal(parseIntLiteral('2654968896', 'c')!.type!.bits, 64); // decimal goes to long
  assert.equal(parseIntLiteral('40000', 'python')!.type, null);
});

test('operators: arithmetic, bitwise, shifts, and language rounding', () => {
  const k = (v: number) => known(v, null);
  assert.equal(binaryOp('<<', k(40511), k(16), 'c').value, 2654928896n);
  assert.equal(binaryOp('|', k(2654928896), k(40000), 'c').value, 2654968896n);
  assert.equal(binaryOp('&', k(0xff00), k(0x0ff0), 'c').value, 0x0f00n);
  assert.equal(binaryOp('^', k(0xff), k(0x0f), 'c').value, 0xf0n);
  assert.equal(binaryOp('>>', k(0x9E3F9C40), k(16), 'c').value, 40511n);
  assert.equal(binaryOp('+', k(1), k(2), 'c').value, 3n);
  assert.equal(binaryOp('-', k(1), k(2), 'c').value, -1n);
  assert.equal(binaryOp('*', k(40511), k(65536), 'c').value, 2654928896n);
  assert.equal(binaryOp('/', k(-7), k(2), 'c').value, -3n);
  assert.equal(binaryOp('//', k(-7), k(2), 'python').value, -4n);
  assert.equal(binaryOp('%', k(-7), k(2), 'c').value, -1n);
  assert.equal(binaryOp('%', k(-7), k(2), 'python').value, 1n);
  assert.equal(binaryOp('/', k(8), k(2), 'python').value, null); // true division is a float
  assert.equal(binaryOp('/', k(1), k(0), 'c').value, null);
  assert.equal(binaryOp('<<', k(1), k(-1), 'c').value, null);
  assert.equal(binaryOp('&^', k(0xff), k(0x0f), 'go').value, 0xf0n);
  assert.equal(binaryOp('**', k(2), k(16), 'python').value, 65536n);
  assert.equal(binaryOp('**', k(2), k(100000), 'python').value, null); // bounded
  assert.equal(binaryOp('|', k(1), { value: null, type: null }, 'c').value, null); // unknown stays unknown
  assert.equal(unaryOp('-', k(5), 'c').value, -5n);
  assert.equal(unaryOp('~', known(0, UINT), 'c').value, 0xffffffffn);
  assert.equal(unaryOp('~', k(0), 'python').value, -1n);
  assert.equal(unaryOp('^', k(0), 'go').value, -1n);
  assert.equal(wrap(-1n, UINT), 0xffffffffn);
  assert.equal(bswap16(40000n), 16540n);
  assert.equal(bswap32(0x9E3F9C40n), 0x409C3F9En);
});

test('C folding: macros (object, function-like, recursive), enums, consts, casts, sizeof', async () => {
  const sites = await analyzeC(fn(`
    uint32_t a = PACK(LO, HI);
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &a, sizeof(a));
    uint32_t b = ((uint32_t)E_HI << 16) | E_LO;
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &b, sizeof(uint32_t));
    uint32_t c = SELF;
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &c, 4);
    uint32_t d = (uint16_t)0x19C40 | (G << 16);
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &d, sizeof d);`,
  `#define LO 0x9C40
   #define HI (LO + 511)
   #define PACK(l, h) (((uint32_t)(h) << 16) | (l))
   #define SELF (SELF + 1)
   enum { E_LO = 40000, E_HI = E_LO + 511, E_NEXT };
   static const uint32_t G = 40511u;`));
  assert.equal(sites.length, 4);
  for (const i of [0, 1, 3]) {
    assert.equal(sites[i]!.value!.lo, 40000, `site ${i}`);
    assert.equal(sites[i]!.value!.hi, 40511, `site ${i}`);
    assert.equal(sites[i]!.value!.optlen, 4, `site ${i}`);
  }
  assert.equal(sites[2]!.value!.lo, null, 'a self-referencing macro is not statically known');
});

test('sizeof of fixed-width types, structs of two u16 and arrays', async () => {
  const cases: [string, number][] = [
    ['uint16_t', 2], ['uint32_t', 4], ['uint64_t', 8], ['int', 4], ['long', 8], ['unsigned short', 2],
    ['struct pr', 4], ['uint16_t[2]', 4], ['uint32_t[2]', 8], ['range_t', 4],
  ];
  for (const [t, n] of cases) {
    const sites = await analyzeC(fn(`uint32_t v = 1; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(${t}));`,
      'struct pr { uint16_t lo, hi; }; typedef struct { uint16_t lo; uint16_t hi; } range_t;'));
    assert.equal(sites[0]!.value!.optlen, n, `sizeof(${t})`);
  }
});

test('locals written more than once: the last write in straight-line code, else unknown', async () => {
  const sites = await analyzeC(fn(`uint32_t v = 1; v = (40511u << 16) | 40000u; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4);
    uint32_t w = 5; w |= 6; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &w, 4);
    uint32_t x; x = (40511u << 16) | 40000u; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &x, 4);
    uint32_t u = 1; if (fd) u = 2; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &u, 4);
    uint32_t t = 1; fill(&t); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &t, 4);
    uint32_t r = 7; r = r + 1; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, 4);
    for (;;) { setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &x, 4); x = 3; }`));
  assert.deepEqual(sites.map((s) => s.value!.packed), [0x9e3f9c40, null, 0x9e3f9c40, null, null, 8, null]);
});
