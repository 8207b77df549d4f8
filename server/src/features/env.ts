/**
 * What every presentation feature needs besides the call sites: the Config and its
 * resolved, engine-ready form (configResolve.ts: netns range, reserved ports, kernel
 * profile). Built once per configuration by settings.ts; features never read settings.
 */
import type { Config } from '../config';
import type { ResolvedConfig } from '../configResolve';

export interface FeatureEnv {
  config: Config;
  resolved: ResolvedConfig;
  /** Base URL of docs/diagnostics.md; a code's section is `${docsUrl}#${code}`. */
  docsUrl: string;
}
