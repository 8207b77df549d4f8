/** Span (analyzer, 0-based line/column) ↔ LSP Range/Position helpers shared by the features. */
import type { Position, Range } from 'vscode-languageserver-types';
import type { CallSite, Span } from '../analysis/callSite';

export function toRange(s: Span): Range {
  return { start: { line: s.line, character: s.column }, end: { line: s.endLine, character: s.endColumn } };
}

export function spanContains(s: Span, p: Position): boolean {
  if (p.line < s.line || p.line > s.endLine) return false;
  if (p.line === s.line && p.character < s.column) return false;
  if (p.line === s.endLine && p.character > s.endColumn) return false;
  return true;
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character &&
    a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The innermost call site containing the position (calls can nest in argument lists). */
export function callSiteContaining(sites: readonly CallSite[], p: Position): CallSite | null {
  let best: CallSite | null = null;
  for (const c of sites) {
    if (!spanContains(c.span, p)) continue;
    if (!best || c.span.line > best.span.line || (c.span.line === best.span.line && c.span.column > best.span.column)) best = c;
  }
  return best;
}

export function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
