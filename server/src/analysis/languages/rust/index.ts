/**
 * The Rust adapter: queries/rust.scm marks the setsockopt-like calls and socket operations,
 * lower.ts turns the file into the common form, core/sites.ts judges the calls (through
 * helpers that take the option as a parameter, such as Pingora's generic `set_opt<T>`).
 */
import { cap } from '../../core/captures';
import { MAX_START_DEPTH } from '../../core/matches';
import { callSitesOf } from '../../core/sites';
import type { LanguageAdapter } from '../types';
import { lowerRust } from './lower';

export const rustAdapter: LanguageAdapter = {
  language: 'rust',
  queryFile: 'rust.scm',
  findCallSites(input) {
    const sockopt = new Set<number>();
    const sockop = new Set<number>();
    // maxStartDepth: a 100,000-deep f(f(...)) would otherwise keep a match in progress per level.
    for (const m of input.query.matches(input.tree.rootNode, { maxStartDepth: MAX_START_DEPTH })) {
      const a = cap(m, 'sockopt') ?? null;
      if (a) sockopt.add(a.id);
      const b = cap(m, 'sockop');
      if (b) sockop.add(b.id);
    }
    const { unit, helperCalls } = lowerRust(input.tree.rootNode, input.hostByteOrder, { sockopt, sockop });
    return callSitesOf({ unit, helperCalls, file: input.file, language: 'rust' });
  },
};
