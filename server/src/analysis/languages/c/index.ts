/**
 * The C adapter (tree-sitter-c): queries/c.scm marks the setsockopt-like calls and socket
 * operations; the C-family lowering (languages/cpp/lower.ts with `lang: 'c'`: tree-sitter-c's
 * nodes are nearly a subset of tree-sitter-cpp's) turns the file into the common form, with
 * what C adds: macros (macros.ts) and writes to globals anywhere in the file (globals.ts);
 * core/sites.ts judges the calls, also through the project helpers and function-like macros
 * that build or forward the value. `check` over large trees first erases the functions that
 * cannot matter (prune.ts).
 */
import { cap } from '../../core/captures';
import { MAX_START_DEPTH } from '../../core/matches';
import { callSitesOf } from '../../core/sites';
import type { LanguageAdapter } from '../types';
import { lowerCpp } from '../cpp/lower';
import { globalWrites } from './globals';
import { lowerMacro } from './macros';

export const cAdapter: LanguageAdapter = {
  language: 'c',
  queryFile: 'c.scm',
  findCallSites(input) {
    const sockopt = new Set<number>();
    const sockop = new Set<number>();
    // maxStartDepth: a 100,000-deep f(f(...)) would otherwise keep a match in progress per level.
    for (const m of input.query.matches(input.tree.rootNode, { maxStartDepth: MAX_START_DEPTH })) {
      const a = cap(m, 'sockopt');
      if (a) sockopt.add(a.id);
      const b = cap(m, 'sockop');
      if (b) sockop.add(b.id);
    }
    const root = input.tree.rootNode;
    const { unit, helperCalls } = lowerCpp(root, input.hostByteOrder, { sockopt, sockop }, {
      lang: 'c',
      macros: lowerMacro,
      finish: (_unit, globalVars, cx) => globalWrites(root, input.text, globalVars, cx),
    });
    const sites = callSitesOf({ unit, helperCalls, file: input.file, language: 'c', ...(input.notes ? { notes: input.notes } : {}), ...(input.maxSteps ? { maxSteps: input.maxSteps } : {}) });
    return sites.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  },
};
