// Pruning (regions.ts, used by `check`): the C functions left out of the parse must never
// change a call site, a value, a diagnostic or a span. Every case is analysed twice, with
// and without pruning, and the results must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAnalyzer, type Analyzer } from '../../server/src/analysis/index';
import { pruneC } from '../../server/src/analysis/languages/c/prune';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import { cFile } from '../../bench/analyzer.bench';

process.env.PRL_STRICT = '1';

let pair: Promise<[Analyzer, Analyzer]> | null = null;
function analyzers(): Promise<[Analyzer, Analyzer]> {
  pair ??= Promise.all([createAnalyzer({ incremental: false, prune: false }), createAnalyzer({ incremental: false, prune: true })]);
  return pair;
}

async function same(text: string, label: string): Promise<unknown[]> {
  const [full, pruned] = await analyzers();
  const a = full.analyze('x.c', text, 'c', DEFAULT_CONFIG);
  const b = pruned.analyze('x.c', text, 'c', DEFAULT_CONFIG);
  assert.deepEqual(b, a, `${label}: pruned analysis differs`);
  return a.callSites;
}

const SET = (v: string) => `setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &${v}, sizeof ${v});`;

test('erased functions keep every line in place; kept lines are unchanged', () => {
  const text = 'int a;\nstatic int other(int x) {\n  int y = x + 1;\n  return y;\n}\nvoid f(int fd) { uint32_t v = 1; ' + SET('v') + ' }\n';
  const r = pruneC(text);
  assert.ok(r);
  assert.equal(r.removed, 1);
  assert.equal(r.text.split('\n').length, text.split('\n').length);
  assert.deepEqual(r.text.split('\n'), ['int a;', '', '', '', '', 'void f(int fd) { uint32_t v = 1; ' + SET('v') + ' }', '']);
});

test('what may not be left out: global writes, helper callers, value functions, &global, directives, table entries', async () => {
  const cases: [string, string, number][] = [
    ['a write to the global elsewhere',
      `static uint32_t g = (40100u << 16) | 40000u;\nvoid other(void) {\n  g = 5;\n}\nvoid f(int fd) {\n  ${SET('g')}\n}\n`, 0],
    ['a field write to a global struct',
      `struct pr { uint16_t lo, hi; };\nstatic struct pr g = { 40000, 40100 };\nvoid other(int x) {\n  g.hi = x;\n}\nvoid f(int fd) {\n  ${SET('g')}\n}\n`, 0],
    ['the caller of a helper, and a caller with a same-named local',
      `static void set_range(int fd, int lo, int hi) {\n  uint32_t v = ((uint32_t)hi << 16) | lo; ${SET('v')}\n}\nvoid caller(int s) {\n  set_range(s, 40000, 40100);\n}\nvoid caller2(int s) {\n  int set_range = 1;\n  set_range(s, 40000, 1);\n}\nvoid other(int s) {\n  int x = 1;\n  write(s, &x, 1);\n}\n`, 1],
    ['a value function',
      `static uint32_t pack(int lo, int hi) {\n  return ((uint32_t)hi << 16) | lo;\n}\nstatic uint32_t unused(int lo) {\n  return lo;\n}\nvoid f(int fd) {\n  uint32_t v = pack(40000, 40100);\n  ${SET('v')}\n}\n`, 1],
    ['a same-named local is harmless, &local of a global name is not',
      `static uint32_t g = (40100u << 16) | 40000u;\nvoid other(void) {\n  int g = 2;\n  g = 3;\n}\nvoid other2(void) {\n  int g = 0;\n  fill(&g);\n}\nvoid f(int fd) {\n  ${SET('g')}\n}\n`, 1],
    ['a directive inside a function',
      `void other(void) {\n#define LO 40000\n}\nvoid f(int fd) {\n  uint32_t v = (40100u << 16) | LO;\n  ${SET('v')}\n}\n`, 0],
    ['functions named in a top-level table',
      `static void a(void) {\n  g = 1;\n}\nstatic void b(void) {\n  h();\n}\nstatic void (*tbl[])(void) = { a, b };\nint g;\nvoid f(int fd) {\n  uint32_t v = (40100u << 16) | 40000u;\n  ${SET('v')}\n}\n`, 0],
    ['a prototype keeps the function',
      `static int helper(int);\nstatic int helper(int x) {\n  return x;\n}\nvoid f(int fd) {\n  uint32_t v = (40100u << 16) | 40000u;\n  ${SET('v')}\n}\n`, 0],
    ['bind/connect on the socket in another function (not followed: removable)',
      `void other(int fd) {\n  struct sockaddr_in a = {0};\n  bind(fd, (void *)&a, sizeof a);\n}\nvoid f(int fd) {\n  uint32_t v = (40100u << 16) | 40000u;\n  ${SET('v')}\n  connect(fd, 0, 0);\n}\n`, 1],
    ['K&R definitions, compound literals and statement expressions at top level',
      `int kr(a, b)\n  int a; int b;\n{\n  return a + b;\n}\nint after(int x) {\n  return x;\n}\nstatic struct pr { unsigned short lo, hi; } pr0 = (struct pr){ 40000, 40100 };\nvoid f(int fd) {\n  ${SET('pr0')}\n}\n`, -1],
    ['a suppression comment in another function',
      `void other(void) {\n  /* port-range-lens: ignore magic-number */\n}\nvoid f(int fd) {\n  uint32_t v = (40100u << 16) | 40000u;\n  setsockopt(fd, 0, 51, &v, sizeof v);\n}\n`, 0],
    ['a function after an unbalanced #if is not touched',
      `int g(void)\n#ifdef X\n{\n#else\n{\n#endif\n  return 1;\n}\nvoid f(int fd) {\n  uint32_t v = 1;\n  ${SET('v')}\n}\n`, 0],
  ];
  for (const [label, text, removed] of cases) {
    await same(text, label);
    const r = pruneC(text);
    if (removed >= 0) assert.equal(r?.removed ?? 0, removed, `${label}: ${r?.removed ?? 0} removed, expected ${removed}`);
  }
});

test('the examples, the selftest-style fixture and the benchmark files: identical results', async () => {
  const files = readdirSync('examples/c').map((f) => join('examples/c', f));
  files.push('test/analysis/fixtures/selftest_style.c');
  for (const f of files) await same(readFileSync(f, 'utf8'), f);
  const small = cFile(120);
  const sites = await same(small, 'bench file');
  assert.equal(sites.length, 1);
  assert.ok((pruneC(small)?.removed ?? 0) >= 15);
  await same(cFile(3000), 'bench file, 3000 lines');
});

// Deterministic PRNG so a failure reproduces.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

test('random files built from tricky pieces: identical results', async () => {
  const r = rng(7);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const names = ['g', 'h', 'v', 'lo', 'hi', 'fd', 'x', 'pack', 'helper', 'set_range', 'other'];
  const pieces = [
    () => `static uint32_t ${pick(names)} = (${40000 + Math.floor(r() * 3000)}u << 16) | 40000u;`,
    () => `#define ${pick(['LO', 'HI', 'PACK2'])} ${Math.floor(r() * 65536)}`,
    () => `static int ${pick(names)}(int ${pick(names)}, int ${pick(names)}) {\n  int ${pick(names)} = ${pick(names)};\n  ${pick(names)} = ${pick(names)};\n  return ${pick(names)};\n}`,
    () => `static uint32_t ${pick(names)}(int lo, int hi) {\n  return ((uint32_t)hi << 16) | lo;\n}`,
    () => `void ${pick(names)}(int fd) {\n  ${pick(names)}(fd, 40000, ${40000 + Math.floor(r() * 3000)});\n  ${pick(['', 'fill(&' + pick(names) + ');', pick(names) + '++;'])}\n}`,
    () => `static void ${pick(names)}(int fd, int lo, int hi) {\n  uint32_t v = ((uint32_t)hi << 16) | lo;\n  ${SET('v')}\n}`,
    () => `void f${Math.floor(r() * 9)}(int fd) {\n  uint32_t v = ${pick(names)};\n  ${SET(pick(['v', 'g', 'h']))}\n}`,
    () => `void f${Math.floor(r() * 9)}(int fd) {\n  uint32_t v = ${pick(names)}(40000, 40100);\n  ${SET('v')}\n}`,
    () => `struct pr { uint16_t lo, hi; };`,
    () => `/* ${pick(names)} */`,
  ];
  let pruned = 0;
  for (let i = 0; i < 250; i++) {
    const text = Array.from({ length: 3 + Math.floor(r() * 8) }, () => pick(pieces)()).join('\n') + '\n';
    await same(text, `random file ${i}:\n${text}`);
    if (pruneC(text)) pruned++;
  }
  assert.ok(pruned > 20, `only ${pruned} random files had something to prune`);
});

test('mutated combinations of the examples (unbalanced braces, stray quotes and comments): identical results', async () => {
  const r = rng(11);
  const seeds = readdirSync('examples/c').map((f) => readFileSync(join('examples/c', f), 'utf8'));
  seeds.push(readFileSync('test/analysis/fixtures/selftest_style.c', 'utf8'), cFile(200));
  const inserts = ['{', '}', '(', ')', ';', '=', '&', '#', '"', "'", '/*', '*/', '//', '\n', 'g', ' x ', 'static int g = 5;\n', 'void q(int fd) { g = 1; }\n'];
  let pruned = 0;
  for (let i = 0; i < 150; i++) {
    const chars = (seeds.map((s) => (r() < 0.5 ? s : '')).join('\n') || seeds[0]!).split('');
    for (let k = Math.floor(r() * 6); k > 0; k--) {
      const pos = Math.floor(r() * chars.length);
      if (r() < 0.4) chars.splice(pos, 1 + Math.floor(r() * 3));
      else chars.splice(pos, 0, inserts[Math.floor(r() * inserts.length)]!);
    }
    const text = chars.join('');
    await same(text, `mutated file ${i}`);
    if (pruneC(text)) pruned++;
  }
  assert.ok(pruned > 20, `only ${pruned} mutated files had something to prune`);
});
