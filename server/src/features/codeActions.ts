/**
 * Code actions: the analyzer's quick fixes (carried as `data.fix = { title, span, newText }`
 * or `data.fixes = [...]` on its diagnostics: swapped-halves, network-byte-order, bad-optlen,
 * wrong-level, magic-number, python-int-overflow, signed-shift-overflow, ...), each with the
 * diagnostic it fixes attached, plus "Suppress <code> on this line" for any code.
 */
import type { CodeAction, Diagnostic as LspDiagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import type { CallSite, Diagnostic, Language, Span } from '../analysis/callSite';
import type { FeatureEnv } from './env';
import { DIAGNOSTIC_SOURCE, toLspDiagnostic } from './diagnostics';
import { SUPPRESS_MARKER, parseSuppression } from '../diagnostics/suppression';
import { sameRange, toRange } from './spans';

export interface FixData {
  title: string;
  span: Span;
  newText: string;
}

function isSpan(v: unknown): v is Span {
  const s = v as Span;
  return typeof v === 'object' && v !== null &&
    [s.line, s.column, s.endLine, s.endColumn].every((n) => Number.isInteger(n) && n >= 0);
}

function isFix(v: unknown): v is FixData {
  const f = v as FixData;
  return typeof v === 'object' && v !== null && typeof f.title === 'string' && typeof f.newText === 'string' && isSpan(f.span);
}

/** The fixes a diagnostic's data carries (validated: data may come back from the client). */
export function fixesOf(data: unknown): FixData[] {
  if (typeof data !== 'object' || data === null) return [];
  const d = data as { fix?: unknown; fixes?: unknown };
  const out: FixData[] = [];
  if (isFix(d.fix)) out.push(d.fix);
  if (Array.isArray(d.fixes)) for (const f of d.fixes) if (isFix(f)) out.push(f);
  return out;
}

export function commentPrefix(language: Language): string {
  return language === 'python' ? '#' : '//';
}

/** The edit that adds `code` to a suppression comment on `line` (extending an existing one). */
export function suppressEdit(lines: readonly string[], line: number, code: string, language: Language): TextEdit | null {
  const text = lines[line];
  if (text === undefined) return null;
  const body = text.replace(/\r$/, '');
  const existing = parseSuppression(body);
  if (existing) {
    if (existing.codes === 'all') return null;
    const at = existing.listEnd;
    return { range: { start: { line, character: at }, end: { line, character: at } }, newText: `, ${code}` };
  }
  const comment = `${commentPrefix(language)} ${SUPPRESS_MARKER} ${code}`;
  if (/\\\s*$/.test(body)) {
    // A line continuation: a trailing comment would break it, so the comment goes on its own line above.
    const indent = /^\s*/.exec(body)![0];
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}${comment}\n` };
  }
  const end = body.length;
  const sep = language === 'python' ? '  ' : ' ';
  return { range: { start: { line, character: end }, end: { line, character: end } }, newText: `${sep}${comment}` };
}

export interface CodeActionInput {
  uri: string;
  language: Language;
  lines: readonly string[];
  sites: readonly CallSite[];
  env: FeatureEnv;
  range: Range;
  /** context.diagnostics from the client; when empty, the server's own diagnostics in `range` are used. */
  diagnostics: readonly LspDiagnostic[];
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  const { uri, sites, env, lines } = input;
  const ours: { d: Diagnostic; lsp: LspDiagnostic }[] = [];
  for (const s of sites) {
    for (const d of s.diagnostics) {
      const lsp = toLspDiagnostic(d, uri, env);
      if (lsp) ours.push({ d, lsp });
    }
  }
  const targets: { lsp: LspDiagnostic; fixes: FixData[] }[] = [];
  const given = input.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE || d.source === undefined);
  if (given.length) {
    for (const g of given) {
      if (typeof g.code !== 'string') continue;
      const match = ours.find((o) => o.d.code === g.code && sameRange(o.lsp.range, g.range));
      targets.push({ lsp: g, fixes: match ? fixesOf(match.d.data) : fixesOf(g.data) });
    }
  } else {
    for (const o of ours) if (overlaps(o.lsp.range, input.range)) targets.push({ lsp: o.lsp, fixes: fixesOf(o.d.data) });
  }

  const out: CodeAction[] = [];
  for (const t of targets) {
    for (const f of t.fixes) {
      out.push({
        title: f.title,
        kind: 'quickfix',
        diagnostics: [t.lsp],
        isPreferred: t.fixes.length === 1,
        edit: { changes: { [uri]: [{ range: toRange(f.span), newText: f.newText }] } },
      });
    }
  }
  const suppressed = new Set<string>();
  for (const t of targets) {
    const code = String(t.lsp.code);
    const key = `${t.lsp.range.start.line}:${code}`;
    if (suppressed.has(key)) continue;
    suppressed.add(key);
    const edit = suppressEdit(lines, t.lsp.range.start.line, code, input.language);
    if (!edit) continue;
    out.push({ title: `Suppress ${code} on this line`, kind: 'quickfix', diagnostics: [t.lsp], edit: { changes: { [uri]: [edit] } } });
  }
  return out;
}
