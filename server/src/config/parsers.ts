/**
 * One parser per setting. Each takes the value as given (from settings JSON, a CLI flag or a
 * file directive: possibly not even the right type) and returns the checked value or throws
 * SettingError. Kernel facts come from the engine: the netns range follows the kernel's own
 * write rules for ip_local_port_range (writeIpLocalPortRange, ipv4_local_port_range()), the
 * reserved list proc_do_large_bitmap() (parseReservedPorts), versions kernelProfile().
 */
import { kernelProfile } from '../../../engine/src/kernels';
import { NETNS_DEFAULTS, parseReservedPorts, writeIpLocalPortRange } from '../../../engine/src/sysctl';
import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from '../diagnostics/codes';

export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingError';
  }
}

const json = (v: unknown) => JSON.stringify(v) ?? String(v);

function text(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new SettingError(`${json(v)} is not ${what}`);
  return v.trim();
}

/**
 * The one netns-range parser: "LO-HI" (as settings, flags and directives write it) or the
 * /proc form "LO\tHI", each bound a C number (decimal, 0x hex, 0 octal, as the kernel reads
 * /proc), then the kernel's checks: both in 1..65535, lo <= hi, lo >= ip_unprivileged_port_start
 * (1024 by default).
 */
export function parseNetnsRange(value: string, unprivilegedPortStart: number = NETNS_DEFAULTS.ipUnprivilegedPortStart): { lo: number; hi: number } {
  const t = value.trim();
  const m = /^(0[xX][0-9a-fA-F]+|\d+)\s*(?:-|\s)\s*(0[xX][0-9a-fA-F]+|\d+)$/.exec(t);
  if (!m) throw new SettingError(`"${value}" is not a port range: expected LO-HI, e.g. 32768-60999`);
  const w = writeIpLocalPortRange(`${m[1]} ${m[2]}`, unprivilegedPortStart);
  if (!w.ok) throw new SettingError(`"${value}": the kernel rejects this range (${w.reason.replace(/^ip_local_port_range: /, '')})`);
  return w.value;
}

/** portRangeLens.netnsRange: "auto" or a range parseNetnsRange accepts; normalised to "LO-HI". */
export function parseNetnsRangeSetting(v: unknown): string {
  const t = text(v, '"auto" or "LO-HI"');
  if (t === 'auto') return t;
  const r = parseNetnsRange(t);
  return `${r.lo}-${r.hi}`;
}

/** portRangeLens.reservedPorts: "auto", "" or the /proc list syntax; normalised (sorted, merged). */
export function parseReservedSetting(v: unknown): string {
  const t = text(v, '"auto" or a list like "40000-40004,40007"');
  if (t === 'auto') return t;
  const r = parseReservedPorts(t);
  if (!r.ok) throw new SettingError(`"${t}": ${r.reason}`);
  return r.value.toString();
}

export function parseKernel(v: unknown): string {
  const t = text(v, 'a kernel version X.Y or X.Y.Z');
  try {
    kernelProfile(t);
  } catch (e) {
    throw new SettingError((e as Error).message);
  }
  return t;
}

export function parseHostByteOrder(v: unknown): 'little' | 'big' {
  if (v === 'little' || v === 'big') return v;
  throw new SettingError(`${json(v)} is not "little" or "big"`);
}

export function parseThreshold(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65536) return v;
  throw new SettingError(`${json(v)} is not an integer in 0..65536`);
}

/** true/false (the VS Code setting) or { enabled: bool } (hand-written editor configs). */
export function parseInlayHints(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { enabled?: unknown }).enabled === 'boolean') return (v as { enabled: boolean }).enabled;
  throw new SettingError(`${json(v)} is not true or false`);
}

const LEVELS: readonly (Severity | 'off')[] = ['error', 'warning', 'information', 'hint', 'off'];

/**
 * { "<code>": "error"|"warning"|"information"|"hint"|"off" }. Every bad entry is named; the
 * good ones are kept (SettingError.partial), so one typo does not drop the others.
 */
export function parseSeverity(v: unknown): Partial<Record<DiagnosticCode, Severity | 'off'>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new SettingError('expected an object { "<code>": "error" | "warning" | "information" | "hint" | "off" }');
  }
  const out: Partial<Record<DiagnosticCode, Severity | 'off'>> = {};
  const bad: string[] = [];
  for (const [code, level] of Object.entries(v)) {
    if (!(DIAGNOSTIC_CODES as readonly string[]).includes(code)) bad.push(`unknown diagnostic code "${code}"`);
    else if (typeof level !== 'string' || !LEVELS.includes(level as Severity)) bad.push(`${code}: ${json(level)} is not one of ${LEVELS.join(', ')}`);
    else out[code as DiagnosticCode] = level as Severity | 'off';
  }
  if (bad.length) throw Object.assign(new SettingError(bad.join('; ')), { partial: out });
  return out;
}
