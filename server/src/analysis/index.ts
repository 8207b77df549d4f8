/**
 * The analysis pipeline: text → tree-sitter parse → language adapter (query matches →
 * RawCallSite) → checks (engine + Config → effective range and diagnostics).
 * Used by the LSP server and the CLI; never throws for any input text.
 */
import type { Tree } from 'web-tree-sitter';
import type { CallSite, Language } from './callSite';
import type { Config } from '../config/schema';
import type { AnalysisNote, LanguageAdapter, RawCallSite } from './languages/types';
import { createParserHost, diffEdit, PARSE_TIMEOUT_MS, type GrammarName, type ParserHost, type ParserOptions } from './parser';
import { reuseState, tryFocused, tryReuse, type ReuseState } from './reuse';
import { pruneC } from './languages/c/prune';
import { pruneCpp } from './languages/cfamily/prune';
import { pruneRust } from './languages/rust/prune';
import { bodiesParsedAsSkipped, type SkippedBodies } from './languages/pruneBodies';
import { cAdapter } from './languages/c';
import { pythonAdapter } from './languages/python';
import { goAdapter } from './languages/go';
import { rustAdapter } from './languages/rust';
import { cppAdapter } from './languages/cfamily';
import { judgeCallSite } from './checks';
import { resolveForFile } from '../config/resolve';
import { gateOpensInCode, mayContainCallSite } from './gate';

export type { CallSite, Language } from './callSite';
export type { AnalysisNote } from './languages/types';
/** A file that cannot contain a call site needs no parse (gate.ts: exact, from the queries). */
export { mayContainCallSite, bytesMayContainCallSite } from './gate';

export interface AnalysisResult {
  callSites: CallSite[];
  /** Set when the file could not be analysed (parse abandoned, internal error): callSites is then empty. */
  error?: string;
  /** Problems in the Config (bad values were replaced by defaults). */
  configErrors?: string[];
  /** True when the previous call sites were re-used after an edit that cannot change them. */
  reused?: boolean;
  /** Limits hit and other things worth saying about this file (absent when there are none). */
  notes?: AnalysisNote[];
}

export interface AnalyzerOptions extends ParserOptions {
  /** Keep each file's last tree for incremental re-parse (LSP: yes; CLI: no). Default true. */
  incremental?: boolean;
  /** How many documents keep a cached tree (least recently used are dropped). Default 64. */
  cacheSize?: number;
  /**
   * Non-incremental only: leave out of the parse the C function definitions that cannot
   * affect any call site (regions.ts; same call sites, same spans). Default false; the
   * `check` CLI turns it on. PRL_PRUNE=1 forces it on (to run the test suite through it).
   */
  prune?: boolean;
  /**
   * Evaluation steps per call site (default: each adapter's own). A limit only for tests that
   * need one to be hit: the result then carries a `budget` note.
   */
  maxEvalSteps?: number;
  /**
   * The text gate before parsing (gate.ts). Default true; false parses every file, so that
   * the tests can compare the gate with a run without it (test/analysis/gate.test.ts).
   */
  gate?: boolean;
}

export interface Analyzer {
  analyze(file: string, text: string, language: Language, config: Config): AnalysisResult;
  /** Loads the grammars these languages need (when created with a subset of `grammars`). */
  prepare(languages: Iterable<Language>): Promise<void>;
  /** Drops the cached tree of a closed document. */
  forget(file: string): void;
  dispose(): void;
}

export { languageForPath } from './fileLanguage';

/**
 * Files longer than this are never pruned: the C adapter's addressPassed gives up on
 * spans longer than 200,000 characters, and pruning shortens spans.
 */
const PRUNE_MAX_CHARS = 200_000;

/**
 * C++ and Rust under `prune`: the bodies their lowering never walks are left out of the parse
 * (languages/pruneBodies.ts); `body`/`fn`: the node types the parsed tree must show there.
 */
const BODY_PRUNE: Partial<Record<Language, { prune(text: string): SkippedBodies | null; body: string; fn: string }>> = {
  cpp: { prune: pruneCpp, body: 'compound_statement', fn: 'function_definition' },
  rust: { prune: pruneRust, body: 'block', fn: 'function_item' },
};

export function grammarFor(language: Language): GrammarName {
  return language;
}


export function registeredAdapters(): Map<GrammarName, LanguageAdapter> {
  const map = new Map<GrammarName, LanguageAdapter>();
  for (const a of [cAdapter, cppAdapter, pythonAdapter, goAdapter, rustAdapter]) map.set(a.language, a);
  return map;
}

interface CacheEntry {
  grammar: GrammarName;
  text: string;
  /** The text the tree was parsed from, when it differs from `text` (LanguageAdapter.parseText). */
  parsed?: string;
  tree: Tree;
  language?: Language;
  hbo?: 'little' | 'big';
  /** The adapter's result for `text`, re-used after edits that cannot change it (reuse.ts). */
  raws?: RawCallSite[];
  reuse?: ReuseState;
  /** The notes of the adapter run that produced `raws`. */
  notes?: AnalysisNote[];
}

export async function createAnalyzer(options: AnalyzerOptions = {}): Promise<Analyzer> {
  const host: ParserHost = await createParserHost(options);
  const adapters = registeredAdapters();
  const incremental = options.incremental ?? true;
  const prune = !incremental && (options.prune ?? process.env.PRL_PRUNE === '1');
  const cacheSize = Math.max(1, options.cacheSize ?? 64);
  const cache = new Map<string, CacheEntry>();

  const drop = (file: string) => {
    const e = cache.get(file);
    if (e) {
      e.tree.delete();
      cache.delete(file);
    }
  };
  // The file's configuration: its directives over `config`, by the one resolver (config/resolve.ts).
  const resolve = (config: Config, text: string) => {
    const r = resolveForFile(config, text);
    return { config: r, errors: r.problems.map((p) => p.message) };
  };

  return {
    analyze(file, text, language, config) {
      let configErrors: string[] | undefined;
      try {
        const r = resolve(config, text);
        if (r.errors.length) configErrors = r.errors;
        const grammar = grammarFor(language);
        const adapter = adapters.get(grammar);
        if (!adapter || (options.gate !== false && !mayContainCallSite(text, language))) {
          drop(file);
          return { callSites: [], ...(configErrors ? { configErrors } : {}) };
        }
        const query = host.query(grammar);
        if (!query) {
          drop(file);
          return { callSites: [], error: host.queryError(grammar) ?? 'no query', ...(configErrors ? { configErrors } : {}) };
        }
        const prev = incremental ? cache.get(file) : undefined;
        const edit = prev && prev.grammar === grammar ? diffEdit(prev.text, text) : null;
        // The parsed text: the file itself, the adapter's version of it (parseText), or
        // (prune) the file with the function definitions that cannot matter erased; every
        // kept line unchanged in place. C++/Rust (prune): the same text, with the bodies that
        // cannot matter left out by the parser's included ranges (languages/pruneBodies.ts).
        const own = adapter.parseText ? adapter.parseText(text) : text;
        const parsed = prune && language === 'c' && text.length <= PRUNE_MAX_CHARS ? pruneC(text)?.text ?? text : own;
        const bodyPrune = prune && text.length <= PRUNE_MAX_CHARS ? BODY_PRUNE[language] : undefined;
        const bodies = bodyPrune?.prune(parsed) ?? null;
        const prevParsed = prev?.parsed ?? prev?.text;
        const old = prev && prev.grammar === grammar
          ? { tree: prev.tree, text: prevParsed!, edit: parsed === text && prevParsed === prev.text ? edit : diffEdit(prevParsed!, parsed) }
          : null;
        let tree = host.parse(grammar, parsed, old, bodies?.ranges);
        if (tree && bodies && !bodiesParsedAsSkipped(tree.rootNode, bodies.skipped, bodyPrune!.body, bodyPrune!.fn)) {
          // Not the tree the scanner expected: the whole text, as without prune.
          tree.delete();
          tree = host.parse(grammar, parsed, null);
        }
        if (prev) {
          // An incremental parse returns a new tree; the old one is ours to free.
          prev.tree.delete();
          cache.delete(file);
        }
        if (!tree) {
          const message = `parse abandoned after ${PARSE_TIMEOUT_MS} ms: call sites in this file are not analysed`;
          return { callSites: [], error: 'parse abandoned (timeout)', notes: [{ kind: 'limit', id: 'parse-timeout', message }] };
        }
        let raws: RawCallSite[] | null = null;
        let reuse: ReuseState | undefined;
        let reusedOld = false;
        let notes: AnalysisNote[] = [];
        try {
          const hbo = r.config.hostByteOrder;
          if (prev && edit && prev.raws && prev.reuse && prev.hbo === hbo && prev.language === language) {
            const again = tryReuse(grammar, edit, prev.text, text, tree, prev.raws, prev.reuse);
            if (again) {
              raws = again.raws;
              reuse = again.state;
              notes = prev.notes ?? [];
              reusedOld = true;
            } else if (language === 'c') {
              // An edit inside a function with call sites: re-run the adapter for it alone.
              const focused = tryFocused(edit, prev.text, text, tree, prev.raws, prev.reuse,
                (masked) => adapter.findCallSites({ file, text: masked, language, tree, query, hostByteOrder: hbo, notes, maxSteps: options.maxEvalSteps }));
              if (focused) {
                raws = focused.raws;
                reuse = focused.state;
              }
            }
          } else if (prev && !edit && prev.raws && prev.reuse && prev.hbo === hbo && prev.language === language) {
            raws = prev.raws;
            reuse = prev.reuse;
            notes = prev.notes ?? [];
          }
          if (!raws) {
            notes = [];
            // Every `sockopt(` in a comment or a string (a header's prose): nothing to find.
            raws = gateOpensInCode(parsed, tree.rootNode)
              ? adapter.findCallSites({ file, text: parsed, language, tree, query, hostByteOrder: hbo, notes, maxSteps: options.maxEvalSteps })
              : [];
            if (incremental) reuse = reuseState(tree, text, raws, grammar);
          }
        } finally {
          if (incremental) {
            cache.set(file, { grammar, text, ...(parsed !== text ? { parsed } : {}), tree, language, hbo: r.config.hostByteOrder, raws: raws ?? undefined, reuse, notes });
            while (cache.size > cacheSize) drop(cache.keys().next().value as string);
          } else tree.delete();
        }
        const lines = text.split('\n');
        const callSites = raws.map((raw) => judgeCallSite(raw, r.config, lines));
        return {
          callSites,
          ...(configErrors ? { configErrors } : {}),
          ...(reusedOld ? { reused: true } : {}),
          ...(notes.length ? { notes } : {}),
        };
      } catch (e) {
        drop(file);
        const msg = e instanceof Error ? e.message : String(e);
        return { callSites: [], error: `internal error: ${msg}`, ...(configErrors ? { configErrors } : {}) };
      }
    },
    async prepare(languages) {
      for (const l of new Set([...languages].map(grammarFor))) if (adapters.has(l)) await host.ensure(l);
    },
    forget: drop,
    dispose() {
      for (const f of [...cache.keys()]) drop(f);
      host.dispose();
    },
  };
}
