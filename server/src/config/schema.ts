/**
 * The one schema of the `portRangeLens.*` settings: key, JSON-schema shape, default, scope,
 * description and the one parser of each value. package.json's contributes.configuration
 * and docs/settings.md are generated from it (`npm run gen:settings`, contribution.ts) and
 * test/server/settings.test.ts fails when either is out of date.
 */
import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from '../diagnostics/codes';
import { parseHostByteOrder, parseInlayHints, parseKernel, parseNetnsRangeSetting, parseReservedSetting, parseSeverity, parseThreshold } from './parsers';

export interface Config {
  /** "LO-HI", or "auto" = read /proc/sys/net/ipv4/ip_local_port_range on this machine. */
  netnsRange: string;
  /** /proc list syntax of ip_local_reserved_ports, e.g. "40000-40004,40007"; "auto" = this machine. */
  reservedPorts: string;
  /** Target kernel "X.Y" or "X.Y.Z". */
  kernel: string;
  hostByteOrder: 'little' | 'big';
  /** small-range fires when the effective range has fewer usable ports than this. */
  smallRangeThreshold: number;
  /** Per-code severity override; "off" disables the code. */
  severity: Partial<Record<DiagnosticCode, Severity | 'off'>>;
  inlayHints: boolean;
}

/** Settings that only the editor side uses (not judgement inputs). */
export interface EditorSettings {
  scanWorkspace: boolean;
  diagnosticsDocsUrl: string;
}

export interface SettingSpec {
  key: string;
  /** Where the value lands: a judgement input (Config), an editor setting, or the client only. */
  target: 'config' | 'editor' | 'client';
  /** JSON-schema fields written to package.json as they are (minus `parse`, `target`, `key`). */
  schema: Record<string, unknown>;
  default: unknown;
  /** The one parser: the value as given (possibly not even the right type) → value, or throws SettingError. */
  parse?: (v: unknown) => unknown;
}

const severityProperty = (code: string) => ({
  type: 'string',
  enum: ['error', 'warning', 'information', 'hint', 'off'],
  markdownDescription: `Severity of \`${code}\` (see docs/diagnostics.md).`,
});

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'netnsRange', target: 'config', default: '32768-60999', parse: parseNetnsRangeSetting,
    schema: {
      type: 'string',
      pattern: '^\\s*(auto|\\d{1,5}\\s*-\\s*\\d{1,5})\\s*$',
      patternErrorMessage: '"auto" or LO-HI, e.g. 32768-60999',
      markdownDescription: "The network namespace's `net.ipv4.ip_local_port_range` the code will run under, as `LO-HI` (default `32768-60999`, the kernel's default). `auto` reads `/proc/sys/net/ipv4/ip_local_port_range` on the machine running the server. Per-socket bounds outside this range are silently ignored by the kernel, one half at a time. A file's `port-range-lens: netns-range LO-HI` comment overrides it for that file.",
      scope: 'resource',
    },
  },
  {
    key: 'reservedPorts', target: 'config', default: '', parse: parseReservedSetting,
    schema: {
      type: 'string',
      pattern: '^\\s*(auto|(\\d{1,5}(-\\d{1,5})?)(,\\d{1,5}(-\\d{1,5})?)*)?\\s*$',
      patternErrorMessage: '"auto", empty, or the /proc list syntax: 40000-40004,40007 (no spaces)',
      markdownDescription: "`net.ipv4.ip_local_reserved_ports` in its `/proc` syntax (comma-separated ports and `a-b` ranges, no spaces), e.g. `40000-40004,40007`. Empty = none; `auto` reads this machine's `/proc`. Reserved ports are never handed out by automatic port selection, so they reduce a range's capacity. A file's `port-range-lens: reserved LIST` comment overrides it for that file.",
      scope: 'resource',
    },
  },
  {
    key: 'kernel', target: 'config', default: '6.18', parse: parseKernel,
    schema: {
      type: 'string',
      pattern: '^\\s*\\d+\\.\\d+(\\.\\d+)?\\s*$',
      patternErrorMessage: 'A kernel version X.Y or X.Y.Z, e.g. 6.18',
      examples: ['6.3', '6.8', '6.18'],
      markdownDescription: 'Target Linux kernel version (`X.Y` or `X.Y.Z`). The built-in profiles are `6.3` (option added), `6.8` (step-1 `connect()` scan when the option is set, MPTCP support) and `6.18` (default); any other version maps onto the nearest behaviour (e.g. `6.1.32` has the back-port, `6.1` and `5.15` do not have the option at all). A file\'s `port-range-lens: kernel X.Y` comment overrides it for that file.',
      scope: 'resource',
    },
  },
  {
    key: 'hostByteOrder', target: 'config', default: 'little', parse: parseHostByteOrder,
    schema: {
      type: 'string',
      enum: ['little', 'big'],
      enumDescriptions: ['x86-64, arm64, riscv64 (almost every Linux host)', 's390x, some MIPS/PowerPC'],
      markdownDescription: 'Byte order of the target host. The option\'s value is a host-order `u32` `(hi << 16) | lo`; this decides how byte arrays and structs in the code decode.',
      scope: 'resource',
    },
  },
  {
    key: 'smallRangeThreshold', target: 'config', default: 64, parse: parseThreshold,
    schema: {
      type: 'integer',
      minimum: 0,
      maximum: 65536,
      markdownDescription: '`small-range` fires when the effective range has fewer usable ports (after reserved ports) than this. `0` turns it off.',
      scope: 'resource',
    },
  },
  {
    key: 'severity', target: 'config', default: {}, parse: parseSeverity,
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(DIAGNOSTIC_CODES.map((c) => [c, severityProperty(c)])),
      markdownDescription: 'Per-code severity override, e.g. `{ "small-range": "off", "explicit-port": "hint" }`. `off` disables the code. Codes are listed in docs/diagnostics.md.',
      scope: 'resource',
    },
  },
  {
    key: 'inlayHints', target: 'config', default: true, parse: parseInlayHints,
    schema: {
      type: 'boolean',
      markdownDescription: 'Show inlay hints after decoded values, e.g. `lo=40000 hi=40511 · 512 ports`.',
      scope: 'resource',
    },
  },
  {
    key: 'scanWorkspace', target: 'editor', default: true,
    schema: {
      type: 'boolean',
      markdownDescription: 'Check every C, C++, Python, Go and Rust file of the workspace in the background (the same walker and skip rules as `port-range-lens check`: `.git`, `node_modules`, binaries and files over 5 MB are skipped, each real directory is visited once) so the Problems view lists call sites in files that are not open.',
      scope: 'window',
    },
  },
  {
    key: 'diagnosticsDocsUrl', target: 'editor', default: '',
    schema: {
      type: 'string',
      markdownDescription: 'Base URL of the diagnostics reference that each diagnostic code links to (`<url>#<code>`). Empty = the `docs/diagnostics.md` shipped inside the extension.',
      scope: 'window',
    },
  },
  {
    key: 'verifyAutomatically', target: 'client', default: false,
    schema: {
      type: 'boolean',
      markdownDescription: 'Run every simulation also on this machine\'s kernel (the server\'s machine), as the simulation panel\'s **Verify on this machine\'s kernel** button does: real sockets in a private network namespace, compared with the engine (docs/cli-simulate.md `--verify`).',
      scope: 'window',
    },
  },
  {
    key: 'pressureThreshold', target: 'client', default: 0.8,
    schema: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      markdownDescription: 'The status bar shows the busiest destination\'s share of its ephemeral ports (this machine, `port-range-lens pressure`) once it passes this fraction, e.g. `0.8` = 80 %. `0` turns it off.',
      scope: 'window',
    },
  },
  {
    key: 'trace.server', target: 'client', default: 'off',
    schema: {
      type: 'string',
      enum: ['off', 'messages', 'verbose'],
      markdownDescription: 'Trace the LSP traffic between VS Code and the Port Range Lens server (Output view).',
      scope: 'window',
    },
  },
];

export const SETTINGS_SECTION = 'portRangeLens';

export function settingSpec(key: string): SettingSpec {
  const s = SETTINGS.find((x) => x.key === key);
  if (!s) throw new Error(`no setting ${key}`);
  return s;
}

/** Defaults of the judgement inputs, straight from the schema. */
export const DEFAULT_CONFIG: Config = Object.freeze(
  Object.fromEntries(SETTINGS.filter((s) => s.target === 'config').map((s) => [s.key, s.default])),
) as unknown as Config;

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = Object.freeze(
  Object.fromEntries(SETTINGS.filter((s) => s.target === 'editor').map((s) => [s.key, s.default])),
) as unknown as EditorSettings;
