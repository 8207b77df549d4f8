/**
 * A plan for people and for programs: the JSON document (version 1, exactly the fields the
 * CLI documents) and the text report (table, a bar of the range, findings, sysctl lines,
 * the snippet). Shared by the CLI `plan` and the language server's planner request.
 */
import type { PlanResult } from '../../../engine/src/plan/types';
import { parseReservedPorts } from '../../../engine/src/sysctl';
import { CODE_LANGUAGES, generateCode, sysctlLines, type CodeLanguage } from './codegen/index';

export interface PlanJson {
  version: 1;
  netnsRange: { lo: number; hi: number };
  slices: {
    worker: number; lo: number; hi: number; packed: number; usablePorts: number;
    capacityPerDestination: Record<string, number>; capacityTotal: number;
  }[];
  findings: { code: string; severity: string; message: string; worker: number | null }[];
  code: Partial<Record<CodeLanguage, string[]>>;
  sysctl: string[];
}

export function planJson(plan: PlanResult, languages: readonly CodeLanguage[] = CODE_LANGUAGES): PlanJson {
  return {
    version: 1,
    netnsRange: { lo: plan.netnsRange.lo, hi: plan.netnsRange.hi },
    slices: plan.slices.map((s) => ({
      worker: s.worker, lo: s.lo, hi: s.hi, packed: s.packed, usablePorts: s.usablePorts,
      capacityPerDestination: s.capacityPerDestination, capacityTotal: s.capacityTotal,
    })),
    findings: plan.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, worker: f.worker })),
    code: generateCode(plan, languages),
    sysctl: sysctlLines(plan),
  };
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * One line of `width` columns over the netns range: each column shows the worker owning
 * most of its ports (0-9a-z, then repeating), `.` where every port is reserved.
 */
export function rangeBar(plan: PlanResult, width = 64): string {
  const { lo, hi } = plan.netnsRange;
  const parsed = parseReservedPorts(plan.reserved);
  const reserved = parsed.ok ? parsed.value : null;
  const n = hi - lo + 1;
  const cols = Math.min(width, n);
  let bar = '';
  for (let c = 0; c < cols; c++) {
    const a = lo + Math.floor((c * n) / cols);
    const b = lo + Math.floor(((c + 1) * n) / cols) - 1;
    let best = -1;
    let bestCount = 0;
    for (const s of plan.slices) {
      const x = Math.max(a, s.lo);
      const y = Math.min(b, s.hi);
      const usable = x <= y ? y - x + 1 - (reserved ? reserved.count(x, y) : 0) : 0;
      if (usable > bestCount) { best = s.worker; bestCount = usable; }
    }
    bar += best < 0 ? '.' : DIGITS[best % DIGITS.length];
  }
  return `${lo} ${bar} ${hi}`;
}

const LANGUAGE_NAMES: Record<CodeLanguage, string> = { c: 'C', cpp: 'C++', python: 'Python', go: 'Go', rust: 'Rust' };

export function planText(plan: PlanResult, language: CodeLanguage, worker = 0): string {
  const out: string[] = [];
  const ns = plan.netnsRange;
  const dsts = plan.destinations;
  out.push(
    `${plan.slices.length} worker${plan.slices.length === 1 ? '' : 's'} over netns ${ns.lo}-${ns.hi} (${plan.usablePorts} usable ports; reserved: ${plan.reserved || 'none'}), ` +
      `${plan.proto.toUpperCase()} ${plan.pattern}, Linux ${plan.kernel}${plan.need !== null ? `, need ${plan.need}` : ''}`,
  );
  if (dsts.length) out.push(`destinations: ${dsts.join(', ')}`);
  out.push('');
  const header = ['worker', 'lo', 'hi', 'packed', 'usable', 'reserved', dsts.length ? 'per destination' : '', 'total'];
  const rows = plan.slices.map((s) => [
    String(s.worker), String(s.lo), String(s.hi), `0x${s.packed.toString(16).padStart(8, '0')}`, String(s.usablePorts),
    String(s.reservedInside), dsts.map((d) => s.capacityPerDestination[d] ?? 0).join(' / '), String(s.capacityTotal),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = [false, true, true, true, true, true, false, true];
  const line = (r: string[]) => r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  out.push(line(header), ...rows.map(line), '');
  out.push(`capacity = what the engine's simulation of each slice held (${plan.pattern}, seed ${plan.seed})`);
  out.push(rangeBar(plan), '');
  if (plan.findings.length) {
    out.push('findings:');
    for (const f of plan.findings) out.push(`  ${f.severity.padEnd(11)} ${f.code}: ${f.message}`);
  } else out.push('findings: none');
  out.push('', 'sysctl:', ...sysctlLines(plan).map((l) => `  ${l}`), '');
  const w = Math.min(worker, plan.slices.length - 1);
  const snippet = generateCode(plan, [language])[language]![w];
  out.push(`${LANGUAGE_NAMES[language]}, worker ${w}${plan.slices.length > 1 ? ` (--worker N for another; --format json has every worker's snippet)` : ''}:`, '');
  out.push(snippet.trimEnd());
  return out.join('\n') + '\n';
}
