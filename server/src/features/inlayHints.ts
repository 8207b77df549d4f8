/**
 * Inlay hints after each statically known value: `lo=40000 hi=40511 · 512 ports`, and the
 * effective range when the netns range clips or ignores a half. Off when Config.inlayHints is false.
 */
import type { InlayHint, Range } from 'vscode-languageserver-types';
import type { CallSite } from '../analysis/callSite';
import type { FeatureEnv } from './env';
import { portsText, summarize } from './summary';
import { entryName, entrySites, listed } from './entries';

function half(n: number): string {
  return n === 0 ? 'unset' : String(n);
}

/** The label for one call site, or null when nothing is statically known. */
export function inlayLabel(site: CallSite, env: FeatureEnv): string | null {
  const s = summarize(site, env);
  if (s.lo === null || s.hi === null) return null;
  let label = `lo=${half(s.lo)} hi=${half(s.hi)}`;
  if (s.lo !== 0 && s.hi !== 0 && s.lo > s.hi) return `${label} · EINVAL (lo > hi)`;
  if (s.lo === 0 && s.hi === 0) return `${label} · cleared, netns range`;
  if (s.verdict.kind === 'error') {
    const optlen = site.value?.optlen ?? null;
    const why = s.verdict.errno === 'EINVAL' && optlen !== null && optlen !== 4 ? ` (optlen ${optlen})` : '';
    return `${label} · ${s.verdict.errno}${why}`;
  }
  const e = s.effective;
  if (s.ports !== null) label += ` · ${portsText(s.ports)}`;
  if (e && (s.ports === null || e.lo !== s.lo || e.hi !== s.hi)) {
    label += e.rule === 'ignored' ? ` · ignored → ${e.lo}–${e.hi}` : ` · effective ${e.lo}–${e.hi} (${portsText(e.ports)})`;
  }
  return label;
}

/** One hint for a call over a table: each entry's value, `RANGES[0] lo=… hi=… · 1000 ports | RANGES[1] …`. */
export function entriesLabel(entries: readonly CallSite[], env: FeatureEnv): string | null {
  const { shown, more } = listed(entries);
  const parts = shown.map((s) => `${entryName(s)} ${inlayLabel(s, env) ?? 'not statically known'}`);
  return parts.length ? parts.join(' | ') + (more ? ` | +${more} more` : '') : null;
}

export function inlayHints(sites: readonly CallSite[], env: FeatureEnv, range?: Range): InlayHint[] {
  if (!env.resolved.inlayHints) return [];
  const out: InlayHint[] = [];
  const done = new Set<CallSite>();
  for (const site of sites) {
    const v = site.value;
    if (!v || done.has(site)) continue;
    const pos = { line: v.span.endLine, character: v.span.endColumn };
    if (range && (pos.line < range.start.line || pos.line > range.end.line)) continue;
    const entries = entrySites(sites, site);
    entries.forEach((e) => done.add(e));
    const label = entries.length > 1 ? entriesLabel(entries, env) : inlayLabel(site, env);
    if (label === null) continue;
    out.push({ position: pos, label, paddingLeft: true });
  }
  return out;
}
