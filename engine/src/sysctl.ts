/**
 * Per-network-namespace sysctls (spec §3) with the kernel's write rules, the /proc list
 * syntax of ip_local_reserved_ports both ways, and reading the live values from /proc.
 *
 * Parsing follows kernel/sysctl.c: proc_get_long() (digits, optional '-', radix from the
 * prefix like simple_strtoul(…, 0): "0x" hex, leading "0" octal; checked on 6.18 here), __do_proc_dointvec()
 * (whitespace separated, extra values ignored) and proc_do_large_bitmap() (comma list, no
 * spaces).
 */
import type { KernelProfile } from './kernels';
import type { NetnsConfig } from './scenarioTypes';
import type { PortRange } from './uapi';

export type SysctlWrite<T> =
  | { ok: true; value: T; warning?: string }
  | { ok: false; errno: 'EINVAL' | 'ENOENT'; reason: string };

const EINVAL = <T>(reason: string): SysctlWrite<T> => ({ ok: false, errno: 'EINVAL', reason });

/** Defaults of a fresh netns (spec §3.1–§3.5); udpHashSize is this machine's "UDP hash table entries". */
export const NETNS_DEFAULTS = {
  portRange: { lo: 32768, hi: 60999 } as PortRange,
  reservedPorts: '',
  ipUnprivilegedPortStart: 1024,
  ipAutobindReuse: 0 as 0 | 1,
  tcpTwReuse: 2 as 0 | 1 | 2,
  tcpTwReuseDelayMs: 1000,
  udpHashSize: 16384,
};

// ---------------------------------------------------------------------------------------
// proc_get_long(): one unsigned number with optional '-' and a permitted trailing char.

const isDigit = (c: string) => c >= '0' && c <= '9';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
const TMPBUFLEN = 22;

interface Parsed { value: number; neg: boolean; next: number; tr: string | null }

/** Parses one number at text[pos]. Returns null for EINVAL. */
function procGetLong(text: string, pos: number, permTr: string): Parsed | null {
  const left = text.length - pos;
  if (left <= 0) return null;
  const win = text.slice(pos, pos + Math.min(left, TMPBUFLEN - 1));
  let p = 0;
  let neg = false;
  if (win[0] === '-' && left > 1) { neg = true; p = 1; }
  if (!isDigit(win[p] ?? '')) return null;
  // _parse_integer_fixup_radix(base 0)
  let base = 10;
  if (win[p] === '0') {
    if ((win[p + 1] === 'x' || win[p + 1] === 'X') && /[0-9a-fA-F]/.test(win[p + 2] ?? '')) { base = 16; p += 2; } else base = 8;
  }
  let value = 0;
  let digits = 0;
  for (; p < win.length; p++) {
    const d = parseInt(win[p], 16);
    if (Number.isNaN(d) || d >= base) break;
    value = value * base + d;
    digits++;
  }
  if (digits === 0) return null;
  if (value > 0xffffffffffffffff) return null; // -ERANGE from the strtoul helper
  const len = p;
  if (len === TMPBUFLEN - 1) return null; // too long to be sure it ended
  let tr: string | null = null;
  if (len < left) {
    const c = text[pos + len];
    if (permTr && !permTr.includes(c)) return null;
    tr = c;
  }
  return { value, neg, next: pos + len, tr };
}

/**
 * __do_proc_dointvec() write side for `count` ints: whitespace separated, extra values
 * ignored. Returns the parsed signed values (at least one), or null for EINVAL.
 */
function procDointvec(text: string, count: number): number[] | null {
  const out: number[] = [];
  let pos = 0;
  for (let i = 0; i < count && pos < text.length; i++) {
    while (pos < text.length && isSpace(text[pos])) pos++;
    if (pos >= text.length) break;
    const r = procGetLong(text, pos, ' \t\n');
    if (!r) return null;
    // do_proc_dointvec_conv: must fit an int
    if (r.neg ? r.value > 2147483648 : r.value > 2147483647) return null;
    out.push(r.neg ? -r.value : r.value);
    pos = r.next;
  }
  if (out.length === 0) return null; // "write && first" -> -EINVAL
  return out;
}

function parseSingle(text: string, min: number, max: number, name: string): SysctlWrite<number> {
  const v = procDointvec(text, 1);
  if (!v) return EINVAL(`${name}: not a number: ${JSON.stringify(text)}`);
  if (v[0] < min || v[0] > max) return EINVAL(`${name}: ${v[0]} is outside [${min}, ${max}]`);
  return { ok: true, value: v[0] };
}

// ---------------------------------------------------------------------------------------
// §3.1 ip_local_port_range (ipv4_local_port_range)

/**
 * Write rules of net.ipv4.ip_local_port_range (ipv4_local_port_range, spec §3.1): up to two
 * whitespace-separated ints, each in [1, 65535]; extra numbers are ignored; a single number
 * replaces only lo (hi keeps its current value; checked on 6.18 here: "40500" over
 * 40000-40999 gives 40500-40999, "41500" gives EINVAL because lo > hi); then lo <= hi and
 * lo >= ip_unprivileged_port_start. Same parity succeeds with a one-time warning. A
 * zero-length write changes nothing. Numbers take C prefixes ("0x9c40", octal "040000").
 */
export function writeIpLocalPortRange(
  text: string,
  unprivilegedPortStart: number = NETNS_DEFAULTS.ipUnprivilegedPortStart,
  current: PortRange = NETNS_DEFAULTS.portRange,
): SysctlWrite<PortRange> {
  if (text.length === 0) return { ok: true, value: { lo: current.lo, hi: current.hi } };
  const v = procDointvec(text, 2);
  if (!v) return EINVAL(`ip_local_port_range: expected "LO HI", got ${JSON.stringify(text)}`);
  const lo = v[0];
  const hi = v.length > 1 ? v[1] : current.hi;
  if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535) return EINVAL(`ip_local_port_range: values must be in [1, 65535] (got ${v.join(' ')})`);
  if (hi < lo) return EINVAL(`ip_local_port_range: hi ${hi} < lo ${lo}${v.length < 2 ? ' (a single number replaces only lo)' : ''}`);
  if (lo < unprivilegedPortStart) return EINVAL(`ip_local_port_range: lo ${lo} < ip_unprivileged_port_start ${unprivilegedPortStart}`);
  const warning = (lo & 1) === (hi & 1) ? 'ip_local_port_range: prefer different parity for start/end values.' : undefined;
  return warning ? { ok: true, value: { lo, hi }, warning } : { ok: true, value: { lo, hi } };
}

/** /proc read-back of ip_local_port_range: "LO\tHI\n". */
export function formatIpLocalPortRange(r: PortRange): string {
  return `${r.lo}\t${r.hi}\n`;
}

// ---------------------------------------------------------------------------------------
// §3.2 ip_unprivileged_port_start (ipv4_privileged_ports)

/** [0, 65535], and not above the current range's lo (spec §3.2). */
export function writeIpUnprivilegedPortStart(text: string, currentRange: PortRange = NETNS_DEFAULTS.portRange): SysctlWrite<number> {
  const r = parseSingle(text, 0, 65535, 'ip_unprivileged_port_start');
  if (!r.ok) return r;
  if (currentRange.lo < r.value) return EINVAL(`ip_unprivileged_port_start: ${r.value} > ip_local_port_range lo ${currentRange.lo}`);
  return r;
}

// ---------------------------------------------------------------------------------------
// §3.4, §3.5 single-value knobs

export function writeIpAutobindReuse(text: string): SysctlWrite<0 | 1> {
  return parseSingle(text, 0, 1, 'ip_autobind_reuse') as SysctlWrite<0 | 1>;
}
export function writeTcpTwReuse(text: string): SysctlWrite<0 | 1 | 2> {
  return parseSingle(text, 0, 2, 'tcp_tw_reuse') as SysctlWrite<0 | 1 | 2>;
}
/** tcp_tw_reuse_delay exists from 6.14 (spec §1); ms in [1, 60000]. */
export function writeTcpTwReuseDelay(text: string, k?: KernelProfile): SysctlWrite<number> {
  if (k && !k.hasTwReuseDelay) return { ok: false, errno: 'ENOENT', reason: `tcp_tw_reuse_delay does not exist before 6.14 (target ${k.version})` };
  return parseSingle(text, 1, 60000, 'tcp_tw_reuse_delay');
}

// ---------------------------------------------------------------------------------------
// §3.3 ip_local_reserved_ports (proc_do_large_bitmap, 65536 bits)

/** The 65536-bit reserved-port bitmap (inet_is_local_reserved_port). */
export class ReservedPorts {
  readonly bits = new Uint32Array(2048);
  has(port: number): boolean {
    return (this.bits[port >>> 5] & (1 << (port & 31))) !== 0;
  }
  addRange(a: number, b: number): void {
    for (let p = a; p <= b; p++) this.bits[p >>> 5] |= 1 << (p & 31);
  }
  count(lo = 0, hi = 65535): number {
    let n = 0;
    for (let p = lo; p <= hi; p++) if (this.has(p)) n++;
    return n;
  }
  isEmpty(): boolean {
    for (let i = 0; i < 2048; i++) if (this.bits[i] !== 0) return false;
    return true;
  }
  /** The reserved ports as sorted, merged runs [{lo, hi}] (what a chart draws). */
  spans(): PortRange[] {
    const out: PortRange[] = [];
    let p = 0;
    while (p < 65536) {
      // A word without a reserved port is skipped whole (the usual set is empty or small).
      if ((p & 31) === 0 && this.bits[p >>> 5] === 0) { p += 32; continue; }
      if (!this.has(p)) { p++; continue; }
      let q = p;
      while (q + 1 < 65536 && this.has(q + 1)) q++;
      out.push({ lo: p, hi: q });
      p = q + 1;
    }
    return out;
  }
  /** Canonical /proc list without the trailing newline: sorted, runs merged ("40001-40003,40005"). */
  toString(): string {
    return this.spans().map(({ lo, hi }) => (hi > lo ? `${lo}-${hi}` : `${lo}`)).join(',');
  }
}

/**
 * Parses a write to ip_local_reserved_ports exactly as proc_do_large_bitmap() does: leading
 * newlines skipped, "N" or "A-B" items separated by ',' (a '\n' may end an item), no
 * spaces ("40005, 40001" is EINVAL), values < 65536, A <= B. "\n" or "" clears the set.
 */
export function parseReservedPorts(text: string): SysctlWrite<ReservedPorts> {
  const bm = new ReservedPorts();
  let pos = 0;
  const skipNl = () => { while (pos < text.length && text[pos] === '\n') pos++; };
  skipNl();
  let c: string | null = null;
  while (pos < text.length) {
    const a = procGetLong(text, pos, '-,\n');
    if (!a) return EINVAL(`ip_local_reserved_ports: bad item at offset ${pos} in ${JSON.stringify(text)} (no spaces allowed)`);
    if (a.value >= 65536 || a.neg) return EINVAL(`ip_local_reserved_ports: ${a.neg ? '-' : ''}${a.value} is outside [0, 65535]`);
    if (a.tr !== null) c = a.tr;
    pos = a.next;
    let b = a.value;
    if (pos < text.length) pos++;
    if (c === '-') {
      const r = procGetLong(text, pos, ',\n');
      if (!r) return EINVAL(`ip_local_reserved_ports: bad range end at offset ${pos} in ${JSON.stringify(text)}`);
      if (r.value >= 65536 || r.neg || a.value > r.value) return EINVAL(`ip_local_reserved_ports: bad range ${a.value}-${r.neg ? '-' : ''}${r.value}`);
      if (r.tr !== null) c = r.tr;
      pos = r.next;
      b = r.value;
      if (pos < text.length) pos++;
    }
    bm.addRange(a.value, b);
    skipNl();
  }
  return { ok: true, value: bm };
}

/** A write(2) to ip_local_reserved_ports: zero bytes change nothing, anything else replaces the set. */
export function writeIpLocalReservedPorts(text: string, current: ReservedPorts): SysctlWrite<ReservedPorts> {
  if (text.length === 0) return { ok: true, value: current };
  return parseReservedPorts(text);
}

/** Canonical form of a reserved-ports list (throws on invalid input). */
export function canonicalReservedPorts(text: string): string {
  const r = parseReservedPorts(text);
  if (!r.ok) throw new SysctlError(r.reason);
  return r.value.toString();
}

// ---------------------------------------------------------------------------------------
// Resolved netns state used by the allocators

export class SysctlError extends Error {
  override name = 'SysctlError';
}

/** All sysctls of one netns, validated and resolved (the allocators read this). */
export interface NetnsState {
  portRange: PortRange;
  reserved: ReservedPorts;
  ipUnprivilegedPortStart: number;
  ipAutobindReuse: 0 | 1;
  tcpTwReuse: 0 | 1 | 2;
  tcpTwReuseDelayMs: number;
  /** UDP hash table size T (power of two, 128..65536); only changes the UDP visiting order. */
  udpHashSize: number;
}

function checkInt(v: unknown, min: number, max: number, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new SysctlError(`${name} must be an integer in [${min}, ${max}] (got ${JSON.stringify(v)})`);
  }
  return v;
}

/**
 * Validates a NetnsConfig against the write rules (§3) and fills in defaults. `base` is the
 * state being updated (a later `sysctl` op changes only the fields it names).
 */
export function resolveNetns(cfg: NetnsConfig = {}, base?: NetnsState): NetnsState {
  const b = base ?? {
    portRange: { ...NETNS_DEFAULTS.portRange },
    reserved: new ReservedPorts(),
    ipUnprivilegedPortStart: NETNS_DEFAULTS.ipUnprivilegedPortStart,
    ipAutobindReuse: NETNS_DEFAULTS.ipAutobindReuse,
    tcpTwReuse: NETNS_DEFAULTS.tcpTwReuse,
    tcpTwReuseDelayMs: NETNS_DEFAULTS.tcpTwReuseDelayMs,
    udpHashSize: NETNS_DEFAULTS.udpHashSize,
  };
  const unpriv = cfg.ipUnprivilegedPortStart === undefined ? b.ipUnprivilegedPortStart : checkInt(cfg.ipUnprivilegedPortStart, 0, 65535, 'ipUnprivilegedPortStart');
  let portRange = b.portRange;
  if (cfg.portRange !== undefined) {
    const r = cfg.portRange;
    if (!r || typeof r !== 'object') throw new SysctlError('portRange must be {lo, hi}');
    const w = writeIpLocalPortRange(`${checkInt(r.lo, 1, 65535, 'portRange.lo')} ${checkInt(r.hi, 1, 65535, 'portRange.hi')}`, unpriv, b.portRange);
    if (!w.ok) throw new SysctlError(w.reason);
    portRange = w.value;
  }
  if (portRange.lo < unpriv) throw new SysctlError(`ip_unprivileged_port_start ${unpriv} is above ip_local_port_range lo ${portRange.lo}`);
  let reserved = b.reserved;
  if (cfg.reservedPorts !== undefined) {
    if (typeof cfg.reservedPorts !== 'string') throw new SysctlError('reservedPorts must be a /proc list string such as "40000-40004,40007"');
    const r = parseReservedPorts(cfg.reservedPorts);
    if (!r.ok) throw new SysctlError(r.reason);
    reserved = r.value;
  }
  const udpHashSize = cfg.udpHashSize === undefined ? b.udpHashSize : checkInt(cfg.udpHashSize, 128, 65536, 'udpHashSize');
  if ((udpHashSize & (udpHashSize - 1)) !== 0) throw new SysctlError(`udpHashSize must be a power of two (got ${udpHashSize})`);
  return {
    portRange: { lo: portRange.lo, hi: portRange.hi },
    reserved,
    ipUnprivilegedPortStart: unpriv,
    ipAutobindReuse: cfg.ipAutobindReuse === undefined ? b.ipAutobindReuse : (checkInt(cfg.ipAutobindReuse, 0, 1, 'ipAutobindReuse') as 0 | 1),
    tcpTwReuse: cfg.tcpTwReuse === undefined ? b.tcpTwReuse : (checkInt(cfg.tcpTwReuse, 0, 2, 'tcpTwReuse') as 0 | 1 | 2),
    tcpTwReuseDelayMs: cfg.tcpTwReuseDelayMs === undefined ? b.tcpTwReuseDelayMs : checkInt(cfg.tcpTwReuseDelayMs, 1, 60000, 'tcpTwReuseDelayMs'),
    udpHashSize,
  };
}

/** The NetnsConfig equivalent of a resolved state (canonical reserved list). */
export function netnsStateToConfig(s: NetnsState): NetnsConfig {
  return {
    portRange: { ...s.portRange },
    reservedPorts: s.reserved.toString(),
    ipUnprivilegedPortStart: s.ipUnprivilegedPortStart,
    ipAutobindReuse: s.ipAutobindReuse,
    tcpTwReuse: s.tcpTwReuse,
    tcpTwReuseDelayMs: s.tcpTwReuseDelayMs,
    udpHashSize: s.udpHashSize,
  };
}

// ---------------------------------------------------------------------------------------
// Reading the live values (Linux only)

type ReadFile = (path: string) => string;

function nodeReadFile(): ReadFile {
  const proc = (globalThis as { process?: { platform?: string; getBuiltinModule?: (m: string) => unknown } }).process;
  if (!proc || proc.platform !== 'linux') {
    throw new SysctlError(`reading /proc/sys/net/ipv4 needs Linux (this platform is ${proc?.platform ?? 'not Node'}); pass the values explicitly instead`);
  }
  const fs = (proc.getBuiltinModule ? proc.getBuiltinModule('node:fs') : (0, eval)('require')('node:fs')) as { readFileSync(p: string, e: 'utf8'): string };
  return (p) => fs.readFileSync(p, 'utf8');
}

/**
 * Reads this netns's sysctls from /proc/sys/net/ipv4 (Linux only; clear error otherwise).
 * Missing optional files (tcp_tw_reuse_delay before 6.14) are left at their defaults.
 */
export function readNetnsFromProc(dir = '/proc/sys/net/ipv4', readFile?: ReadFile): NetnsConfig {
  const rd = readFile ?? nodeReadFile();
  const read = (name: string, optional = false): string | undefined => {
    try {
      return rd(`${dir}/${name}`);
    } catch (e) {
      if (optional) return undefined;
      throw new SysctlError(`cannot read ${dir}/${name}: ${(e as Error).message}`);
    }
  };
  const rangeText = read('ip_local_port_range')!;
  // The same parser as a write (ipv4_local_port_range): what /proc holds was accepted by it.
  const range = /\S\s+\S/.test(rangeText) ? writeIpLocalPortRange(rangeText, 0) : null;
  if (!range || !range.ok) throw new SysctlError(`unexpected ip_local_port_range contents ${JSON.stringify(rangeText)}`);
  const cfg: NetnsConfig = { portRange: range.value };
  const reserved = read('ip_local_reserved_ports', true);
  if (reserved !== undefined) cfg.reservedPorts = canonicalReservedPorts(reserved);
  const num = (name: string): number | undefined => {
    const t = read(name, true);
    if (t === undefined) return undefined;
    const n = Number(t.trim());
    if (!Number.isInteger(n)) throw new SysctlError(`unexpected ${name} contents ${JSON.stringify(t)}`);
    return n;
  };
  const unpriv = num('ip_unprivileged_port_start');
  if (unpriv !== undefined) cfg.ipUnprivilegedPortStart = unpriv;
  const abr = num('ip_autobind_reuse');
  if (abr !== undefined) cfg.ipAutobindReuse = abr ? 1 : 0;
  const twr = num('tcp_tw_reuse');
  if (twr !== undefined) cfg.tcpTwReuse = (twr === 0 || twr === 1 ? twr : 2) as 0 | 1 | 2;
  const delay = num('tcp_tw_reuse_delay');
  if (delay !== undefined) cfg.tcpTwReuseDelayMs = delay;
  return cfg;
}
