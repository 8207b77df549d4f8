/**
 * The flags several commands share (simulate, plan, decode): a LO-HI port pair, the netns
 * sysctls from --netns-range / --reserved (LO-HI, a /proc list, or `auto` = this machine),
 * and comma lists of destinations.
 */
import type { NetnsConfig } from '../../../engine/src/scenarioTypes';
import { readNetnsFromProc, SysctlError } from '../../../engine/src/sysctl';
import { str, UsageError, type ParsedArgs } from './args';

export function parsePortPair(text: string, flag: string): { lo: number; hi: number } {
  const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(text);
  if (!m) throw new UsageError(`--${flag} must be LO-HI, e.g. 40000-40511 (got ${JSON.stringify(text)})`);
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (lo > 65535 || hi > 65535) throw new UsageError(`--${flag}: ports must be in [0, 65535] (got ${text})`);
  return { lo, hi };
}

/** --netns-range and --reserved (each may be `auto`); only the flags given are set. */
export function netnsFromFlags(a: ParsedArgs): NetnsConfig {
  const netns: NetnsConfig = {};
  const nsText = str(a, 'netns-range');
  const resText = str(a, 'reserved');
  if (nsText === 'auto' || resText === 'auto') {
    let live: NetnsConfig;
    try {
      live = readNetnsFromProc();
    } catch (e) {
      if (e instanceof SysctlError) throw new UsageError(`"auto": ${e.message}`);
      throw e;
    }
    if (nsText === 'auto') {
      netns.portRange = live.portRange;
      if (live.ipUnprivilegedPortStart !== undefined) netns.ipUnprivilegedPortStart = live.ipUnprivilegedPortStart;
    }
    if (resText === 'auto') netns.reservedPorts = live.reservedPorts ?? '';
  }
  if (nsText !== undefined && nsText !== 'auto') {
    netns.portRange = parsePortPair(nsText, 'netns-range');
    if (netns.portRange.lo < 1024) netns.ipUnprivilegedPortStart = netns.portRange.lo; // allowed once the sysctl is lowered
  }
  if (resText !== undefined && resText !== 'auto') netns.reservedPorts = resText;
  return netns;
}

/** Splits "a:1,b:2" and "[::1]:5000,[::2]:5000" on commas outside brackets. */
export function splitList(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === ',' && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
