import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getAnalyzer } from './helpers';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import type { Language } from '../../server/src/analysis/callSite';

// Deterministic PRNG so a failure reproduces.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

// Per-call-site errors are normally swallowed (one bad call never hides others); here they must not happen.
process.env.PRL_STRICT = '1';

const SEED_C = `#define A(x) (A(x) + 1)
#define PACK(lo, hi) (((uint32_t)(hi) << 16) | (lo))
struct pr { uint16_t lo, hi; };
static int h(int fd, uint16_t hi, uint16_t lo) { uint32_t v = (hi << 16) | lo; return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }
void f(int fd) { uint32_t v = PACK(40000, 40511); setsockopt(fd, 0, 51, &v, sizeof v); h(fd, 40511, 40000);
  struct pr r = { .lo = A(1), .hi = 0x9E3F }; zsock_setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, sizeof(r)); }
`;

function analyzeAll(text: string, langs: Language[] = ['c', 'python', 'go']) {
  return getAnalyzer().then((a) => langs.map((l) => a.analyze(`fuzz.${l}`, text, l, DEFAULT_CONFIG)));
}

test('2,400 random and mutated sources: no throw, no internal error', async () => {
  const a = await getAnalyzer();
  const r = rng(42);
  for (let i = 0; i < 600; i++) {
    let text: string;
    if (i % 3 === 0) {
      text = Array.from({ length: Math.floor(r() * 400) }, () => String.fromCharCode(Math.floor(r() * 256))).join('') + ' setsockopt(';
    } else {
      const cut = Math.floor(r() * SEED_C.length);
      const chars = SEED_C.split('');
      for (let k = 0; k < 5; k++) chars.splice(Math.floor(r() * chars.length), Math.floor(r() * 3), '(){};,<<|0x33'[Math.floor(r() * 14)] ?? '');
      text = i % 3 === 1 ? chars.join('').slice(0, cut) : chars.join('');
    }
    for (const lang of ['c', 'cpp', 'python', 'go'] as Language[]) {
      const res = a.analyze(`fuzz${i}`, text, lang, DEFAULT_CONFIG);
      assert.ok(Array.isArray(res.callSites));
      // Never throwing is not enough: an internal error caught by the pipeline is a bug too.
      assert.ok(!res.error?.startsWith('internal error'), `${lang} #${i}: ${res.error}\n${text.slice(0, 300)}`);
    }
  }
});

// Rust and C++: the corpus fixtures mutated the same way (the lowerings and core/sites.ts).
test('400 mutated Rust and C++ sources: no throw, no internal error', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const a = await getAnalyzer();
  const dir = join(__dirname, '..', 'fixtures');
  const seeds: [Language, string][] = [];
  for (const [lang, sub] of [['rust', 'rust'], ['cpp', 'cpp']] as const) {
    for (const f of readdirSync(join(dir, sub))) seeds.push([lang, readFileSync(join(dir, sub, f), 'utf8')]);
  }
  const r = rng(7);
  for (let i = 0; i < 200; i++) {
    const [lang, seed] = seeds[i % seeds.length]!;
    const chars = seed.split('');
    for (let k = 0; k < 8; k++) chars.splice(Math.floor(r() * chars.length), Math.floor(r() * 4), '(){};,<<|&*:<>0x33 as'[Math.floor(r() * 22)] ?? '');
    const text = i % 4 === 1 ? chars.join('').slice(0, Math.floor(r() * chars.length)) : chars.join('');
    for (const l of [lang, lang === 'rust' ? 'cpp' : 'rust'] as Language[]) {
      const res = a.analyze(`fuzz${i}`, text, l, DEFAULT_CONFIG);
      assert.ok(Array.isArray(res.callSites));
      assert.ok(!res.error?.startsWith('internal error'), `${l} #${i}: ${res.error}\n${text.slice(0, 300)}`);
    }
  }
});

test('a 100,000-deep expression neither throws nor overflows the stack', async () => {
  const depth = 100_000;
  const expr = '('.repeat(depth) + '1' + ')'.repeat(depth);
  const chain = Array.from({ length: 20_000 }, () => '1').join(' | ');
  const text = `void f(int fd) { uint32_t v = ${expr}; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4);
    uint32_t w = ${chain}; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &w, 4); }`;
  const [res] = await analyzeAll(text, ['c']);
  assert.equal(res!.error, undefined);
  assert.equal(res!.callSites.length, 2);
  assert.equal(res!.callSites[0]!.value!.packed, null, 'too deep: not statically known');
});

// Their speed is measured by bench/pathological.bench.ts (no timed assertions here).
test('100,000-deep f(f(f(...))) and - - - 1 in every language: never throws, the call is still found', async () => {
  const a = await getAnalyzer();
  const d = 100_000;
  const calls = `${'f('.repeat(d)}1${')'.repeat(d)}`;
  const negs = `${'- '.repeat(d)}1`;
  const cases: [string, Language, string][] = [];
  for (const [name, e] of [['f(f(...))', calls], ['- - - 1', negs]] as const) {
    cases.push([`C ${name}`, 'c', `void g(int fd) { uint32_t v = ${e}; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4); }`]);
    cases.push([`Python ${name}`, 'python', `import socket\ns = socket.socket()\nv = ${e}\ns.setsockopt(0, 51, v)\n`]);
    cases.push([`Go ${name}`, 'go', `package p\nfunc g(fd int) {\n\tv := ${e}\n\tunix.SetsockoptInt(fd, 0, 51, v)\n}\n`]);
    cases.push([`C++ ${name}`, 'cpp', `void g(int fd) { std::uint32_t v = ${e}; ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4); }`]);
    cases.push([`Rust ${name}`, 'rust', `fn g(fd: i32) { let v: u32 = ${e}; unsafe { libc::setsockopt(fd, libc::SOL_IP, 51, &v as *const u32 as *const libc::c_void, 4) }; }`]);
  }
  for (const [name, lang, text] of cases) {
    const res = a.analyze('deep', text, lang, DEFAULT_CONFIG);
    assert.equal(res.error, undefined, name);
    assert.equal(res.callSites.length, 1, `${name}: the call next to the deep expression is still found`);
  }
});

test('recursive and mutually recursive macros end as unknown', async () => {
  const text = `#define A (B + 1)
#define B (A + 1)
#define F(x) F(x)
void f(int fd) { uint32_t v = A; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4);
  uint32_t w = F(3); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &w, 4); }`;
  const [res] = await analyzeAll(text, ['c']);
  assert.deepEqual(res!.callSites.map((s) => s.value!.packed), [null, null]);
});

test('tables whose items refer to themselves end as unknown (core/tables.ts selects items)', async () => {
  const [c] = await analyzeAll(`struct r { uint16_t lo, hi; };
void f(int fd) { struct r a = { a.hi, a.lo }; uint32_t v = ((uint32_t)a.hi << 16) | a.lo; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4); }`, ['c']);
  const [py] = await analyzeAll(`import socket
a = a[0]
x = y[0]
y = x[1]
socket.socket().setsockopt(socket.IPPROTO_IP, 51, x["k"] << 16 | y[0] | a)`, ['python']);
  assert.deepEqual([...c!.callSites, ...py!.callSites].map((s) => s.value?.packed ?? null), [null, null]);
});

test('huge literals are not statically known, never a crash', async () => {
  const big = '9'.repeat(5000);
  const [res] = await analyzeAll(`void f(int fd) { uint32_t v = ${big}; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4); }`, ['c']);
  assert.equal(res!.callSites[0]!.value!.packed, null);
});

test('a 10,000-line C file: every call found, and the same after a one-line edit re-parses incrementally', async () => {
  const { createAnalyzer } = await import('../../server/src/analysis/index');
  const a = await createAnalyzer({ incremental: true });
  const lines: string[] = [];
  for (let i = 0; lines.length < 10_000; i++) {
    lines.push(`static int f${i}(int fd, int x) {`, `  int y = x * ${i} + (x << 2);`, '  if (y > 3) { y -= 1; }');
    lines.push(i % 50 === 0 ? `  uint32_t v = (40511u << 16) | ${40000 + (i % 100)}u; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);` : '  write(fd, &y, sizeof y);');
    lines.push('  return y;', '}');
  }
  const text = lines.join('\n');
  const r1 = a.analyze('big.c', text, 'c', DEFAULT_CONFIG);
  const edited = text.replace('int y = x * 7 +', 'int y = x * 8 +');
  const r2 = a.analyze('big.c', edited, 'c', DEFAULT_CONFIG);
  a.dispose();
  assert.equal(r1.callSites.length, r2.callSites.length);
  assert.equal(r1.callSites.length, 34);
  assert.deepEqual(r2.callSites.map((s) => s.value?.lo), r1.callSites.map((s) => s.value?.lo), 'the edit changes no value');
});

test('function names holding regular-expression characters (a broken declarator) never throw', async () => {
  const { relevantFunctions } = await import('../../server/src/analysis/languages/relevance');
  const fns = [
    { id: 1, name: 'f) // x [', text: 'void f) // x [ { setsockopt(fd, 0, 51, &v, 4); }' },
    { id: 2, name: 'g', text: 'void g() { k(); }' },
    { id: 3, name: 'k.*', text: 'void k() { g(); }' },
  ];
  assert.deepEqual([...relevantFunctions(fns)].sort(), [1]);
});
