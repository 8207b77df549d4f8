/**
 * The Rust adapter: queries/rust.scm marks the setsockopt-like calls and socket operations,
 * lower.ts turns the file into the common form, core/sites.ts judges the calls (through
 * helpers that take the option as a parameter, such as Pingora's generic `set_opt<T>`).
 */
import type { Node } from 'web-tree-sitter';
import { callSitesOf } from '../../core/sites';
import { callMarks } from '../../core/matches';
import type { LanguageAdapter } from '../types';
import { lowerRust } from './lower';
import { unwrapSockoptMacros } from './macros';

export const rustAdapter: LanguageAdapter = {
  language: 'rust',
  queryFile: 'rust.scm',
  // socket2's `syscall!(setsockopt(..))`: the call inside the macro parsed as a call (macros.ts).
  parseText: unwrapSockoptMacros,
  findCallSites(input) {
    // The query runs only where the lowering walks (core/matches.ts: matchesOutside).
    const marks = (skipped: Node[]) => callMarks(input.query, input.tree.rootNode, input.text, skipped);
    const { unit, helperCalls } = lowerRust(input.tree.rootNode, input.hostByteOrder, marks);
    return callSitesOf({ unit, helperCalls, file: input.file, language: 'rust' });
  },
};
