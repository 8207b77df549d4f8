/**
 * The Python adapter: lower.ts turns the file into the common form (queries/python.scm
 * marks the calls), the common call-site stage (core/sites.ts) finds each setsockopt and
 * getsockopt, also through project helpers up to three calls deep, and site.ts says what
 * CPython does with it (int form, struct.pack, the missing socket.IP_LOCAL_PORT_RANGE).
 * Comment-only lines are blanked before parsing (mask.ts).
 */
import { callSitesOf } from '../../core/sites';
import type { AdapterInput, LanguageAdapter, RawCallSite } from '../types';
import { lowerPython } from './lower';
import { maskCommentLines } from './mask';
import { pythonSites } from './site';
import { PySockets } from './socket';
import { parsePyInt } from './constants';
import { parseStructFormat } from './structFormat';

/** Evaluation steps per call site (and per helper call): bounds hostile input. */
export const PER_SITE_STEPS = 50_000;

function findCallSites(input: AdapterInput): RawCallSite[] {
  const py = lowerPython(input.tree.rootNode, input.text, input.hostByteOrder, input.query);
  let sockets: PySockets | null = null;
  const out = callSitesOf({
    unit: py.unit,
    helperCalls: py.helperCalls,
    file: input.file,
    language: 'python',
    maxSteps: input.maxSteps ?? PER_SITE_STEPS,
    ...(input.notes ? { notes: input.notes } : {}),
    site: (x) => pythonSites(py, () => (sockets ??= new PySockets(x.ev, py)), x),
  });
  // Seen from a helper call, a value still unknown adds nothing to the call as written.
  const known = (s: RawCallSite) => s.value !== null && (s.value.lo !== null || s.value.hi !== null);
  const direct = new Set(out.filter((s) => !s.via).map((s) => `${s.span.line}:${s.span.column}`));
  const kept = out.filter((s) => !s.via || known(s) || !direct.has(`${s.via.span.line}:${s.via.span.column}`));
  return kept.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
}

export const pythonAdapter: LanguageAdapter = {
  parseText: maskCommentLines,
  language: 'python',
  queryFile: 'python.scm',
  findCallSites,
};

/** Exposed for tests. */
export const __test = { parseStructFormat, parsePyInt };
