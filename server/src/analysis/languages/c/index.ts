/**
 * The C adapter (tree-sitter-c): queries/c.scm marks the setsockopt-like calls and socket
 * operations; the C-family lowering (languages/cfamily/lower.ts with `lang: 'c'`: tree-sitter-c's
 * nodes are nearly a subset of tree-sitter-cpp's) turns the file into the common form, with
 * what C adds: macros (macros.ts) and writes to globals anywhere in the file (globals.ts);
 * core/sites.ts judges the calls, also through the project helpers and function-like macros
 * that build or forward the value. `check` over large trees first erases the functions that
 * cannot matter (prune.ts).
 */
import { role } from '../../core/captures';
import { marksOf, matchesIn, topLevelRanges } from '../../core/matches';
import { callSitesOf } from '../../core/sites';
import type { LanguageAdapter } from '../types';
import { lowerCpp } from '../cfamily/lower';
import { globalWrites } from './globals';
import { lowerMacro } from './macros';

export const cAdapter: LanguageAdapter = {
  language: 'c',
  queryFile: 'c.scm',
  findCallSites(input) {
    const root = input.tree.rootNode;
    const text = input.text;
    // The query runs only over the top-level items whose text (as given: reuse.ts masks the
    // other functions' calls to re-analyse one function) says sockopt; a large file with few
    // call sites is not traversed by the patterns. A call is marked only if its name, as given, still says so.
    const matches = matchesIn(input.query, root, topLevelRanges(root, text, ['sockopt', 'sock_opt']));
    const marks = marksOf(matches, (m) => {
      const name = role(m, 'name');
      return !!name && /sock_?opt/.test(text.slice(name.startIndex, name.endIndex));
    });
    const { unit, helperCalls } = lowerCpp(root, input.hostByteOrder, marks, {
      lang: 'c',
      text,
      macros: lowerMacro,
      finish: (_unit, globalVars, cx) => globalWrites(root, input.text, globalVars, cx),
    });
    const sites = callSitesOf({ unit, helperCalls, file: input.file, language: 'c', ...(input.notes ? { notes: input.notes } : {}), ...(input.maxSteps ? { maxSteps: input.maxSteps } : {}) });
    return sites.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  },
};
