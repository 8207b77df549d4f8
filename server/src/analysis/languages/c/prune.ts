/**
 * Parsing only what the C adapter can look at (the `check` CLI over large trees).
 *
 * A C file's call sites depend on: the functions that hold a "sockopt" (and the project
 * helpers whose names they mention), the top-level items (macros, enums, structs,
 * typedefs, globals, prototypes), and, in other functions, only writes to globals and calls
 * of those helpers or value functions — all found by *name* (c/scope.ts: recordGlobalWrites,
 * c/index.ts: callsOf, c/fold.ts: valueFunction, addressPassed). So a top-level function definition can be left
 * out of the parse when none of the names it uses can be looked up from the rest of the
 * file, except names it declares itself (parameters and locals, which the adapter also
 * treats as shadowing a global of the same name).
 *
 * The left-out functions are erased in place, keeping every newline: every kept line is
 * byte-for-byte the same and at the same row, so every span the adapter reports is the
 * same as with the whole file. The decision is lexical and conservative: anything the
 * scanner is not sure about (unbalanced brackets, a line splice outside a directive, a
 * directive or "sockopt" or a suppression comment inside a function, a function that
 * does not start and end on its own lines) keeps the function, or the whole file.
 */
import { BASE_TYPES, Candidate, ID, KEYWORDS, PruneResult, QUALIFIERS, WordTable, isIdPart, isIdStart } from './pruneWords';

/**
 * The text with the function definitions that cannot affect any call site erased, or null
 * when nothing can be left out (or the file is not simple enough to decide safely).
 */
export function pruneC(text: string): PruneResult | null {
  const n = text.length;
  // Tokens: identifiers (kind ID, word in ws) and punctuation (kind = its char code);
  // comments, strings, numbers and directives are skipped (directive words kept aside).
  const kind: number[] = [];
  const ws: string[] = [];
  /** The word id of each token (-1 for punctuation). */
  const wid: number[] = [];
  const words = new WordTable();
  const directiveWords = new Set<string>();
  let lineStart = true;
  const stack: number[] = []; // char codes of open brackets
  const cands: Candidate[] = [];
  // Top-level statement state.
  let stmtStart = -1;
  let stmtTok = -1;
  let stmtHasEq = false;
  /** A `{...}` at top level that is not a function body (struct, K&R body...) in this statement. */
  let stmtHasBrace = false;
  let lastParenOpen = -1; // token index of the last depth-0 `(` group
  let lastParenClose = -1;
  let bodyCand: Candidate | null = null;
  /** Offsets of directives (or stray `#`) inside brackets since the last function body began. */
  const directivesInBody: number[] = [];

  const addWordsOf = (s: string, into: Set<string>) => {
    const re = /[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) into.add(m[0]);
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) { lineStart = true; i++; continue; }
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) { i++; continue; }
    if (c === 35 && lineStart) {
      // A directive: up to the end of the line, with splices and comments.
      const from = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10) break;
        if (d === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) { i += text.charCodeAt(i + 1) === 13 ? 3 : 2; continue; }
        if (d === 47 && text.charCodeAt(i + 1) === 42) {
          const e = text.indexOf('*/', i + 2);
          if (e < 0) return null;
          i = e + 2;
          continue;
        }
        i++;
      }
      addWordsOf(text.slice(from, i), directiveWords);
      if (stack.length === 0) { stmtStart = -1; stmtHasEq = false; stmtHasBrace = false; lastParenOpen = -1; }
      else directivesInBody.push(from);
      continue;
    }
    lineStart = false;
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      // Line comment (a trailing backslash continues it: give up on such files).
      let e = text.indexOf('\n', i);
      if (e < 0) e = n;
      if (text.charCodeAt(e - 1) === 92 || (text.charCodeAt(e - 1) === 13 && text.charCodeAt(e - 2) === 92)) return null;
      i = e;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) return null;
      i = e + 2;
      continue;
    }
    if (c === 34 || c === 39) {
      // String or character literal, on one line.
      let j = i + 1;
      for (;;) {
        if (j >= n) return null;
        const d = text.charCodeAt(j);
        if (d === 92) { j += 2; continue; }
        if (d === 10) return null;
        j++;
        if (d === c) break;
      }
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57 || (c === 46 && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57)) {
      // pp-number (with exponent signs and C23 digit separators).
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isIdPart(d) || d === 46) { j++; continue; }
        const e = text.charCodeAt(j - 1) | 0x20;
        if ((d === 43 || d === 45) && (e === 101 || e === 112)) { j++; continue; }
        if (d === 39 && isIdPart(text.charCodeAt(j + 1))) { j += 2; continue; }
        break;
      }
      i = j;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      let h = c;
      for (let d: number; j < n && isIdPart(d = text.charCodeAt(j)); j++) h = (Math.imul(h, 31) + d) | 0;
      const id = words.intern(text, i, j, h);
      kind.push(ID); ws.push(words.list[id]!); wid.push(id);
      if (stack.length === 0 && stmtStart < 0) { stmtStart = i; stmtTok = kind.length - 1; }
      i = j;
      continue;
    }
    if (c === 92 || c === 0) return null; // a line splice outside a directive (or a NUL)
    if (c === 35 && stack.length) directivesInBody.push(i);
    // Punctuation.
    const tok = kind.length;
    kind.push(c); ws.push(''); wid.push(-1);
    if (stack.length === 0 && stmtStart < 0 && c !== 59 && c !== 125) { stmtStart = i; stmtTok = tok; }
    if (c === 40 || c === 91) {
      if (stack.length === 0 && c === 40) lastParenOpen = tok;
      stack.push(c);
    } else if (c === 123) {
      if (stack.length === 0) {
        const prev = tok - 1;
        const prevIsParen = prev >= 0 && kind[prev] === 41 && prev === lastParenClose;
        if (prevIsParen && !stmtHasEq && !stmtHasBrace && lastParenOpen > stmtTok) {
          const nameTok = lastParenOpen - 1;
          const named = nameTok >= stmtTok && kind[nameTok] === ID;
          bodyCand = {
            start: stmtStart, open: i, close: -1, name: named ? ws[nameTok]! : '', nameId: named ? wid[nameTok]! : -1, tokFrom: tok + 1, tokTo: -1, sigFrom: stmtTok,
            own: paramNames(kind, ws, lastParenOpen + 1, lastParenClose), removable: true,
          };
          directivesInBody.length = 0;
        } else {
          bodyCand = null;
          stmtHasBrace = true;
        }
      }
      stack.push(c);
    } else if (c === 41 || c === 93 || c === 125) {
      const want = c === 41 ? 40 : c === 93 ? 91 : 123;
      if (stack.pop() !== want) return null;
      if (stack.length === 0) {
        if (c === 41) lastParenClose = tok;
        if (c === 125) {
          if (bodyCand) {
            bodyCand.close = i;
            bodyCand.tokTo = tok;
            if (directivesInBody.length) bodyCand.removable = false;
            cands.push(bodyCand);
            bodyCand = null;
            stmtStart = -1; stmtHasEq = false; stmtHasBrace = false; lastParenOpen = -1;
          }
        }
      }
    } else if (c === 59) {
      if (stack.length === 0) { stmtStart = -1; stmtHasEq = false; stmtHasBrace = false; lastParenOpen = -1; }
    } else if (c === 61) {
      if (stack.length === 0) stmtHasEq = true;
    }
    i++;
  }
  // A file that ends inside a function (truncated, or an editor buffer mid-typing): the
  // open body is kept, and its names are a function's, not globals — unless a directive in
  // it may mean the brackets were counted wrong (#if branches), then they count as globals.
  if (stack.length && bodyCand && directivesInBody.length === 0) {
    bodyCand.close = n;
    bodyCand.tokTo = kind.length;
    bodyCand.removable = false;
    cands.push(bodyCand);
  }
  if (!cands.some((f) => f.removable)) return null;

  const wordAt = (k: number) => ws[k]!;
  // Sets of words as flags by word id (every name looked up below is a token's word).
  const nWords = words.list.length;
  const functionNames = new Uint8Array(nWords);
  for (const f of cands) if (f.nameId >= 0) functionNames[f.nameId] = 1;

  // Where the text names a sockopt function or carries a port-range-lens comment.
  const mentions: number[] = [];
  const mre = /sockopt|port-range-lens/gi;
  let mm: RegExpExecArray | null;
  while ((mm = mre.exec(text))) mentions.push(mm.index);
  // Which candidates may go at all (their own text), and their locals.
  for (const f of cands) {
    if (!f.removable) continue;
    // The definition must own its lines (nothing else before it or after it on them).
    const ls = text.lastIndexOf('\n', f.start - 1) + 1;
    if (text.slice(ls, f.start).trim() !== '') { f.removable = false; continue; }
    let le = text.indexOf('\n', f.close);
    if (le < 0) le = n;
    if (text.slice(f.close + 1, le).trim() !== '') { f.removable = false; continue; }
    if (mentions.some((m) => m >= f.start && m <= f.close)) { f.removable = false; continue; }
    // A signature with `=`, `++`, `--` (or an operator) is not one we understand.
    let bad = false;
    for (let k = f.sigFrom; k < f.tokFrom - 1; k++) {
      if (kind[k] === 61) { bad = true; break; }
    }
    if (bad || !f.name) { f.removable = false; continue; }
    localNames(kind, ws, f.tokFrom, f.tokTo, f.own);
  }

  // The names that kept code can look up: every identifier outside the removable
  // definitions, and every word of every directive. Then, until nothing changes, a
  // definition that uses one of them (other than one it declares itself, and never the
  // name of a function of this file or a name whose address it takes) is kept, and its
  // names join the set.
  const inRemovable = new Uint8Array(kind.length);
  for (const f of cands) if (f.removable) inRemovable.fill(1, f.sigFrom, f.tokTo + 1);
  // Names that may be globals: everything outside function bodies.
  const inBody = new Uint8Array(kind.length);
  for (const f of cands) inBody.fill(1, f.tokFrom, f.tokTo);
  const live = new Uint8Array(nWords);
  const top = new Uint8Array(nWords);
  const keyword = new Uint8Array(nWords);
  for (let id = 0; id < nWords; id++) {
    const w = words.list[id]!;
    if (directiveWords.has(w)) live[id] = top[id] = 1;
    if (KEYWORDS.has(w)) keyword[id] = 1;
  }
  for (let k = 0; k < kind.length; k++) {
    if (kind[k] !== ID) continue;
    const id = wid[k]!;
    if (!inRemovable[k]) live[id] = 1;
    if (!inBody[k]) top[id] = 1;
  }

  let changed = true;
  while (changed) {
    changed = false;
    for (const f of cands) {
      if (!f.removable) continue;
      let keep = f.nameId >= 0 && live[f.nameId] === 1;
      for (let k = f.sigFrom; !keep && k < f.tokFrom - 1; k++) {
        if (kind[k] !== ID) continue;
        const id = wid[k]!;
        if (id !== f.nameId && functionNames[id] && live[id]) keep = true;
      }
      for (let k = f.tokFrom; !keep && k < f.tokTo; k++) {
        if (kind[k] !== ID) continue;
        const id = wid[k]!;
        if (keyword[id] || !live[id]) continue;
        if (functionNames[id] || !f.own.has(wordAt(k))) { keep = true; break; }
        // `&name` of a possible global (the adapter's addressPassed looks at the text
        // between a global's write and its use, not at scopes).
        if (!top[id]) continue;
        let p = k - 1;
        while (p >= f.tokFrom && kind[p] === 40) p--;
        if (p >= f.tokFrom && kind[p] === 38) keep = true;
      }
      if (keep) {
        f.removable = false;
        changed = true;
        for (let k = f.sigFrom; k <= f.tokTo; k++) if (kind[k] === ID) live[wid[k]!] = 1;
      }
    }
  }

  const gone = cands.filter((f) => f.removable);
  if (!gone.length) return null;
  const parts: string[] = [];
  let at = 0;
  for (const f of gone) {
    parts.push(text.slice(at, f.start));
    // The region with everything but its newlines erased.
    let lines = 0;
    for (let k = text.indexOf('\n', f.start); k >= 0 && k <= f.close; k = text.indexOf('\n', k + 1)) lines++;
    parts.push('\n'.repeat(lines));
    at = f.close + 1;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), removed: gone.length };
}

/**
 * Parameter names from a parameter list's tokens [from, to): in each comma-separated item
 * of two or more words (a type and a name, possibly with `*`) without nested brackets,
 * the last identifier.
 */
function paramNames(kind: number[], ws: string[], from: number, to: number): Set<string> {
  const out = new Set<string>();
  let words = 0;
  let last = -1;
  let ok = true;
  const flush = () => {
    if (ok && words >= 2 && last >= 0) out.add(ws[last]!);
    words = 0; last = -1; ok = true;
  };
  for (let k = from; k < to; k++) {
    if (kind[k] === ID) { words++; last = k; continue; }
    const c = kind[k];
    if (c === 44) { flush(); continue; }
    if (c === 42) { last = -1; continue; } // `char *name`: the name must follow
    ok = false;
  }
  flush();
  return out;
}

/**
 * Locals a body declares in the simplest, unambiguous forms, each at the start of a
 * statement: `TYPEWORDS... [*]* name` or `struct|union|enum TAG [*]* name` or
 * `Typedef name` (two identifiers), followed by `=`, `;`, `,` or `[`. Fewer names found
 * only keeps more functions.
 */
function localNames(kind: number[], ws: string[], from: number, to: number, out: Set<string>): void {
  const punct = (k: number) => kind[k]!;
  const word = (k: number) => ws[k]!;
  for (let k = from; k < to; k++) {
    const before = k === from ? 123 : punct(k - 1);
    if (before !== 59 && before !== 123 && before !== 125) continue;
    if (kind[k] !== ID) continue;
    let j = k;
    while (j < to && kind[j] === ID && QUALIFIERS.has(word(j))) j++;
    if (j < to && kind[j] === ID && BASE_TYPES.has(word(j))) {
      while (j < to && kind[j] === ID && (BASE_TYPES.has(word(j)) || QUALIFIERS.has(word(j)))) j++;
      while (j < to && punct(j) === 42) j++;
    } else if (j + 1 < to && kind[j] === ID && /^(struct|union|enum)$/.test(word(j)) && kind[j + 1] === ID) {
      j += 2;
      while (j < to && punct(j) === 42) j++;
    } else if (j + 1 < to && kind[j] === ID && kind[j + 1] === ID && !KEYWORDS.has(word(j))) {
      j++; // `Typedef name`: two plain identifiers, no `*` (that could be a product)
    } else continue;
    if (j >= to || kind[j] !== ID || KEYWORDS.has(word(j))) continue;
    const after = j + 1 < to ? punct(j + 1) : -1;
    if (after === 61 || after === 59 || after === 44 || after === 91) out.add(word(j));
  }
}
