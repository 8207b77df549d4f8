// Shared by the analysis tests: one analyzer per test file, snippets analysed with the defaults,
// the Python/Go adapter harness, and the bundled examples' expectations.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language as TSLanguage, Parser, Query } from 'web-tree-sitter';
import { createAnalyzer, type Analyzer } from '../../server/src/analysis/index';
import type { AdapterInput, LanguageAdapter, RawCallSite } from '../../server/src/analysis/languages/types';
import type { CallSite, Language } from '../../server/src/analysis/callSite';
import { DEFAULT_CONFIG, type Config } from '../../server/src/config/schema';

let analyzer: Promise<Analyzer> | null = null;
export function getAnalyzer(): Promise<Analyzer> {
  // C++ and Rust load lazily in the product; the tests use every language.
  analyzer ??= createAnalyzer({ incremental: false }).then(async (a) => (await a.prepare(['cpp', 'rust']), a));
  return analyzer;
}

export async function analyzeC(text: string, config: Partial<Config> = {}, language: Language = 'c'): Promise<CallSite[]> {
  const a = await getAnalyzer();
  const r = a.analyze(language === 'cpp' ? 'snippet.cpp' : 'snippet.c', text, language, { ...DEFAULT_CONFIG, ...config });
  if (r.error) throw new Error(r.error);
  return r.callSites;
}

/** Any language through the whole analyzer (adapter + checks) with the defaults. */
export async function analyzeAs(language: Language, text: string, config: Partial<Config> = {}): Promise<CallSite[]> {
  const a = await getAnalyzer();
  const ext = { c: 'c', cpp: 'cpp', python: 'py', go: 'go', rust: 'rs' }[language];
  const r = a.analyze(`snippet.${ext}`, text, language, { ...DEFAULT_CONFIG, ...config });
  if (r.error) throw new Error(r.error);
  return r.callSites;
}

/** Wraps statements into a function with the usual includes-free prelude. */
export function fn(body: string, prelude = ''): string {
  return `${prelude}\nvoid f(int fd) {\n${body}\n}\n`;
}

export function codes(sites: CallSite[]): string[] {
  return sites.flatMap((s) => s.diagnostics.map((d) => d.code)).sort();
}

// ---- Python / Go adapter tests: one grammar + query per file, the adapter alone -------------

export const ROOT = join(__dirname, '..', '..');

/** sites()/one() for one adapter: parse with its grammar, run its query file, no checks. */
export function adapterHarness(grammar: 'python' | 'go', adapter: LanguageAdapter) {
  let loaded: Promise<{ parser: Parser; query: Query }> | null = null;
  const load = () => {
    loaded ??= (async () => {
      await Parser.init();
      const lang = await TSLanguage.load(join(ROOT, `node_modules/tree-sitter-${grammar}/tree-sitter-${grammar}.wasm`));
      const parser = new Parser();
      parser.setLanguage(lang);
      const query = new Query(lang, readFileSync(join(ROOT, `server/src/analysis/queries/${grammar}.scm`), 'utf8'));
      return { parser, query };
    })();
    return loaded;
  };
  const file = grammar === 'python' ? 't.py' : 't.go';
  /** `extra`: where the adapter records its notes, and its per-site step budget. */
  async function sites(text: string, host: 'little' | 'big' = 'little', extra: Pick<AdapterInput, 'notes' | 'maxSteps'> = {}): Promise<RawCallSite[]> {
    const { parser, query } = await load();
    const tree = parser.parse(text)!;
    try {
      return adapter.findCallSites({ file, text, language: grammar, tree, query, hostByteOrder: host, ...extra });
    } finally {
      tree.delete();
    }
  }
  async function one(text: string, host: 'little' | 'big' = 'little'): Promise<RawCallSite> {
    const s = await sites(text, host);
    assert.equal(s.length, 1, `expected one call site in:\n${text}\ngot ${s.length}`);
    return s[0]!;
  }
  return { sites, one };
}

/** Truncated, spliced and bracket-stuffed variants of a source (deterministic). */
export function mutations(base: string, seed: number, count: number, junk: string, maxDrop: number): string[] {
  let s = seed;
  const rnd = (n: number) => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % n; };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const cut = rnd(base.length);
    out.push(i % 3 === 0 ? base.slice(0, cut)
      : i % 3 === 1 ? base.slice(0, cut) + base.slice(cut + rnd(maxDrop))
      : base.slice(0, cut) + junk + base.slice(cut));
  }
  return out;
}

/** Per-call-site errors are normally swallowed; for this test any internal error must surface. */
export function strictAdapters(t: { after(fn: () => void): void }): void {
  process.env.PRL_STRICT = '1';
  t.after(() => { delete process.env.PRL_STRICT; });
}

// ---- the bundled examples through the whole analyzer ------------------------------------------

export async function analyzeExample(file: string, language: Language, config: Partial<Config> = {}) {
  const a = await createAnalyzer({ incremental: false });
  try {
    await a.prepare([language]);
    const text = readFileSync(join(ROOT, file), 'utf8');
    const r = a.analyze(file, text, language, { ...DEFAULT_CONFIG, ...config });
    assert.equal(r.error, undefined);
    return { text, sites: r.callSites };
  } finally {
    a.dispose();
  }
}

/** `<comment> expect: a, b` on the line above a call: the codes that call must get ('none' = no diagnostics). */
export function expectations(text: string, marker: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  text.split('\n').forEach((l, i) => {
    const m = new RegExp(`^\\s*${marker}\\s*expect:\\s*(.*)$`).exec(l);
    if (m) out.set(i + 1, m[1]!.trim() === 'none' ? [] : m[1]!.split(/[,\s]+/).filter(Boolean));
  });
  return out;
}

/**
 * Every `expect:` line of every example in dir against the analyzer's codes at the call below
 * it (a call starting on that line, or with `spanning`, one whose span covers it).
 */
export async function checkExampleExpectations(dir: string, ext: string, language: Language, marker: string, spanning = false) {
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(ext));
  const problems: string[] = [];
  let count = 0;
  for (const f of files) {
    const { text, sites: all } = await analyzeExample(`${dir}/${f}`, language);
    const exp = expectations(text, marker);
    count += exp.size;
    for (const [line, want] of exp) {
      const site = all.find((s) => s.span.line === line) ??
        (spanning ? all.find((s) => s.span.line <= line && s.span.endLine >= line) : undefined);
      if (!site) { problems.push(`${f}:${line + 1}: no call site`); continue; }
      const got = site.diagnostics.map((d) => d.code);
      if (want.length === 0 && got.length) problems.push(`${f}:${line + 1}: expected none, got ${got.join(',')}`);
      for (const w of want) if (!got.includes(w as never)) problems.push(`${f}:${line + 1}: expected ${w}, got [${got.join(',')}]`);
    }
  }
  return { files: files.length, count, problems };
}

/** Every diagnostic code the examples in dir show. */
export async function exampleCodes(dir: string, language: Language): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const f of readdirSync(join(ROOT, dir))) {
    for (const site of (await analyzeExample(`${dir}/${f}`, language)).sites) for (const d of site.diagnostics) seen.add(d.code);
  }
  return seen;
}
