/**
 * The contract between the analysis pipeline and a language adapter: the pipeline parses
 * (parser.ts) and runs the language's .scm query; the adapter turns matches into call
 * sites. checks.ts then fills `effective` and `diagnostics`.
 */
import type { Query, Tree } from 'web-tree-sitter';
import type { CallSite, Language } from '../callSite';

/**
 * Something the analysis of one file wants said (issue 9: no silent limits). `limit`: a bound
 * was hit and call sites may be missing or undecoded (the CLI fails the run unless
 * `--fail-on never`); `info`: worth saying, the result is complete.
 */
export interface AnalysisNote {
  kind: 'limit' | 'info';
  /** Stable id: 'max-matches', 'parse-timeout', 'budget', 'decode-replacement'. */
  id: string;
  message: string;
}

/** Records a note once per id for this file. */
export function addNote(input: { notes?: AnalysisNote[] }, note: AnalysisNote): void {
  if (input.notes && !input.notes.some((n) => n.id === note.id)) input.notes.push(note);
}

export interface AdapterInput {
  file: string;
  text: string;
  language: Language;
  tree: Tree;
  /** The compiled query from queries/<language>.scm (C++ uses c.scm). */
  query: Query;
  hostByteOrder: 'little' | 'big';
  /** Where the adapter records the limits it hit (absent: nobody listens). */
  notes?: AnalysisNote[];
  /** Evaluation steps per call site (default: the adapter's own); small values let tests hit the limit. */
  maxSteps?: number;
}

/** A call site before judgement. */
export type RawCallSite = Omit<CallSite, 'effective' | 'diagnostics'>;

export interface LanguageAdapter {
  readonly language: 'c' | 'cpp' | 'python' | 'go' | 'rust';
  /** File name under queries/, e.g. "python.scm". */
  readonly queryFile: string;
  findCallSites(input: AdapterInput): RawCallSite[];
  /**
   * The text given to the parser, when it must differ from the file (same length, same
   * lines and offsets, so spans are unchanged): e.g. Python's comment-only lines blanked.
   */
  parseText?(text: string): string;
}
