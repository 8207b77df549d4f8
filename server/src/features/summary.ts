/**
 * One judgement of a call site for presentation (hover, inlay hint, code lens), computed
 * by the engine from the CallSite and the resolved Config. Pure; never throws.
 */
import type { CallSite } from '../analysis/callSite';
import { inetSkGetLocalPortRange, type EffectiveRule } from '../../../engine/src/range';
import { validateSetsockopt, unpackRange, meaningAtLevel, type SocketKind } from '../../../engine/src/uapi';
import type { FeatureEnv } from './env';
import { countReserved } from '../config/resolve';

export type Verdict =
  /** setsockopt returns 0 and the range applies (fully or in part). */
  | { kind: 'accept'; detail: string }
  /** setsockopt returns 0 but the value changes nothing at allocation. */
  | { kind: 'ignore'; detail: string }
  /** setsockopt fails with this errno. */
  | { kind: 'error'; errno: string; detail: string }
  /** Not statically known (level/optname/value unknown) or a getsockopt. */
  | { kind: 'unknown'; detail: string };

export interface CallSummary {
  /** As the kernel reads the value; null when not statically known. */
  lo: number | null;
  hi: number | null;
  packed: number | null;
  /** hi - lo + 1 when both halves are set and lo <= hi. */
  ports: number | null;
  effective: {
    lo: number; hi: number; rule: string; ports: number; usable: number; reserved: number;
    /** Why the value never reaches the socket (setsockopt fails, or sets another option): the netns range applies. */
    notApplied?: string;
  } | null;
  verdict: Verdict;
}

const RULE_TEXT: Record<EffectiveRule, string> = {
  netns: 'option unset or cleared: the netns range applies',
  socket: 'both halves lie inside the netns range and are honoured',
  'socket-lo': 'only lo is honoured (hi is 0 or outside the netns window)',
  'socket-hi': 'only hi is honoured (lo is 0 or outside the netns window)',
  ignored: 'both halves are ignored (0 or outside the netns window): the netns range applies',
};

export function ruleText(rule: string): string {
  return (RULE_TEXT as Record<string, string>)[rule] ?? rule;
}

function socketKind(site: CallSite): SocketKind {
  const p = site.socket.proto;
  return p === 'udp' || p === 'sctp' || p === 'mptcp' ? p : 'tcp';
}

export function summarize(site: CallSite, env: FeatureEnv): CallSummary {
  const v = site.value;
  let lo = v?.lo ?? null;
  let hi = v?.hi ?? null;
  const packed = v?.packed ?? null;
  if (packed !== null && (lo === null || hi === null)) ({ lo, hi } = unpackRange(packed));
  const ports = lo !== null && hi !== null && lo > 0 && hi > 0 && lo <= hi ? hi - lo + 1 : null;

  let effective: CallSummary['effective'] = null;
  if (site.op === 'set') {
    let eff: { lo: number; hi: number; rule: string } | null = null;
    if (packed !== null) {
      const e = inetSkGetLocalPortRange(env.resolved.kernel, env.resolved.netns, packed);
      eff = { lo: e.lo, hi: e.hi, rule: e.rule };
    } else if (site.effective) eff = site.effective;
    if (eff) {
      const n = eff.hi - eff.lo + 1;
      const reserved = countReserved(env.resolved.reserved, eff.lo, eff.hi);
      effective = { ...eff, ports: n, usable: Math.max(0, n - reserved), reserved };
    }
  }
  const verdict = verdictOf(site, env, packed, effective);
  const other = site.op === 'set' && site.level.value !== null && site.level.value !== 0 && verdict.kind === 'ignore';
  if (site.op === 'set' && (verdict.kind === 'error' || other)) {
    const { lo: nlo, hi: nhi } = env.resolved.netns;
    const n = nhi - nlo + 1;
    const reserved = countReserved(env.resolved.reserved, nlo, nhi);
    effective = {
      lo: nlo, hi: nhi, rule: 'netns', ports: n, usable: Math.max(0, n - reserved), reserved,
      notApplied: verdict.kind === 'error' ? `setsockopt fails with ${verdict.errno}, so the socket keeps no range` : 'the call sets another option, so the socket keeps no range',
    };
  }
  return { lo, hi, packed, ports, effective, verdict };
}

function verdictOf(site: CallSite, env: FeatureEnv, packed: number | null, eff: CallSummary['effective']): Verdict {
  if (site.op === 'get') {
    return { kind: 'accept', detail: 'getsockopt returns the raw stored value (hi << 16 | lo), not the effective range (spec §2.4)' };
  }
  const level = site.level.value;
  const optname = site.optname.value;
  if (level === null || optname === null) return { kind: 'unknown', detail: 'level or option number not statically known' };
  const optlen = site.value?.optlen ?? null;
  const r = validateSetsockopt(env.resolved.kernel, {
    level,
    optname,
    optlen: optlen ?? 4,
    value: packed ?? 0,
    family: site.socket.family ?? 4,
    kind: socketKind(site),
  });
  if (!r.ok) return { kind: 'error', errno: r.errno, detail: r.reason };
  if (level !== 0) {
    return { kind: 'ignore', detail: `returns 0 but sets ${meaningAtLevel(level, optname)}; the port range stays unset (spec §2.6)` };
  }
  const assumed = optlen === null ? ' (optlen not statically known: assuming 4)' : '';
  if (packed === null) return { kind: 'unknown', detail: `value not statically known${assumed}` };
  if (packed === 0) return { kind: 'accept', detail: `returns 0 and clears the option: the netns range applies${assumed}` };
  const late = site.diagnostics.find((d) => d.code === 'set-after-bind');
  if (late) return { kind: 'ignore', detail: 'returns 0 but the port is already chosen: no effect (spec §2.7)' };
  if (eff && eff.rule === 'ignored') {
    return { kind: 'ignore', detail: `returns 0, but both halves are ignored at allocation: ports come from the netns range${assumed}` };
  }
  return { kind: 'accept', detail: `returns 0${eff && eff.rule !== 'socket' ? `; ${ruleText(eff.rule)}` : ''}${assumed}` };
}

/** "512 ports" / "1 port". */
export function portsText(n: number): string {
  return `${n} ${n === 1 ? 'port' : 'ports'}`;
}
