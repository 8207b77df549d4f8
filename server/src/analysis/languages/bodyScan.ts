/**
 * The structure pass behind pruneBodies.ts, shared by the C++ and Rust scanners: from a
 * language's tokens, the statements at item level (top level, namespaces/modules, class and
 * impl bodies) and the function bodies among them. Each language says what a `{` after a
 * statement opens (rules.classify); anything unsure is `opaque`: its insides are never candidates.
 */
import type { BodyCandidate } from './pruneBodies';

/** id: identifier or keyword; p: punctuation (C++ `::` is one token); str: a string literal; dir: a C++ directive line. */
export interface Tok { k: 'id' | 'p' | 'str' | 'dir'; v: string; s: number }

/**
 * fn: `words` are the words the lowering may take the function's name from (default: the
 * signature's words outside brackets, keywords left out; parameters never name it).
 */
export type Opens = { kind: 'item' } | { kind: 'opaque' } | { kind: 'fn'; name: string; words?: string[] };

export interface StatementView {
  toks: readonly Tok[];
  /** Bracket depth of each token inside the statement (0: outside any `(`/`[`; closers count as 0). */
  depth: readonly number[];
  /** For each `)`/`]` at depth 0, the index of its opener. */
  opener: ReadonlyMap<number, number>;
}

export interface ScanRules {
  classify(st: StatementView): Opens;
  /** A statement that ends at this token without `;` (C++ `public:`). */
  endsAfter?(st: StatementView): boolean;
  /** A `}` at item level ends the statement whatever it closes (Rust: `macro_rules! m { }`, `struct S { }`). */
  braceEnds?: boolean;
  /** Words that never name a function (left out of a signature's words and of the names). */
  keywords: ReadonlySet<string>;
}

interface Frame { ch: string; kind: 'item' | 'opaque' | 'fn' | 'paren'; cand?: BodyCandidate & { bad: boolean } }

/** The function bodies at item level, in order; null when a bracket closes the wrong opener. */
export function findBodies(toks: readonly Tok[], rules: ScanRules): BodyCandidate[] | null {
  const out: BodyCandidate[] = [];
  const frames: Frame[] = [];
  let nonItem = 0; // brace frames that are not item frames
  let parens = 0; // ( [ frames since the innermost brace, when at item level
  let st: Tok[] = [];
  let depth: number[] = [];
  let opener = new Map<number, number>();
  const openAt: number[] = [];
  /** A directive inside the statement's brackets: no classification until the next statement. */
  let spoiled = false;
  const reset = () => {
    spoiled = false;
    st = [];
    depth = [];
    opener = new Map();
    openAt.length = 0;
  };
  const view = (): StatementView => ({ toks: st, depth, opener });
  for (const t of toks) {
    const atItem = nonItem === 0;
    if (t.k === 'dir') {
      if (atItem) {
        reset();
        spoiled = parens > 0;
      } else for (let f = frames.length - 1; f >= 0; f--) if (frames[f]!.cand) { frames[f]!.cand!.bad = true; break; }
      continue;
    }
    const v = t.k === 'p' ? t.v : '';
    if (v === '{') {
      let opens: Opens = { kind: 'opaque' };
      if (atItem && parens === 0 && !spoiled) opens = rules.classify(view());
      if (opens.kind === 'fn') {
        const sigWords = opens.words ?? st.filter((x, i) => depth[i] === 0 && x.k === 'id' && !rules.keywords.has(x.v)).map((x) => x.v);
        frames.push({ ch: '{', kind: 'fn', cand: { sigStart: st[0]?.s ?? t.s, open: t.s, close: -1, name: opens.name, sigWords, bad: false } });
      } else frames.push({ ch: '{', kind: opens.kind });
      if (opens.kind !== 'item') nonItem++;
      if (atItem && opens.kind !== 'opaque') reset();
      continue;
    }
    if (v === '(' || v === '[') {
      frames.push({ ch: v, kind: 'paren' });
      if (atItem) {
        openAt.push(st.length);
        depth.push(parens++);
        st.push(t);
      }
      continue;
    }
    if (v === '}' || v === ')' || v === ']') {
      const f = frames.pop();
      if (!f || f.ch !== (v === '}' ? '{' : v === ')' ? '(' : '[')) return null;
      if (f.kind === 'paren') {
        if (nonItem === 0) {
          parens--;
          opener.set(st.length, openAt.pop() ?? -1);
          depth.push(parens);
          st.push(t);
        }
        continue;
      }
      if (f.kind !== 'item') nonItem--;
      if (f.cand) {
        f.cand.close = t.s;
        if (!f.cand.bad) out.push({ sigStart: f.cand.sigStart, open: f.cand.open, close: t.s, name: f.cand.name, sigWords: f.cand.sigWords });
      }
      if (nonItem === 0 && (f.kind !== 'opaque' || (rules.braceEnds && parens === 0))) {
        reset();
        parens = 0;
      }
      continue;
    }
    if (!atItem) continue;
    if (v === ';' && parens === 0) {
      reset();
      continue;
    }
    depth.push(parens);
    st.push(t);
    if (parens === 0 && rules.endsAfter?.(view())) reset();
  }
  // A file that ends inside brackets (truncated, or mid-edit): the bodies closed before stay
  // candidates, an open one is kept.
  for (const f of frames) if (f.cand) out.push({ sigStart: f.cand.sigStart, open: f.cand.open, close: Infinity, name: f.cand.name, sigWords: f.cand.sigWords, keep: true });
  return out;
}
