/**
 * The analyzer of one `check` run, the same on the main thread and on each worker thread
 * (checkWorker.ts): loaded with the first file that needs it, from the analyzer's own bundle
 * (dist/analyzer.js), with only the grammars the files need. A parser that cannot load is a
 * ParserLoadError, which stops the run with exit status 2 (check.ts), whichever thread met it.
 */
import { setFlagsFromString } from 'node:v8';
import type { Analyzer, Language } from '../analysis/index';
import { loadAnalysis } from './bundles';

/** The analyzer options of `check` (part of the cache key: they could change a result). */
export const CHECK_ANALYZER_OPTIONS = { incremental: false, prune: true } as const;

export class ParserLoadError extends Error {
  override name = 'ParserLoadError';
}

export interface CheckAnalyzer {
  /** The analyzer, with `language`'s grammar loaded (throws ParserLoadError). */
  get(language: Language): Promise<Analyzer>;
  dispose(): void;
}

export function checkAnalyzer(): CheckAnalyzer {
  let analyzer: Promise<Analyzer> | null = null;
  let made: Analyzer | null = null;
  return {
    async get(language) {
      try {
        // A one-shot run: V8's baseline wasm code only. Tiering the parser up to optimised code
        // costs more CPU than a check run gets back (dense tree cold: 2.7 -> 2.3 s of CPU).
        if (!analyzer) setFlagsFromString('--liftoff-only');
        analyzer ??= loadAnalysis().createAnalyzer({ ...CHECK_ANALYZER_OPTIONS, grammars: [] });
        made = await analyzer;
        await made.prepare([language]);
        return made;
      } catch (e) {
        throw new ParserLoadError(`cannot load the parser: ${(e as Error).message}`);
      }
    },
    dispose: () => made?.dispose(),
  };
}
