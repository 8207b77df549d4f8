// Skipped bodies (languages/pruneBodies.ts, used by `check`): the C++ and Rust function bodies
// left out of the parse must never change a call site, a value, a diagnostic or a span. Every
// case is analysed twice, with and without prune, and the results must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAnalyzer, type Analyzer } from '../../server/src/analysis/index';
import { pruneCpp } from '../../server/src/analysis/languages/cfamily/prune';
import { pruneRust } from '../../server/src/analysis/languages/rust/prune';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import { cppFile, rustFile } from '../../bench/languages.bench';

process.env.PRL_STRICT = '1';

type Lang = 'cpp' | 'rust';
let pair: Promise<[Analyzer, Analyzer]> | null = null;
function analyzers(): Promise<[Analyzer, Analyzer]> {
  pair ??= Promise.all([
    createAnalyzer({ incremental: false, prune: false, grammars: ['cpp', 'rust'] }),
    createAnalyzer({ incremental: false, prune: true, grammars: ['cpp', 'rust'] }),
  ]);
  return pair;
}

async function same(text: string, lang: Lang, label: string): Promise<unknown[]> {
  const [full, pruned] = await analyzers();
  const file = lang === 'cpp' ? 'x.cpp' : 'x.rs';
  const a = full.analyze(file, text, lang, DEFAULT_CONFIG);
  const b = pruned.analyze(file, text, lang, DEFAULT_CONFIG);
  assert.deepEqual(b, a, `${label}: analysis with skipped bodies differs`);
  return a.callSites;
}

const skippedOf = (text: string, lang: Lang) => (lang === 'cpp' ? pruneCpp : pruneRust)(text)?.skipped.length ?? 0;
const CPP_SET = (v: string) => `::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &${v}, sizeof ${v});`;
const RS_SET = (v: string) => `unsafe { libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &${v} as *const u32 as *const libc::c_void, 4) };`;

test('the benchmark files: one call site, every other body skipped, identical results', async () => {
  for (const [lang, text] of [['cpp', cppFile(120)], ['rust', rustFile(120)], ['cpp', cppFile(1000)], ['rust', rustFile(1000)]] as const) {
    const sites = await same(text, lang, `${lang} bench file`);
    assert.ok(sites.length >= 1);
    assert.ok(skippedOf(text, lang) >= 20, `${lang}: only ${skippedOf(text, lang)} bodies skipped`);
  }
});

test('what is kept: callees, callers, a name in a comment, unrecognised functions, macros and odd signatures', async () => {
  const cases: [Lang, string, string, number][] = [
    ['cpp', 'a helper and its caller', `std::uint32_t pack(int lo, int hi) {\n  return (std::uint32_t(hi) << 16) | lo;\n}\nvoid set(int fd, int lo, int hi) {\n  auto v = pack(lo, hi);\n  ${CPP_SET('v')}\n}\nvoid caller(int fd) {\n  set(fd, 40000, 40100);\n}\nint other(int x) {\n  return x + 1;\n}\n`, 1],
    ['cpp', 'a caller named in a comment only', `void set(int fd) {\n  std::uint32_t v = 1;\n  ${CPP_SET('v')}\n}\nint other(int x) {\n  // calls set? no\n  return x;\n}\n`, 0],
    ['cpp', 'class members, constructors, operators, templates', `class A {\n public:\n  A(int x) : x_(x) {\n    y_ = x;\n  }\n  bool operator==(const A& o) const {\n    return x_ == o.x_;\n  }\n  int get() const {\n    return x_;\n  }\n  void set(int fd) {\n    std::uint32_t v = get();\n    ${CPP_SET('v')}\n  }\n  int x_, y_;\n};\ntemplate <typename T>\nT twice(T t) {\n  return t + t;\n}\nint unrelated(int q) {\n  return q * 3;\n}\n`, -1],
    ['cpp', 'directives and raw strings in bodies', `int a(int x) {\n#ifdef X\n  return 1;\n#endif\n  return x;\n}\nconst char* b() {\n  return R"x(}{)x";\n}\nint c(int x) {\n  return x;\n}\nvoid f(int fd) {\n  std::uint32_t v = (40100u << 16) | 40000u;\n  ${CPP_SET('v')}\n}\n`, 2],
    ['cpp', 'constructors (their checks are read even when not lowered)', `struct Block {\n  Block(std::uint16_t p, std::uint16_t n) {\n    if (n == 0) throw 1;\n    lo_ = p;\n  }\n  std::uint16_t lo_, hi_;\n};\nBlock::Block(int p) {\n  if (p > 100) throw 2;\n}\nvoid f(int fd, Block b) {\n  std::uint32_t v = (std::uint32_t(b.hi_) << 16) | b.lo_;\n  ${CPP_SET('v')}\n}\nint other(int x) {\n  return x;\n}\n`, 1],
    ['cpp', 'a macro invocation before a function', `FOO(bar)\nint a(int x) {\n  return x;\n}\nvoid f(int fd) {\n  std::uint32_t v = (40100u << 16) | 40000u;\n  ${CPP_SET('v')}\n}\n`, -1],
    ['rust', 'a helper, its caller, impl and trait methods', `fn pack(lo: u16, hi: u16) -> u32 {\n    ((hi as u32) << 16) | lo as u32\n}\nfn set(fd: i32, lo: u16, hi: u16) {\n    let v = pack(lo, hi);\n    ${RS_SET('v')}\n}\nimpl Conn {\n    fn open(&self) {\n        set(self.fd, 40000, 40100);\n    }\n    fn other(&self) -> u32 {\n        7\n    }\n}\ntrait T {\n    fn d(&self) -> u8 {\n        1\n    }\n}\n`, 2],
    ['rust', 'lifetimes, raw strings, nested comments, macros', `fn a<'a>(x: &'a str) -> &'a str {\n    let _c = '}';\n    let _r = r#"}{"#;\n    /* { /* } */ */\n    x\n}\nmacro_rules! m {\n    () => { fn inner() { } };\n}\nfn set(fd: i32) {\n    let v: u32 = (40100u32 << 16) | 40000;\n    ${RS_SET('v')}\n}\nfn b(x: u8) -> u8 {\n    x\n}\n`, 2],
    ['rust', 'a file that ends inside a function', rustFile(40).split('\n').slice(0, -2).join('\n'), -1],
  ];
  for (const [lang, label, text, skipped] of cases) {
    await same(text, lang, label);
    if (skipped >= 0) assert.equal(skippedOf(text, lang), skipped, `${label}: ${skippedOf(text, lang)} skipped, expected ${skipped}`);
  }
});

test('the fixtures and examples of both languages: identical results', async () => {
  for (const [lang, dirs] of [['cpp', ['test/fixtures/cpp', 'examples/cpp']], ['rust', ['test/fixtures/rust', 'examples/rust']]] as const) {
    for (const d of dirs) for (const f of readdirSync(d)) if (/\.(cc|cpp|hpp|rs)$/.test(f)) await same(readFileSync(join(d, f), 'utf8'), lang, join(d, f));
  }
});

// Deterministic PRNG so a failure reproduces.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

test('mutated fixtures and bench files (unbalanced braces, stray quotes and comments): identical results', async () => {
  const r = rng(23);
  const seeds: [Lang, string][] = [['cpp', cppFile(80)], ['rust', rustFile(80)]];
  for (const [lang, d] of [['cpp', 'test/fixtures/cpp'], ['rust', 'test/fixtures/rust']] as const) for (const f of readdirSync(d)) seeds.push([lang, readFileSync(join(d, f), 'utf8')]);
  const inserts = ['{', '}', '(', ')', ';', '=', '#', '"', "'", '/*', '*/', '//', '\n', 'r#"', "'a ", ' x ', 'fn q() { pack(1, 2); }\n', 'int q() { return pack(1, 2); }\n'];
  let skipped = 0;
  for (let i = 0; i < 160; i++) {
    const [lang, seed] = seeds[Math.floor(r() * seeds.length)]!;
    const chars = seed.split('');
    for (let k = Math.floor(r() * 5); k > 0; k--) {
      const pos = Math.floor(r() * chars.length);
      if (r() < 0.4) chars.splice(pos, 1 + Math.floor(r() * 3));
      else chars.splice(pos, 0, inserts[Math.floor(r() * inserts.length)]!);
    }
    const text = chars.join('');
    await same(text, lang, `mutated ${lang} file ${i}`);
    if (skippedOf(text, lang)) skipped++;
  }
  assert.ok(skipped > 20, `only ${skipped} mutated files had a body to skip`);
});
