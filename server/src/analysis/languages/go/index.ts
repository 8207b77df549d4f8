/**
 * The Go adapter: queries/go.scm marks the sockopt calls, socket operations, net.Dialer /
 * net.ListenConfig literals and their uses; lower.ts turns the declarations that can matter
 * into the common form (core/form.ts); core/sites.ts judges the calls with the one evaluator
 * (also through project helpers, up to three levels); refine.ts adds what only Go has (the
 * x/sys/unix value forms, syscall's missing constant, the Control closure's socket context).
 */
import type { Node, QueryMatch } from 'web-tree-sitter';
import { matchesIn, topLevelRanges } from '../../core/matches';
import { callSitesOf } from '../../core/sites';
import { parseIntLiteral } from '../../core/numeric';
import type { AdapterInput, LanguageAdapter, RawCallSite } from '../types';
import { declsOf, relevant } from './decls';
import { lowerGo } from './lower';
import { refineSite } from './refine';
import type { Matches } from './socket';

/** Evaluation steps per call site (and per caller chain): bounds hostile input. */
export const PER_SITE_STEPS = 50_000;

function findCallSites(input: AdapterInput): RawCallSite[] {
  const root = input.tree.rootNode;
  const decls = declsOf(root, input.text);
  const keep = relevant(decls, input.text);
  const kept = decls.filter((d) => keep.has(d) || d.type === 'var_declaration' || d.type === 'const_declaration');
  const keptRanges = kept.map((d) => [d.start, d.end] as [number, number]);
  const seen = new Set<string>();
  const matches = matchesIn(input.query, root, keptRanges, seen);
  // Package-level names written anywhere in the file (also in functions not lowered).
  const pkgVars = decls.flatMap((d) => (d.type === 'var_declaration' ? input.text.slice(d.start, d.end).match(/[A-Za-z_]\w*/g) ?? [] : []));
  const others = pkgVars.length ? matchesIn(input.query, root, topLevelRanges(root, input.text, [...new Set(pkgVars)].slice(0, 256), keptRanges, true), seen) : [];
  const writes = [...matches, ...others];
  const written = new Set<string>();
  for (const m of writes) for (const c of m.captures) if (c.name === 'write.assigned' || c.name === 'write.addressed') written.add(c.node.text);
  const ms: Matches = { ops: [], configs: [], uses: [], sockopts: [], contexts: new Map() };
  const sockopt: Node[] = [];
  for (const m of matches) group(m, ms, sockopt);
  const g = lowerGo(root, input.text, input.hostByteOrder, decls, { sockopt, keep: (d) => keep.has(d), written });
  const sites = callSitesOf({
    unit: g.unit, helperCalls: g.helperCalls, file: input.file, language: 'go',
    maxSteps: input.maxSteps ?? PER_SITE_STEPS, notes: input.notes,
    refine: (site, at) => refineSite(site, at, g, { ev: at.ev, unit: g.unit, cx: g.cx, root }, ms),
  });
  return keepInformative(sites);
}

function group(m: QueryMatch, ms: Matches, sockopt: Node[]): void {
  for (const c of m.captures) {
    if (c.name === 'sockopt') (ms.sockopts.push(m), sockopt.push(c.node));
    else if (c.name === 'sockop') ms.ops.push(m);
    else if (c.name === 'config') ms.configs.push(m);
    else if (c.name === 'sockuse') ms.uses.push(m);
    else continue;
    return;
  }
}

/**
 * A call judged through a helper call is kept when the caller's arguments tell something (a
 * value, bounds, or an option the inner call does not name by itself), as the other adapters do.
 */
function keepInformative(sites: RawCallSite[]): RawCallSite[] {
  const direct = new Set(sites.filter((s) => !s.via).map((s) => `${s.span.line}:${s.span.column}`));
  const out = sites.filter((s) => !s.via || (s.value && (s.value.lo !== null || s.value.hi !== null || s.value.bounded)) || !direct.has(`${s.via.span.line}:${s.via.span.column}`));
  return out.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
}

/** Go integer literals (0x9C40, 0o17, legacy octal 0755, 40_000), for the tests. */
export const __test = { parseGoInt: (text: string): bigint | null => parseIntLiteral(text, 'go')?.value ?? null };

export const goAdapter: LanguageAdapter = {
  language: 'go',
  queryFile: 'go.scm',
  findCallSites,
};
