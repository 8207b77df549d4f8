/**
 * The one resolver: raw settings → Config (settings.ts), Config + this machine ("auto" from
 * /proc) + a file's directives → ResolvedConfig, the engine-ready form every feature, the
 * analyzer, simulate and the CLI judge with. Problems are attached, each naming its setting:
 * a bad value falls back to its default and never stops the editor; the CLI turns the first
 * problem into an error (resolveConfig).
 */
import { kernelProfile, type KernelProfile } from '../../../engine/src/kernels';
import { parseReservedPorts as engineParseReserved, readNetnsFromProc, SysctlError } from '../../../engine/src/sysctl';
import type { DiagnosticCode, Severity } from '../diagnostics/codes';
import { parseDirectives } from './directives';
import { parseNetnsRangeSetting, parseNetnsRange, parseReservedSetting, parseKernel, SettingError } from './parsers';
import { DEFAULT_CONFIG, settingSpec, type Config } from './schema';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigProblem {
  /** The setting key, e.g. "netnsRange". */
  setting: string;
  /** Where the bad value came from. */
  source: 'settings' | 'directive' | 'proc';
  message: string;
  /** For a directive: its 0-based line. */
  line?: number;
}

export interface ResolvedConfig {
  netns: { lo: number; hi: number };
  /** Where the netns range came from. */
  netnsSource: 'config' | 'proc' | 'directive';
  /** 65536 entries, 1 = reserved (ip_local_reserved_ports). */
  reserved: Uint8Array;
  /** Canonical /proc form of the reserved set ("40000-40004,40007"), "" when empty. */
  reservedText: string;
  kernel: KernelProfile;
  hostByteOrder: 'little' | 'big';
  smallRangeThreshold: number;
  severity: Partial<Record<DiagnosticCode, Severity | 'off'>>;
  inlayHints: boolean;
  problems: ConfigProblem[];
}

export interface ResolveOptions {
  /** Root of the /proc tree for "auto" (tests point this at a fixture). Default "/proc". */
  procRoot?: string;
}

/** The /proc reader of the engine (readNetnsFromProc): the one place that reads these files. */
function machine(procRoot: string) {
  return readNetnsFromProc(`${procRoot.replace(/\/$/, '')}/sys/net/ipv4`);
}

function bitmap(text: string): Uint8Array {
  const bits = new Uint8Array(65536);
  const r = engineParseReserved(text);
  if (r.ok) for (const { lo, hi } of r.value.spans()) bits.fill(1, lo, hi + 1);
  return bits;
}

type Origin = 'config' | 'directive';

/** Resolves every field, never throws: a bad field takes its default and adds a problem. */
export function resolveWithProblems(config: Config, options: ResolveOptions = {}, directives: { key: keyof Config; value: string; line: number }[] = []): ResolvedConfig {
  const procRoot = options.procRoot ?? '/proc';
  const problems: ConfigProblem[] = [];
  const eff: Config = { ...DEFAULT_CONFIG, ...config };
  const origin: Partial<Record<keyof Config, Origin>> = {};
  for (const d of directives) {
    try {
      const spec = settingSpec(d.key);
      (eff as unknown as Record<string, unknown>)[d.key] = spec.parse!(d.value);
      origin[d.key] = 'directive';
    } catch (e) {
      problems.push({ setting: d.key, source: 'directive', line: d.line, message: `port-range-lens: ${d.key} directive on line ${d.line + 1}: ${(e as Error).message}; ignored` });
    }
  }
  let proc: ReturnType<typeof machine> | null | undefined;
  const readMachine = (setting: string) => {
    if (proc === undefined) {
      try {
        proc = machine(procRoot);
      } catch (e) {
        proc = null;
        problems.push({ setting, source: 'proc', message: `"auto": ${e instanceof SysctlError ? e.message : (e as Error).message}; using the default` });
      }
    }
    return proc;
  };
  let netns = parseNetnsRange(DEFAULT_CONFIG.netnsRange);
  let netnsSource: ResolvedConfig['netnsSource'] = origin.netnsRange === 'directive' ? 'directive' : 'config';
  const nr = guard(problems, 'netnsRange', () => parseNetnsRangeSetting(eff.netnsRange));
  if (nr === 'auto') {
    const m = readMachine('netnsRange');
    if (m?.portRange) {
      netns = m.portRange;
      netnsSource = 'proc';
    }
  } else if (nr !== undefined) netns = parseNetnsRange(nr);
  let reservedText = '';
  const rs = guard(problems, 'reservedPorts', () => parseReservedSetting(eff.reservedPorts));
  if (rs === 'auto') reservedText = readMachine('reservedPorts')?.reservedPorts ?? '';
  else if (rs !== undefined) reservedText = rs;
  const kernelText = guard(problems, 'kernel', () => parseKernel(eff.kernel)) ?? DEFAULT_CONFIG.kernel;
  const rest: Partial<Config> = {};
  for (const key of ['hostByteOrder', 'smallRangeThreshold', 'severity', 'inlayHints'] as const) {
    const v = guard(problems, key, () => settingSpec(key).parse!(eff[key]));
    if (v !== undefined) (rest as Record<string, unknown>)[key] = v;
  }
  const reserved = bitmap(reservedText);
  return {
    netns: { lo: netns.lo, hi: netns.hi },
    netnsSource,
    reserved,
    reservedText,
    kernel: kernelProfile(kernelText),
    hostByteOrder: rest.hostByteOrder ?? DEFAULT_CONFIG.hostByteOrder,
    smallRangeThreshold: rest.smallRangeThreshold ?? DEFAULT_CONFIG.smallRangeThreshold,
    severity: rest.severity ?? {},
    inlayHints: rest.inlayHints ?? DEFAULT_CONFIG.inlayHints,
    problems,
  };
}

function guard<T>(problems: ConfigProblem[], setting: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    const partial = (e as { partial?: T }).partial;
    problems.push({ setting, source: 'settings', message: `portRangeLens.${setting}: ${(e as Error).message}; ${partial ? 'those entries are ignored' : 'using the default'}` });
    return partial;
  }
}

/** Resolves a Config as the CLI needs it: the first problem is an error. */
export function resolveConfig(config: Config, options: ResolveOptions = {}): ResolvedConfig {
  const r = resolveWithProblems(config, options);
  if (r.problems.length) throw new ConfigError(r.problems[0]!.message);
  return r;
}

/** Never throws: problems fall back to defaults (kept for callers that want the messages apart). */
export function resolveConfigSafe(config: Config, options: ResolveOptions = {}): { config: ResolvedConfig; errors: string[] } {
  const r = resolveWithProblems(config, options);
  return { config: r, errors: r.problems.map((p) => p.message) };
}

const fileCache = new Map<string, ResolvedConfig>();

/**
 * The configuration a file is judged with: its directives over `config`, resolved once and
 * cached by content (configs crossing a worker boundary arrive as fresh objects). Every
 * feature — diagnostics, hover, inlay hints, code lens, simulate — uses this for a file.
 */
export function resolveForFile(config: Config, text: string, options: ResolveOptions = {}): ResolvedConfig {
  const directives = parseDirectives(text);
  const key = JSON.stringify([config, directives.map((d) => [d.key, d.value, d.line]), options.procRoot ?? '']);
  let r = fileCache.get(key);
  if (!r) {
    r = resolveWithProblems(config, options, directives);
    if (fileCache.size >= 64) fileCache.delete(fileCache.keys().next().value as string);
    fileCache.set(key, r);
  }
  return r;
}

/** Forgets cached resolutions ("auto" re-reads /proc next time): on a settings change. */
export function clearResolveCache(): void {
  fileCache.clear();
}

/** Reserved ports inside [lo, hi]. */
export function countReserved(bits: Uint8Array, lo: number, hi: number): number {
  let n = 0;
  for (let p = lo; p <= hi; p++) if (bits[p]) n++;
  return n;
}

export { SettingError };
