/**
 * What dist/cli.js loads from its sibling bundles, only when a run needs it (each loader is a
 * module boundary: require caches the module, a failure to load throws):
 * - the analyzer (dist/analyzer.js: tree-sitter, the languages, the engine's judgements),
 *   when a file needs analysing: a `check --cache` run over an unchanged tree never loads it;
 * - the subcommands other than `check` (dist/commands.js: simulate, plan, pressure, decode and
 *   the engine they drive), when one of them runs.
 * scripts/build.mjs maps each require below onto its bundle and keeps the code out of cli.js;
 * from sources (tsx, the tests) each is the module itself.
 */
import type * as Analysis from '../analysis/index';
import type * as Commands from './commands';

export type AnalysisModule = typeof Analysis;
export type CommandsModule = typeof Commands;

export function loadAnalysis(): AnalysisModule {
  return require('../analysis/index') as AnalysisModule;
}

export function loadCommands(): CommandsModule {
  return require('./commands') as CommandsModule;
}
