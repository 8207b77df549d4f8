// Which diagnostic codes the bundled examples/ show (all languages).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { languageForPath } from '../../server/src/analysis/index';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import { getAnalyzer } from './helpers';

export async function runExamples(root = 'examples'): Promise<Set<string>> {
  const a = await getAnalyzer();
  const seen = new Set<string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const lang = languageForPath(p);
        if (!lang) continue;
        const r = a.analyze(p, readFileSync(p, 'utf8'), lang, DEFAULT_CONFIG);
        for (const s of r.callSites) for (const dg of s.diagnostics) seen.add(dg.code);
      }
    }
  };
  walk(root);
  return seen;
}
