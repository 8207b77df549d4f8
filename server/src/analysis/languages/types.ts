/**
 * The contract between the analysis pipeline and a language adapter: the pipeline parses
 * (parser.ts) and runs the language's .scm query; the adapter turns matches into call
 * sites. checks.ts then fills `effective` and `diagnostics`.
 */
import type { Query, Tree } from 'web-tree-sitter';
import type { CallSite, Language } from '../callSite';

export interface AdapterInput {
  file: string;
  text: string;
  language: Language;
  tree: Tree;
  /** The compiled query from queries/<language>.scm (C++ uses c.scm). */
  query: Query;
  hostByteOrder: 'little' | 'big';
}

/** A call site before judgement. */
export type RawCallSite = Omit<CallSite, 'effective' | 'diagnostics'>;

export interface LanguageAdapter {
  readonly language: 'c' | 'python' | 'go';
  /** File name under queries/, e.g. "python.scm". */
  readonly queryFile: string;
  findCallSites(input: AdapterInput): RawCallSite[];
}
