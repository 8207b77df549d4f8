/**
 * The one suppression-comment grammar and the one place where severities are applied
 * (documented in docs/diagnostics.md#suppressing-a-diagnostic):
 *
 *   port-range-lens: ignore                       every code
 *   port-range-lens: ignore all                   every code
 *   port-range-lens: ignore <code>[, <code>...]   those codes (commas, spaces around them allowed)
 *
 * Text after the list (a reason, a closing comment delimiter) is not part of it. A comment
 * suppresses on its own line and on the line below it.
 */
import type { DiagnosticCode, Severity } from './codes';

export const SUPPRESS_MARKER = 'port-range-lens: ignore';

export interface Suppression {
  /** 'all', or the codes named (unknown names are kept: they match nothing). */
  codes: 'all' | Set<string>;
  /** Column just after the marker's code list: where another code is appended. */
  listEnd: number;
  /** True when the list names at least one code (the next one is appended with ", "). */
  named: boolean;
}

const LIST = /^[ \t]*:?[ \t]*([a-z][a-z0-9-]*(?:[ \t]*,[ \t]*[a-z][a-z0-9-]*)*)?/;

/** Parses the suppression comment on one line, or null when the line has none. */
export function parseSuppression(line: string | undefined): Suppression | null {
  if (!line) return null;
  const i = line.indexOf(SUPPRESS_MARKER);
  if (i < 0) return null;
  const after = i + SUPPRESS_MARKER.length;
  // "ignored", "ignores": not the marker.
  if (/[a-z0-9-]/.test(line.charAt(after))) return null;
  const m = LIST.exec(line.slice(after))!;
  const names = m[1] ? m[1].split(',').map((c) => c.trim()) : [];
  const codes = names.length === 0 || names.includes('all') ? 'all' : new Set(names);
  return { codes, listEnd: after + m[0].length, named: names.length > 0 };
}

/** True when a comment on `line` or the line above suppresses `code`. */
export function suppressedAt(code: string, lines: readonly string[], line: number): boolean {
  for (const l of [line, line - 1]) {
    const s = parseSuppression(lines[l]);
    if (s && (s.codes === 'all' || s.codes.has(code))) return true;
  }
  return false;
}

export type SeverityOverrides = Partial<Record<DiagnosticCode, Severity | 'off'>>;

/**
 * The one place where suppression comments and severity overrides are applied: drops
 * suppressed and 'off' diagnostics, sets overridden severities. `anchorLine` is the call's
 * line (a comment there suppresses every diagnostic of the call, wherever its span is).
 */
export function applySuppressionAndSeverity<D extends { code: DiagnosticCode; severity: Severity; span: { line: number } }>(
  diagnostics: readonly D[], lines: readonly string[], anchorLine: number, overrides: SeverityOverrides,
): D[] {
  const out: D[] = [];
  for (const d of diagnostics) {
    if (suppressedAt(d.code, lines, anchorLine) || suppressedAt(d.code, lines, d.span.line)) continue;
    const o = overrides[d.code];
    if (o === 'off') continue;
    out.push(o ? { ...d, severity: o } : d);
  }
  return out;
}
