/**
 * The flags several commands share (simulate, plan, decode): a LO-HI port pair, the netns
 * sysctls from --netns-range / --reserved (LO-HI, a /proc list, or `auto` = this machine),
 * and comma lists of destinations.
 */
import type { NetnsConfig } from '../../../engine/src/scenarioTypes';
import { readNetnsFromProc, SysctlError } from '../../../engine/src/sysctl';
import { parseRangeText, RangeTextError } from '../../../engine/src/uapi';
import { parseNetnsRange, SettingError } from '../config/parsers';
import { str, UsageError, type ParsedArgs } from './args';

/** A LO-HI flag (--range): the engine's one reader of the option's LO-HI text, as a usage error. */
export function parsePortPair(text: string, flag: string): { lo: number; hi: number } {
  try {
    return parseRangeText(text);
  } catch (e) {
    if (e instanceof RangeTextError) throw new UsageError(`--${flag}: ${e.message}`);
    throw e;
  }
}

/** --netns-range LO-HI: the one netns-range parser (kernel write rules); lo may be below 1024 (the model then lowers ip_unprivileged_port_start). */
function parseNetnsFlag(text: string): { lo: number; hi: number } {
  try {
    return parseNetnsRange(text, 0);
  } catch (e) {
    if (e instanceof SettingError) throw new UsageError(`--netns-range: ${e.message}`);
    throw e;
  }
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
    netns.portRange = parseNetnsFlag(nsText);
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
