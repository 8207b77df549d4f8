/**
 * Client settings (the "portRangeLens" section pulled with workspace/configuration per
 * folder, or the same object as initializationOptions from editors without that request)
 * → the one Config plus the editor-only settings, each value through its one parser
 * (schema.ts). Never throws: a bad value takes its default and becomes a problem naming it.
 */
import { DEFAULT_CONFIG, DEFAULT_EDITOR_SETTINGS, SETTINGS, type Config, type EditorSettings } from './schema';
import type { ConfigProblem } from './resolve';

export interface ServerSettings {
  config: Config;
  editor: EditorSettings;
  problems: ConfigProblem[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Accepts both the section object and a flat map of "portRangeLens.x" keys. */
function valueOf(s: Record<string, unknown>, key: string): unknown {
  if (key in s) return s[key];
  const [a, b] = key.split('.');
  if (b !== undefined && isObject(s[a!])) return (s[a!] as Record<string, unknown>)[b];
  return undefined;
}

export function settingsFromClient(raw: unknown): ServerSettings {
  const problems: ConfigProblem[] = [];
  const s = isObject(raw) ? raw : {};
  const config: Config = { ...DEFAULT_CONFIG, severity: {} };
  const editor: EditorSettings = { ...DEFAULT_EDITOR_SETTINGS };
  for (const spec of SETTINGS) {
    if (spec.target === 'client') continue;
    const v = valueOf(s, spec.key);
    if (v === undefined || v === null) continue;
    let parsed: unknown;
    if (spec.parse) {
      try {
        parsed = spec.parse(v);
      } catch (e) {
        const partial = (e as { partial?: unknown }).partial;
        problems.push({ setting: spec.key, source: 'settings', message: `portRangeLens.${spec.key}: ${(e as Error).message}; ${partial ? 'those entries are ignored' : 'using the default'}` });
        if (partial === undefined) continue;
        parsed = partial;
      }
    } else if (typeof v === typeof spec.default) parsed = typeof v === 'string' ? v.trim() : v;
    else {
      problems.push({ setting: spec.key, source: 'settings', message: `portRangeLens.${spec.key}: ${JSON.stringify(v)} is not a ${typeof spec.default}; using the default` });
      continue;
    }
    if (spec.target === 'config') (config as unknown as Record<string, unknown>)[spec.key] = parsed;
    else (editor as unknown as Record<string, unknown>)[spec.key] = parsed;
  }
  return { config, editor, problems };
}
