// Shared by the analysis tests: one analyzer per test file, C snippets analysed with the defaults.
import { createAnalyzer, type Analyzer } from '../../server/src/analysis/index';
import type { CallSite, Language } from '../../server/src/analysis/callSite';
import { DEFAULT_CONFIG, type Config } from '../../server/src/config';

let analyzer: Promise<Analyzer> | null = null;
export function getAnalyzer(): Promise<Analyzer> {
  analyzer ??= createAnalyzer({ incremental: false });
  return analyzer;
}

export async function analyzeC(text: string, config: Partial<Config> = {}, language: Language = 'c'): Promise<CallSite[]> {
  const a = await getAnalyzer();
  const r = a.analyze(language === 'cpp' ? 'snippet.cpp' : 'snippet.c', text, language, { ...DEFAULT_CONFIG, ...config });
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
