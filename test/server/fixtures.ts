/** Hand-made CallSites for the pure feature tests (no parser involved). */
import type { CallSite, Diagnostic, Span } from '../../server/src/analysis/callSite';
import { DEFAULT_CONFIG, type Config } from '../../server/src/config/schema';
import { featureEnv } from '../../server/src/features/env';
import type { FeatureEnv } from '../../server/src/features/env';

export const span = (line: number, column: number, endLine: number, endColumn: number): Span => ({ line, column, endLine, endColumn });

/** `  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));` on `line`, value v = (hi<<16)|lo. */
export function cSite(lo: number | null, hi: number | null, over: Partial<CallSite> = {}, line = 4): CallSite {
  const packed = lo !== null && hi !== null ? ((hi << 16) | lo) >>> 0 : null;
  return {
    file: '/w/a.c',
    language: 'c',
    op: 'set',
    span: span(line, 9, line, 67),
    callee: 'setsockopt',
    level: { text: 'SOL_IP', value: 0, span: span(line, 24, line, 30) },
    optname: { text: 'IP_LOCAL_PORT_RANGE', value: 51, span: span(line, 32, line, 51) },
    value: { lo, hi, packed, byteOrder: 'host', optlen: 4, form: 'int', span: span(line, 53, line, 55) },
    socket: { proto: 'tcp', family: 4, reuseAddr: false, bindAddressNoPort: false, events: [] },
    facts: { valueExpr: { text: '&v', value: packed, span: span(line, 53, line, 55) } },
    effective: null,
    diagnostics: [],
    ...over,
  };
}

export function diag(code: Diagnostic['code'], s: Span, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: 'error', message: `${code} message`, span: s, ...extra };
}

export function env(over: Partial<Config> = {}): FeatureEnv {
  return featureEnv({ ...DEFAULT_CONFIG, ...over }, 'https://example.test/docs/diagnostics.md');
}

/** Applies LSP TextEdits (non-overlapping) to text. */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => {
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i]!.length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
