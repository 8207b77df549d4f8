/**
 * The C++ adapter (tree-sitter-cpp); this folder also holds the C-family lowering C goes through
 * (lower.ts with `lang: 'c'`). queries/cpp.scm marks the setsockopt-like calls and
 * socket operations, lower.ts turns the file into the common form, core/sites.ts judges the
 * calls (also through template helpers whose sizeof(T) follows the argument, lambdas and
 * member functions). C files keep the C adapter.
 */
import type { Node } from 'web-tree-sitter';
import { callSitesOf } from '../../core/sites';
import { callMarks } from '../../core/matches';
import type { LanguageAdapter } from '../types';
import { lowerCpp } from './lower';

export const cppAdapter: LanguageAdapter = {
  language: 'cpp',
  queryFile: 'cpp.scm',
  findCallSites(input) {
    // The query runs only where the lowering walks (core/matches.ts: matchesOutside).
    const marks = (skipped: Node[]) => callMarks(input.query, input.tree.rootNode, input.text, skipped);
    const { unit, helperCalls } = lowerCpp(input.tree.rootNode, input.hostByteOrder, marks);
    return callSitesOf({ unit, helperCalls, file: input.file, language: 'cpp' });
  },
};
