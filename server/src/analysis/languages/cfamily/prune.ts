/**
 * C++ for pruneBodies.ts: the tokens of a C++ file (comments skipped; strings, raw strings,
 * character literals and numbers with digit separators read as one token; each directive line
 * one token) and which `{` opens a function body at item level (top level, namespaces,
 * `extern "C"`, class bodies). Anything unsure (a line splice outside a directive, a string
 * over two lines, an unterminated comment) gives up on the file: it is parsed whole.
 */
import { findBodies, type ScanRules, type StatementView, type Tok } from '../bodyScan';
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

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 0x80;
const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);

/** The tokens of a C++ text, or null when the scanner is not sure of it. */
export function cppTokens(text: string): Tok[] | null {
  const out: Tok[] = [];
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
      out.push({ k: 'dir', v: '#', s });
      continue;
    }
    lineStart = false;
    if (c === 34 || c === 39) {
      const e = quoted(text, i, c);
      if (e < 0) return null;
      out.push({ k: 'str', v: '', s: i });
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
      const w = text.slice(i, j);
      if (RAW_PREFIX.has(w) && text.charCodeAt(j) === 34) {
        const open = text.indexOf('(', j);
        const delim = open < 0 ? '' : text.slice(j + 1, open);
        const e = open < 0 || delim.length > 16 ? -1 : text.indexOf(`)${delim}"`, open);
        if (e < 0) return null;
        out.push({ k: 'str', v: '', s: i });
        i = e + delim.length + 2;
        continue;
      }
      out.push({ k: 'id', v: w, s: i });
      i = j;
      continue;
    }
    if (c === 92 || c === 0) return null; // a line splice outside a directive (or a NUL)
    if (c === 58 && d === 58) {
      out.push({ k: 'p', v: '::', s: i });
      i += 2;
      continue;
    }
    out.push({ k: 'p', v: text[i]!, s: i });
    i++;
  }
  return out;
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

const at0 = (st: StatementView, v: string) => st.toks.some((t, i) => st.depth[i] === 0 && t.v === v && t.k !== 'str');

export const cppRules: ScanRules = {
  keywords: CPP_KEYWORDS,
  endsAfter: (st) => {
    const t = st.toks;
    return t.length === 2 && t[1]!.v === ':' && /^(public|private|protected)$/.test(t[0]!.v);
  },
  classify(st) {
    const t = st.toks;
    if (!t.length) return { kind: 'opaque' };
    const first = t[0]!.v === 'inline' ? t[1]?.v : t[0]!.v;
    if (first === 'namespace' && !at0(st, '=')) return { kind: 'item' };
    if (t.length === 2 && t[0]!.v === 'extern' && t[1]!.k === 'str') return { kind: 'item' };
    if (at0(st, '=') || at0(st, '[') || at0(st, 'operator') || at0(st, 'enum')) return { kind: 'opaque' };
    if ((at0(st, 'class') || at0(st, 'struct') || at0(st, 'union')) && !at0(st, '(')) return { kind: 'item' };
    let j = t.length - 1;
    while (j >= 0 && t[j]!.k === 'id' && TRAILING.has(t[j]!.v)) j--;
    if (j < 0 || t[j]!.v !== ')' || st.depth[j] !== 0 || at0(st, ':')) return { kind: 'opaque' };
    const name = t[(st.opener.get(j) ?? -1) - 1];
    if (!name || name.k !== 'id' || CPP_KEYWORDS.has(name.v)) return { kind: 'opaque' };
    return { kind: 'fn', name: name.v };
  },
};

/** The C++ function bodies that cannot matter, left out of the parse (pruneBodies.ts), or null. */
export function pruneCpp(text: string): SkippedBodies | null {
  const toks = cppTokens(text);
  const cands = toks && findBodies(toks, cppRules);
  return cands ? skippedBodies(text, cands, CPP_KEYWORDS) : null;
}
