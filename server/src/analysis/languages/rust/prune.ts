/**
 * Rust for pruneBodies.ts: the tokens of a Rust file (line and nested block comments skipped;
 * strings, raw strings `r#"…"#`, byte strings and character literals read as one token,
 * lifetimes told from character literals) and which `{` opens a function body at item level
 * (top level, `mod`, `impl`, `trait`, `extern` blocks). Macro definitions and invocations,
 * struct, enum and const bodies are opaque: nothing inside them is skipped.
 */
import { BodyScanner, ID, P, STR, type ScanRules, type StatementView } from '../bodyScan';
import type { BodyCandidate } from '../pruneBodies';
import { skippedBodies, type SkippedBodies } from '../pruneBodies';

/** Words reserved in every edition: never a function's name (2018's async, await, dyn, try are not among them). */
export const RUST_KEYWORDS = new Set((
  'as break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref ' +
  'return self Self static struct super trait true type unsafe use where while abstract become box do final ' +
  'override priv typeof unsized virtual yield'
).split(' '));
const PREFIX = new Set(['pub', 'unsafe', 'async', 'const', 'extern', 'default']);

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);

/** The function bodies of a Rust text (bodyScan.ts), or null when the scanner is not sure of it (an unterminated literal or comment). */
export function rustBodies(text: string): BodyCandidate[] | null {
  const out = new BodyScanner(text, rustRules);
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 32 || c === 9 || c === 13 || c === 11 || c === 12) { i++; continue; }
    const d = text.charCodeAt(i + 1);
    if (c === 47 && d === 47) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? n : e;
      continue;
    }
    if (c === 47 && d === 42) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) (depth++, (j += 2));
        else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) (depth--, (j += 2));
        else j++;
      }
      if (depth > 0) return null;
      i = j;
      continue;
    }
    if (c === 34) {
      const e = closeQuote(text, i + 1, 34);
      if (e < 0) return null;
      out.tok(STR, i, e);
      i = e;
      continue;
    }
    if (c === 39) {
      // 'x', '\n', '\u{1F600}', '😀' are characters; 'a (a lifetime or a label) is not.
      const single = d === 92 || text.charCodeAt(i + 2) === 39 || (d >= 0xd800 && d <= 0xdbff && text.charCodeAt(i + 3) === 39);
      if (!single && isIdStart(d)) { i++; continue; }
      const e = closeQuote(text, i + 1, 39);
      if (e < 0) return null;
      out.tok(STR, i, e);
      i = e;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && isIdPart(text.charCodeAt(j))) j++;
      i = j;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(text.charCodeAt(j))) j++;
      const raw = j - i <= 2 && (text.charCodeAt(j) === 34 || text.charCodeAt(j) === 35) && /^(r|br|cr)$/.test(text.slice(i, j)) && /^#*"/.test(text.slice(j, j + 256));
      if (raw) {
        let hashes = 0;
        while (text.charCodeAt(j + hashes) === 35) hashes++;
        const e = text.indexOf('"' + '#'.repeat(hashes), j + hashes + 1);
        if (e < 0) return null;
        out.tok(STR, i, e + 1 + hashes);
        i = e + 1 + hashes;
        continue;
      }
      out.tok(ID, i, j);
      i = j;
      continue;
    }
    out.tok(P, i, i + 1);
    i++;
  }
  return out.finish();
}

/** The end of a quoted literal (escapes skipped, newlines allowed), or -1. */
function closeQuote(text: string, j: number, q: number): number {
  for (; j < text.length; j++) {
    const x = text.charCodeAt(j);
    if (x === 92) j++;
    else if (x === q) return j + 1;
  }
  return -1;
}

export const rustRules: ScanRules = {
  keywords: RUST_KEYWORDS,
  braceEnds: true,
  classify(st: StatementView) {
    const n = st.length;
    let k = 0;
    let external = false;
    // Attributes, visibility and qualifiers: `#[inline] pub(crate) const unsafe extern "C" fn`.
    while (k < n) {
      const v = st.text(k);
      if (v === '#') {
        k++;
        if (k < n && st.text(k) === '!') k++;
        if (k >= n || st.text(k) !== '[') return { kind: 'opaque' };
        while (k < n && !(st.text(k) === ']' && st.depth(k) === 0)) k++;
        k++;
      } else if (st.kind(k) === ID && PREFIX.has(v)) {
        if (v === 'extern') external = true;
        k++;
        if (v === 'pub' && k < n && st.text(k) === '(') {
          while (k < n && !(st.text(k) === ')' && st.depth(k) === 0)) k++;
          k++;
        } else if (v === 'extern' && k < n && st.kind(k) === STR) k++;
      } else break;
    }
    if (st.has('=')) return { kind: 'opaque' };
    if (k >= n) return external ? { kind: 'item' } : { kind: 'opaque' };
    if (st.kind(k) !== ID) return { kind: 'opaque' };
    const kw = st.text(k);
    if (kw === 'mod' || kw === 'impl' || kw === 'trait') return { kind: 'item' };
    if (kw !== 'fn' || k + 1 >= n || st.kind(k + 1) !== ID) return { kind: 'opaque' };
    const name = st.text(k + 1);
    if (RUST_KEYWORDS.has(name) || (name === 'r' && k + 2 < n && st.text(k + 2) === '#')) return { kind: 'opaque' };
    // The lowering's name is this word (FN_NAME, or the item's name field).
    return { kind: 'fn', name, words: [name] };
  },
};

/** The Rust function bodies that cannot matter, left out of the parse (pruneBodies.ts), or null. */
export function pruneRust(text: string): SkippedBodies | null {
  const cands = rustBodies(text);
  return cands ? skippedBodies(text, cands, RUST_KEYWORDS) : null;
}
