/**
 * Analyzer diagnostics → LSP diagnostics: code, a codeDescription link to the code's
 * section of docs/diagnostics.md, related information, and the quick-fix data.
 * Also honours suppression comments (`port-range-lens: ignore <code>[, <code>...]`) on
 * the diagnostic's first line or the line above, and Config.severity overrides.
 */
import type { Diagnostic as LspDiagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { CallSite, Diagnostic, Severity } from '../analysis/callSite';
import type { FeatureEnv } from './env';
import { toRange } from './spans';

export const DIAGNOSTIC_SOURCE = 'port-range-lens';
export const SUPPRESS_MARKER = 'port-range-lens: ignore';

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, information: 3, hint: 4 };

/** The codes a line suppresses ("*" = every code when the marker names none). */
export function suppressedOnLine(line: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!line) return out;
  const i = line.indexOf(SUPPRESS_MARKER);
  if (i < 0) return out;
  const rest = line.slice(i + SUPPRESS_MARKER.length);
  const m = /^[\s:]*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/.exec(rest);
  if (!m) out.add('*');
  else for (const c of m[1]!.split(',')) out.add(c.trim());
  return out;
}

export function isSuppressed(d: Diagnostic, lines: readonly string[]): boolean {
  for (const l of [d.span.line, d.span.line - 1]) {
    const s = suppressedOnLine(lines[l]);
    if (s.has('*') || s.has(d.code)) return true;
  }
  return false;
}

export function docsHref(docsUrl: string, code: string): string {
  return `${docsUrl}#${code}`;
}

export function toLspDiagnostic(d: Diagnostic, uri: string, env: FeatureEnv): LspDiagnostic | null {
  const override = env.resolved.severity[d.code];
  if (override === 'off') return null;
  const severity = SEVERITY[override ?? d.severity] ?? 2;
  const out: LspDiagnostic = {
    range: toRange(d.span),
    severity,
    code: d.code,
    codeDescription: { href: docsHref(env.docsUrl, d.code) },
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
    data: { code: d.code, ...(d.data ?? {}) },
  };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri, range: toRange(r.span) }, message: r.message }));
  }
  return out;
}

/** Every diagnostic of a document, in source order, without suppressed or disabled ones. */
export function documentDiagnostics(uri: string, sites: readonly CallSite[], lines: readonly string[], env: FeatureEnv): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  for (const site of sites) {
    for (const d of site.diagnostics) {
      if (isSuppressed(d, lines)) continue;
      const l = toLspDiagnostic(d, uri, env);
      if (l) out.push(l);
    }
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}
