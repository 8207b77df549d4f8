/**
 * The analyzer behind one module boundary, loaded only when a file needs analysing: a
 * `check --cache` run whose every file is cached never loads tree-sitter, the analysis or the
 * engine. In dist/ the analyzer is a second bundle, dist/analyzer.js beside dist/cli.js
 * (scripts/build.mjs maps the require below onto it and keeps it out of cli.js); from sources
 * (tsx, the tests) it is the module itself.
 */
import type * as Analysis from '../analysis/index';

export type AnalysisModule = typeof Analysis;

/** Loads the analyzer (once: require caches it); throws when its bundle cannot be loaded. */
export function loadAnalysis(): AnalysisModule {
  return require('../analysis/index') as AnalysisModule;
}
