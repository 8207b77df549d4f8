/**
 * Analyzer diagnostics → LSP diagnostics: code, a codeDescription link to the code's
 * section of docs/diagnostics.md, related information, and the quick-fix data.
 * Suppression and severity overrides were applied once, when the call was judged
 * (server/src/diagnostics/suppression.ts): this layer only translates.
 */
import type { Diagnostic as LspDiagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { CallSite, Diagnostic, Severity } from '../analysis/callSite';
import type { FeatureEnv } from './env';
import { toRange } from './spans';

export const DIAGNOSTIC_SOURCE = 'port-range-lens';
const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, information: 3, hint: 4 };

export function docsHref(docsUrl: string, code: string): string {
  return `${docsUrl}#${code}`;
}

export function toLspDiagnostic(d: Diagnostic, uri: string, env: FeatureEnv): LspDiagnostic | null {
  const severity = SEVERITY[d.severity] ?? 2;
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

/** Every diagnostic of a document, in source order. */
export function documentDiagnostics(uri: string, sites: readonly CallSite[], lines: readonly string[], env: FeatureEnv): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  for (const site of sites) {
    for (const d of site.diagnostics) {
      const l = toLspDiagnostic(d, uri, env);
      if (l) out.push(l);
    }
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}
