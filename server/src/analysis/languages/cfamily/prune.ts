/**
 * C++ for pruneBodies.ts: the tokens of a C++ file (comments skipped; strings, raw strings,
 * character literals and numbers with digit separators read as one token; each directive line
 * one token) and which `{` opens a function body at item level (top level, namespaces,
 * `extern "C"`, class bodies). Anything unsure (a line splice outside a directive, a string
 * over two lines, an unterminated comment) gives up on the file: it is parsed whole.
 */
import { BodyScanner, DIR, ID, P, STR, type ScanRules, type StatementView } from '../bodyScan';
import type { BodyCandidate } from '../pruneBodies';
import { skippedBodies, type SkippedBodies } from '../pruneBodies';

/** Words that never name a function (`operator` is left out: `operator==` is named by it). */
export const CPP_KEYWORDS = new Set((
  'alignas alignof asm auto bool break case catch char char8_t char16_t char32_t class concept const consteval ' +
  'constexpr constinit const_cast continue co_await co_return co_yield decltype default delete do double ' +
  'dynamic_cast else enum explicit export extern false float for friend goto if inline int long mutable ' +
  'namespace new noexcept nullptr private protected public register reinterpret_cast requires return short ' +
  'signed sizeof static static_assert static_cast struct switch template this thread_local throw true try ' +
  'typedef typeid typename union unsigned using virtual void volatile wchar_t while'
).split(' '));
/** Words after a parameter list and before the body. */
const TRAILING = new Set(['const', 'override', 'final', 'noexcept', 'volatile']);
const RAW_PREFIX = new Set(['R', 'u8R', 'uR', 'UR', 'LR']);
/** `class EXPORT Name final : Base {`: every word up to the body, base list or end names a possible class. */
const CLASS_HEAD = /\b(?:class|struct|union)\b([^{;:(]*)/g;

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 0x80;
const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);

/** The function bodies of a C++ text (bodyScan.ts), or null when the scanner is not sure of it. */
export function cppBodies(text: string): BodyCandidate[] | null {
  const out = new BodyScanner(text, cppRules);
  const n = text.length;
  let lineStart = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) { lineStart = true; i++; continue; }
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) { i++; continue; }
    const d = text.charCodeAt(i + 1);
    if (c === 47 && d === 42) {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) return null;
      i = e + 2;
      continue;
    }
    if (c === 47 && d === 47) {
      let e = text.indexOf('\n', i);
      if (e < 0) e = n;
      if (/\\\r?$/.test(text.slice(i, e))) return null; // a spliced line comment
      i = e;
      continue;
    }
    if (c === 35 && lineStart) {
      const s = i;
      while (i < n && text.charCodeAt(i) !== 10) {
        const x = text.charCodeAt(i);
        if (x === 92 && /^\\\r?\n/.test(text.slice(i, i + 3))) i += text.charCodeAt(i + 1) === 13 ? 3 : 2;
        else if (x === 47 && text.charCodeAt(i + 1) === 42) {
          const e = text.indexOf('*/', i + 2);
          if (e < 0) return null;
          i = e + 2;
        } else i++;
      }
      out.tok(DIR, s, i);
      continue;
    }
    lineStart = false;
    if (c === 34 || c === 39) {
      const e = quoted(text, i, c);
      if (e < 0) return null;
      out.tok(STR, i, e);
      i = e;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n) {
        const x = text.charCodeAt(j);
        if (isIdPart(x) || x === 46) j++;
        else if ((x === 43 || x === 45) && /[eEpP]/.test(text[j - 1]!)) j++;
        else if (x === 39 && isIdPart(text.charCodeAt(j + 1))) j += 2;
        else break;
      }
      i = j;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 34 && j - i <= 3 && RAW_PREFIX.has(text.slice(i, j))) {
        const open = text.indexOf('(', j);
        const delim = open < 0 ? '' : text.slice(j + 1, open);
        const e = open < 0 || delim.length > 16 ? -1 : text.indexOf(`)${delim}"`, open);
        if (e < 0) return null;
        out.tok(STR, i, e + delim.length + 2);
        i = e + delim.length + 2;
        continue;
      }
      out.tok(ID, i, j);
      i = j;
      continue;
    }
    if (c === 92 || c === 0) return null; // a line splice outside a directive (or a NUL)
    if (c === 58 && d === 58) {
      out.tok(P, i, i + 2);
      i += 2;
      continue;
    }
    out.tok(P, i, i + 1);
    i++;
  }
  return out.finish();
}

/** The end of a string or character literal on one line, or -1. */
function quoted(text: string, i: number, q: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const x = text.charCodeAt(j);
    if (x === 92) j++;
    else if (x === 10) return -1;
    else if (x === q) return j + 1;
  }
  return -1;
}

export const cppRules: ScanRules = {
  keywords: CPP_KEYWORDS,
  labels: new Set(['public', 'private', 'protected']),
  classify(st: StatementView) {
    const n = st.length;
    if (!n) return { kind: 'opaque' };
    const first = st.text(0) === 'inline' && n > 1 ? st.text(1) : st.text(0);
    if (first === 'namespace' && !st.has('=')) return { kind: 'item' };
    if (n === 2 && st.text(0) === 'extern' && st.kind(1) === STR) return { kind: 'item' };
    if (st.has('=') || st.has('[') || st.has('operator') || st.has('enum')) return { kind: 'opaque' };
    if ((st.has('class') || st.has('struct') || st.has('union')) && !st.has('(')) return { kind: 'item' };
    let j = n - 1;
    while (j >= 0 && st.kind(j) === ID && TRAILING.has(st.text(j))) j--;
    if (j < 0 || st.text(j) !== ')' || st.depth(j) !== 0 || st.has(':')) return { kind: 'opaque' };
    const at = st.opener(j) - 1;
    if (at < 0 || st.kind(at) !== ID || CPP_KEYWORDS.has(st.text(at))) return { kind: 'opaque' };
    return { kind: 'fn', name: st.text(at) };
  },
};

/** The C++ function bodies that cannot matter, left out of the parse (pruneBodies.ts), or null. */
export function pruneCpp(text: string): SkippedBodies | null {
  // A possible constructor (named like a class, struct or union of the file) is never skipped:
  // cfamily/fields.ts reads the checks in the body of every constructor.
  const classes = new Set<string>();
  for (const m of text.matchAll(CLASS_HEAD)) for (const w of m[1]!.match(/[A-Za-z_]\w*/g) ?? []) classes.add(w);
  const cands = cppBodies(text)?.filter((c) => !classes.has(c.name)) ?? null;
  return cands ? skippedBodies(text, cands, CPP_KEYWORDS) : null;
}
