/** `check`'s text and JSON presentations of a CheckReport (SARIF: sarif.ts). */
import { relative } from 'node:path';
import type { CallSite } from '../analysis/callSite';
import { portsText } from '../features/summary';
import type { CheckOptions } from './checkArgs';
import type { CheckReport } from './checkRun';

function rangeText(lo: number, hi: number): string {
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}

function decodedSuffix(c: CallSite): string {
  const v = c.value;
  const parts: string[] = [];
  if (v?.entry) parts.push(`entry ${v.entry.label}`);
  if (v && v.lo !== null && v.hi !== null) parts.push(`lo=${v.lo} hi=${v.hi}`);
  else if (c.op === 'set') parts.push('value not statically known');
  if (c.effective) parts.push(`effective ${rangeText(c.effective.lo, c.effective.hi)} (${c.effective.rule})`);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

/**
 * The --list line of a call site without a finding: what it asks for, in the same words as
 * a finding's suffix, e.g. `ok setsockopt IP_LOCAL_PORT_RANGE: lo=40000 hi=40511 · 512 ports,
 * effective 40000-40511 (socket)`.
 */
function okText(c: CallSite): string {
  const head = `ok ${c.op}sockopt IP_LOCAL_PORT_RANGE: `;
  if (c.op === 'get') return `${head}reads the raw stored value`;
  const v = c.value;
  if (!v || v.lo === null || v.hi === null) return `${head}value not statically known`;
  let text = `${v.entry ? `entry ${v.entry.label}: ` : ''}lo=${v.lo} hi=${v.hi}`;
  if (v.lo > 0 && v.hi > 0 && v.lo <= v.hi) text += ` · ${portsText(v.hi - v.lo + 1)}`;
  if (c.effective) text += `, effective ${rangeText(c.effective.lo, c.effective.hi)} (${c.effective.rule})`;
  return head + text;
}

function jsonCallSite(c: CallSite, display: string) {
  return {
    file: display,
    line: c.span.line + 1,
    column: c.span.column + 1,
    endLine: c.span.endLine + 1,
    endColumn: c.span.endColumn + 1,
    language: c.language,
    op: c.op,
    level: { text: c.level.text, value: c.level.value },
    optname: { text: c.optname.text, value: c.optname.value },
    value: c.value
      ? { lo: c.value.lo, hi: c.value.hi, packed: c.value.packed, byteOrder: c.value.byteOrder, optlen: c.value.optlen, ...(c.value.entry ? { entry: c.value.entry } : {}) }
      : null,
    effective: c.effective ? { lo: c.effective.lo, hi: c.effective.hi, rule: c.effective.rule } : null,
    diagnostics: c.diagnostics.map((d) => ({
      code: d.code, severity: d.severity, message: d.message, line: d.span.line + 1, column: d.span.column + 1,
    })),
  };
}

/** The one JSON object of `--format json` (schema version 1). */
export function checkJson(r: CheckReport, opts: CheckOptions): string {
  const out = {
    version: 1,
    callSites: r.sites.map(({ site, display }) => jsonCallSite(site, display)),
    summary: {
      files: r.files,
      callSites: r.sites.length,
      diagnostics: r.counts,
      byCode: r.byCode,
      // Files not checked, {file, reason} (version-1 shape): skip rules and limits.
      skipped: r.notes.filter((n) => n.kind === 'skipped' || n.id === 'file-too-large').map((n) => ({ file: n.file, reason: n.message })),
      notes: r.notes,
      truncated: r.truncated,
      errors: r.errors.map((e) => ({ file: e.file, code: e.code, reason: e.message })),
      failOn: opts.failOn,
      failed: r.exitCode !== 0,
      exitCode: r.exitCode,
    },
  };
  return JSON.stringify(out, null, 2) + '\n';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Compiler-style lines, notes, and the summary line(s). */
export function checkText(r: CheckReport, opts: CheckOptions): string {
  const cwd = process.cwd();
  const sites = r.sites;
  const lines: string[] = [];
  // One file at a time (its call sites are consecutive): the findings in their order and,
  // with --list, an "ok" line per call site without one, merged in by line and column.
  for (let i = 0; i < sites.length;) {
    const display = sites[i]!.display;
    const findings: { line: number; column: number; text: string }[] = [];
    const oks: { line: number; column: number; text: string }[] = [];
    for (; i < sites.length && sites[i]!.display === display; i++) {
      const site = sites[i]!.site;
      const suffix = decodedSuffix(site);
      for (const d of site.diagnostics) {
        findings.push({
          line: d.span.line, column: d.span.column,
          text: `${display}:${d.span.line + 1}:${d.span.column + 1}: ${d.severity} ${d.code}: ${d.message}${suffix}`,
        });
      }
      if (opts.list && site.diagnostics.length === 0) {
        oks.push({ line: site.span.line, column: site.span.column, text: `${display}:${site.span.line + 1}:${site.span.column + 1}: ${okText(site)}` });
      }
    }
    oks.sort((a, b) => a.line - b.line || a.column - b.column);
    let k = 0;
    for (const f of findings) {
      while (k < oks.length && (oks[k]!.line < f.line || (oks[k]!.line === f.line && oks[k]!.column <= f.column))) lines.push(oks[k++]!.text);
      lines.push(f.text);
    }
    while (k < oks.length) lines.push(oks[k++]!.text);
  }
  for (const n of r.notes) lines.push(`${relative(cwd, n.file) || n.file}: note: ${n.message}`);
  const c = r.counts;
  lines.push(
    `${plural(sites.length, 'call site')} in ${plural(r.files, 'file')}: ` +
    `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.information} information, ${plural(c.hint, 'hint')}`,
  );
  const limits = new Set(r.notes.filter((n) => n.kind === 'limit').map((n) => n.file)).size;
  if (limits) {
    lines.push(`incomplete: ${plural(limits, 'file')} hit a limit (see the notes above)` +
      (opts.failOn === 'never' ? '' : '; this fails the run (--fail-on never accepts it)'));
  }
  return lines.join('\n') + '\n';
}
