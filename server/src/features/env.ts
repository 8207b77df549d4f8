/**
 * What every presentation feature needs besides the call sites: the file's resolved
 * configuration (config/resolve.ts resolveForFile: the folder's settings, "auto" from /proc,
 * the file's own directives), the same one the analyzer judged the file with, so a hover,
 * an inlay hint and a diagnostic never disagree. Features never read settings.
 */
import type { Config } from '../config/schema';
import { resolveForFile, type ResolvedConfig } from '../config/resolve';

export interface FeatureEnv {
  /** The settings the file was analysed with (before its directives). */
  config: Config;
  /** The file's resolved configuration. */
  resolved: ResolvedConfig;
  /** Base URL of docs/diagnostics.md; a code's section is `${docsUrl}#${code}`. */
  docsUrl: string;
}

/** The environment of one file: `text` is the file's text (its directives apply). */
export function featureEnv(config: Config, docsUrl: string, text = ''): FeatureEnv {
  return { config, resolved: resolveForFile(config, text), docsUrl };
}
