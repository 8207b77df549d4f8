/**
 * Turns the user-facing Config (strings from settings or CLI flags) into the numbers the
 * checks need: the netns range, the reserved-ports bitmap, the kernel profile. "auto"
 * reads this machine's /proc (spec §3.1, §3.3). Bad values get clear error messages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelProfile, type KernelProfile } from '../../engine/src/kernels';
import { parseReservedPorts as engineParseReserved } from '../../engine/src/sysctl';
import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './diagnostics/codes';
import { DEFAULT_CONFIG, type Config } from './config';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ResolvedConfig {
  netns: { lo: number; hi: number };
  /** Where the netns range came from. */
  netnsSource: 'config' | 'proc';
  /** 65536 entries, 1 = reserved (ip_local_reserved_ports). */
  reserved: Uint8Array;
  /** Canonical /proc form of the reserved set ("40000-40004,40007"), "" when empty. */
  reservedText: string;
  kernel: KernelProfile;
  hostByteOrder: 'little' | 'big';
  smallRangeThreshold: number;
  severity: Partial<Record<DiagnosticCode, Severity | 'off'>>;
  inlayHints: boolean;
}

export interface ResolveOptions {
  /** Root of the /proc tree for "auto" (tests point this at a fixture). Default "/proc". */
  procRoot?: string;
}

const PORT_RANGE_FILE = 'sys/net/ipv4/ip_local_port_range';
const RESERVED_FILE = 'sys/net/ipv4/ip_local_reserved_ports';

function parsePort(s: string, what: string, min: number): number {
  if (!/^\d+$/.test(s)) throw new ConfigError(`${what}: "${s}" is not a port number`);
  const n = Number(s);
  if (n < min || n > 65535) throw new ConfigError(`${what}: ${n} is outside ${min}..65535`);
  return n;
}

/**
 * The netns range as written in settings ("LO-HI") or in /proc ("LO HI", whitespace).
 * Mirrors the kernel's write rules (spec §3.1): each bound in 1..65535, lo <= hi.
 */
export function parseNetnsRange(text: string): { lo: number; hi: number } {
  const t = text.trim();
  const m = /^(\S+?)\s*(?:-|\s)\s*(\S+)(?:\s+\S+)*$/.exec(t);
  if (!m) throw new ConfigError(`netns range "${text}": expected LO-HI, e.g. 32768-60999`);
  const lo = parsePort(m[1]!, `netns range "${text}"`, 1);
  const hi = parsePort(m[2]!, `netns range "${text}"`, 1);
  if (lo > hi) throw new ConfigError(`netns range "${text}": low ${lo} is above high ${hi} (the kernel rejects this with EINVAL)`);
  return { lo, hi };
}

/**
 * ip_local_reserved_ports syntax (spec §3.3), parsed by the engine's proc_do_large_bitmap
 * model: comma-separated ports and a-b ranges, no spaces, values 0..65535. "" = empty set.
 */
export function parseReservedPorts(text: string): Uint8Array {
  const bits = new Uint8Array(65536);
  const r = engineParseReserved(text);
  if (!r.ok) throw new ConfigError(`reserved ports "${text}": ${r.reason}`);
  for (let p = 0; p < 65536; p++) if (r.value.has(p)) bits[p] = 1;
  return bits;
}

/** The canonical read-back form of a reserved bitmap: sorted, merged. */
export function formatReservedPorts(bits: Uint8Array): string {
  const out: string[] = [];
  let i = 0;
  while (i < bits.length) {
    if (!bits[i]) { i++; continue; }
    let j = i;
    while (j + 1 < bits.length && bits[j + 1]) j++;
    out.push(i === j ? `${i}` : `${i}-${j}`);
    i = j + 1;
  }
  return out.join(',');
}

function readProc(root: string, file: string): string {
  const path = join(root, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`"auto": cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

function resolveSeverity(s: Config['severity'] | undefined): ResolvedConfig['severity'] {
  const out: ResolvedConfig['severity'] = {};
  if (s === undefined || s === null) return out;
  if (typeof s !== 'object') throw new ConfigError('severity: expected an object { code: "error"|"warning"|"information"|"hint"|"off" }');
  const known = new Set<string>(DIAGNOSTIC_CODES);
  for (const [code, sev] of Object.entries(s)) {
    if (!known.has(code)) throw new ConfigError(`severity: unknown diagnostic code "${code}" (known: ${DIAGNOSTIC_CODES.join(', ')})`);
    if (typeof sev !== 'string' || !SEVERITIES.has(sev)) {
      throw new ConfigError(`severity.${code}: "${String(sev)}" is not one of error, warning, information, hint, off`);
    }
    out[code as DiagnosticCode] = sev as Severity | 'off';
  }
  return out;
}

/** Resolves every field; throws ConfigError naming the first bad value. */
export function resolveConfig(config: Config, options: ResolveOptions = {}): ResolvedConfig {
  const procRoot = options.procRoot ?? '/proc';
  const netnsText = String(config.netnsRange ?? DEFAULT_CONFIG.netnsRange).trim();
  const auto = netnsText === 'auto';
  const netns = parseNetnsRange(auto ? readProc(procRoot, PORT_RANGE_FILE) : netnsText);
  const reservedText = String(config.reservedPorts ?? '').trim();
  const reserved = parseReservedPorts(reservedText === 'auto' ? readProc(procRoot, RESERVED_FILE) : reservedText);
  let kernel: KernelProfile;
  try {
    kernel = kernelProfile(String(config.kernel ?? DEFAULT_CONFIG.kernel));
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const hbo = config.hostByteOrder ?? 'little';
  if (hbo !== 'little' && hbo !== 'big') throw new ConfigError(`hostByteOrder: "${String(hbo)}" is not "little" or "big"`);
  const thr = config.smallRangeThreshold ?? DEFAULT_CONFIG.smallRangeThreshold;
  if (typeof thr !== 'number' || !Number.isInteger(thr) || thr < 0 || thr > 65536) {
    throw new ConfigError(`smallRangeThreshold: ${String(thr)} is not an integer in 0..65536`);
  }
  return {
    netns,
    netnsSource: auto ? 'proc' : 'config',
    reserved,
    reservedText: formatReservedPorts(reserved),
    kernel,
    hostByteOrder: hbo,
    smallRangeThreshold: thr,
    severity: resolveSeverity(config.severity),
    inlayHints: config.inlayHints ?? true,
  };
}

/**
 * Never throws: each bad field falls back to its default and its message is returned,
 * so an editor keeps working with a typo in the settings.
 */
export function resolveConfigSafe(config: Config, options: ResolveOptions = {}): { config: ResolvedConfig; errors: string[] } {
  const errors: string[] = [];
  const fixed: Config = { ...DEFAULT_CONFIG, ...config };
  const fields: (keyof Config)[] = ['netnsRange', 'reservedPorts', 'kernel', 'hostByteOrder', 'smallRangeThreshold', 'severity'];
  for (let attempt = 0; attempt <= fields.length; attempt++) {
    try {
      return { config: resolveConfig(fixed, options), errors };
    } catch (e) {
      const msg = (e as Error).message;
      errors.push(msg);
      // Reset the field the message names (each message starts with or contains the field).
      const field = fields.find((f) => fieldOf(msg) === f);
      if (!field) break;
      (fixed as unknown as Record<string, unknown>)[field] = DEFAULT_CONFIG[field];
    }
  }
  return { config: resolveConfig(DEFAULT_CONFIG, options), errors };
}

function fieldOf(msg: string): keyof Config | null {
  if (msg.startsWith('netns range') || msg.includes('ip_local_port_range')) return 'netnsRange';
  if (msg.startsWith('reserved ports') || msg.includes('ip_local_reserved_ports')) return 'reservedPorts';
  if (msg.startsWith('invalid kernel version')) return 'kernel';
  if (msg.startsWith('hostByteOrder')) return 'hostByteOrder';
  if (msg.startsWith('smallRangeThreshold')) return 'smallRangeThreshold';
  if (msg.startsWith('severity')) return 'severity';
  return null;
}

/** Reserved ports inside [lo, hi]. */
export function countReserved(bits: Uint8Array, lo: number, hi: number): number {
  let n = 0;
  for (let p = lo; p <= hi; p++) if (bits[p]) n++;
  return n;
}
