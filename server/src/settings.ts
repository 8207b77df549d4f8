/**
 * Client settings (the "portRangeLens" section pulled with workspace/configuration, or
 * the same object as initializationOptions from editors without that request) → the one
 * Config, plus the few settings that only the server uses. Never throws: a bad value is
 * replaced by its default and reported as a problem string.
 */
import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './diagnostics/codes';
import { DEFAULT_CONFIG, type Config } from './config';
import { kernelProfile } from '../../engine/src/kernels';
import { parseNetnsRange, parseReservedPorts, resolveConfigSafe } from './configResolve';
import type { FeatureEnv } from './features/env';

/** Settings under "portRangeLens." that are not Config fields (the settings test allows exactly these). */
export const SERVER_ONLY_SETTINGS = ['scanWorkspace', 'diagnosticsDocsUrl', 'trace.server'] as const;

export interface ServerSettings {
  config: Config;
  /** Publish diagnostics for workspace files that are not open. */
  scanWorkspace: boolean;
  /** Overrides the docs base URL ("" = the docs/diagnostics.md shipped beside the server). */
  diagnosticsDocsUrl: string;
  problems: string[];
}

const SEVERITIES: readonly (Severity | 'off')[] = ['error', 'warning', 'information', 'hint', 'off'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Maps the raw "portRangeLens" settings object onto ServerSettings. */
export function settingsFromClient(raw: unknown): ServerSettings {
  const problems: string[] = [];
  const s = isObject(raw) ? raw : {};
  const config: Config = { ...DEFAULT_CONFIG, severity: {} };

  const str = (key: string, ok: (v: string) => boolean, what: string): string | undefined => {
    const v = s[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !ok(v)) {
      problems.push(`portRangeLens.${key}: ${JSON.stringify(v)} is not ${what}; using the default`);
      return undefined;
    }
    return v.trim();
  };

  const parses = (f: (v: string) => unknown) => (v: string) => {
    try {
      f(v);
      return true;
    } catch {
      return false;
    }
  };
  const netns = str('netnsRange', (v) => v.trim() === 'auto' || parses(parseNetnsRange)(v), '"auto" or "LO-HI" within 1-65535');
  if (netns !== undefined) config.netnsRange = netns;
  const reserved = str('reservedPorts', (v) => v.trim() === 'auto' || parses(parseReservedPorts)(v), '"auto" or a list like "40000-40004,40007"');
  if (reserved !== undefined) config.reservedPorts = reserved;
  const kernel = str('kernel', parses(kernelProfile), 'a kernel version X.Y or X.Y.Z');
  if (kernel !== undefined) config.kernel = kernel;
  const order = str('hostByteOrder', (v) => v === 'little' || v === 'big', '"little" or "big"');
  if (order !== undefined) config.hostByteOrder = order as Config['hostByteOrder'];

  const thr = s.smallRangeThreshold;
  if (thr !== undefined && thr !== null) {
    if (typeof thr === 'number' && Number.isInteger(thr) && thr >= 0 && thr <= 65536) config.smallRangeThreshold = thr;
    else problems.push(`portRangeLens.smallRangeThreshold: ${JSON.stringify(thr)} is not an integer in 0..65536; using the default`);
  }

  const sev = s.severity;
  if (sev !== undefined && sev !== null) {
    if (!isObject(sev)) problems.push('portRangeLens.severity: expected an object { "<code>": "error" | "warning" | "information" | "hint" | "off" }');
    else {
      for (const [code, level] of Object.entries(sev)) {
        if (!(DIAGNOSTIC_CODES as readonly string[]).includes(code)) {
          problems.push(`portRangeLens.severity: unknown diagnostic code "${code}"`);
        } else if (typeof level !== 'string' || !SEVERITIES.includes(level as Severity)) {
          problems.push(`portRangeLens.severity.${code}: ${JSON.stringify(level)} is not one of ${SEVERITIES.join(', ')}`);
        } else config.severity[code as DiagnosticCode] = level as Severity | 'off';
      }
    }
  }

  // Accept both "inlayHints": bool (the VS Code setting) and { enabled: bool } (hand-written editor configs).
  const ih = s.inlayHints;
  if (typeof ih === 'boolean') config.inlayHints = ih;
  else if (isObject(ih) && typeof ih.enabled === 'boolean') config.inlayHints = ih.enabled;
  else if (ih !== undefined && ih !== null) problems.push('portRangeLens.inlayHints: expected true or false');

  const scan = s.scanWorkspace;
  const docs = s.diagnosticsDocsUrl;
  return {
    config,
    scanWorkspace: typeof scan === 'boolean' ? scan : true,
    diagnosticsDocsUrl: typeof docs === 'string' ? docs.trim() : '',
    problems,
  };
}

/** Resolves "auto" values against this machine and builds the kernel profile (configResolve.ts). */
export function featureEnv(config: Config, docsUrl: string): FeatureEnv & { errors: string[] } {
  const { config: resolved, errors } = resolveConfigSafe(config);
  return { config, resolved, docsUrl, errors };
}
