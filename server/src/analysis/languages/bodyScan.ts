/**
 * The structure pass behind pruneBodies.ts, shared by the C++ and Rust scanners: fed one token
 * at a time by a language's lexer, it follows the statements at item level (top level,
 * namespaces/modules, class and impl bodies) and finds the function bodies among them. Each
 * language says what a `{` after a statement opens (rules.classify); anything unsure is
 * `opaque`: its insides are never candidates. Built for one cold pass per file (`check` runs it
 * once per file, mostly before V8 optimises it): no object per token, words read from the text
 * only at item level.
 */
import type { BodyCandidate } from './pruneBodies';

/** Token kinds: an identifier or keyword, punctuation (C++ `::` is one token), a string or character literal, a C++ directive line. */
export const ID = 0;
export const P = 1;
export const STR = 2;
export const DIR = 3;

/**
 * fn: `words` are the words the lowering may take the function's name from (default: the
 * signature's words outside brackets, keywords left out; parameters never name it).
 */
export type Opens = { kind: 'item' } | { kind: 'opaque' } | { kind: 'fn'; name: string; words?: string[] };

/** The tokens of the statement before a `{`, as classify reads them. */
export interface StatementView {
  readonly length: number;
  kind(i: number): number;
  /** The token's text (an identifier's word, a punctuation's characters; '' for a literal). */
  text(i: number): string;
  /** Bracket depth inside the statement (0: outside any `(`/`[`; closers count as 0). */
  depth(i: number): number;
  /** For a `)`/`]` at depth 0, the index of its opener (-1: none). */
  opener(i: number): number;
  /** Whether a token with this text (not a literal) is at depth 0. */
  has(text: string): boolean;
}

export interface ScanRules {
  classify(st: StatementView): Opens;
  /** Words that end a statement when followed by `:` (C++ access specifiers). */
  labels?: ReadonlySet<string>;
  /** A `}` at item level ends the statement whatever it closes (Rust: `macro_rules! m { }`, `struct S { }`). */
  braceEnds?: boolean;
  /** Words that never name a function (left out of a signature's words and of the names). */
  keywords: ReadonlySet<string>;
}

const OPAQUE: Opens = { kind: 'opaque' };
/** Frame kinds. */
const ITEM = 0;
const FN = 1;
const BLOCK = 2;
const PAREN = 3;

export class BodyScanner implements StatementView {
  private readonly out: BodyCandidate[] = [];
  /** Open brackets: their character and frame kind. */
  private readonly chars: number[] = [];
  private readonly kinds: number[] = [];
  private nonItem = 0; // open brace frames that are not item frames
  private parens = 0; // ( [ frames since the innermost brace, at item level
  private spoiled = false; // a directive inside the statement's brackets
  private cand: (BodyCandidate & { bad: boolean }) | null = null;
  // The statement at item level: kind, start, end, depth and opener of each token.
  private readonly tk: number[] = [];
  private readonly ts: number[] = [];
  private readonly te: number[] = [];
  private readonly td: number[] = [];
  private readonly to: number[] = [];
  private readonly openAt: number[] = [];
  private failed = false;

  constructor(private readonly src: string, private readonly rules: ScanRules) {}

  get length(): number { return this.tk.length; }
  kind(i: number): number { return this.tk[i]!; }
  text(i: number): string { return this.tk[i] === STR ? '' : this.src.slice(this.ts[i], this.te[i]); }
  depth(i: number): number { return this.td[i]!; }
  opener(i: number): number { return this.to[i]!; }
  has(text: string): boolean {
    for (let i = 0; i < this.tk.length; i++) if (this.td[i] === 0 && this.tk[i] !== STR && this.te[i]! - this.ts[i]! === text.length && this.src.startsWith(text, this.ts[i])) return true;
    return false;
  }

  private reset(): void {
    this.tk.length = this.ts.length = this.te.length = this.td.length = this.to.length = this.openAt.length = 0;
    this.spoiled = false;
  }

  private push(k: number, s: number, e: number, opener = -1): void {
    this.tk.push(k);
    this.ts.push(s);
    this.te.push(e);
    this.td.push(this.parens);
    this.to.push(opener);
  }

  /** One token [s, e) of kind k (for punctuation, its first character decides). */
  tok(k: number, s: number, e: number): void {
    if (this.failed) return;
    const atItem = this.nonItem === 0;
    if (k === DIR) {
      if (atItem) {
        this.reset();
        this.spoiled = this.parens > 0;
      } else if (this.cand) this.cand.bad = true;
      return;
    }
    const c = k === P ? this.src.charCodeAt(s) : 0;
    if (c === 123 /* { */) {
      let opens = OPAQUE;
      if (atItem && this.parens === 0 && !this.spoiled) opens = this.rules.classify(this);
      if (opens.kind === 'fn') {
        const words = opens.words ?? [];
        if (!opens.words) for (let i = 0; i < this.tk.length; i++) if (this.tk[i] === ID && this.td[i] === 0 && !this.rules.keywords.has(this.text(i))) words.push(this.text(i));
        this.cand = { sigStart: this.tk.length ? this.ts[0]! : s, open: s, close: -1, name: opens.name, sigWords: words, bad: false };
      }
      this.chars.push(123);
      this.kinds.push(opens.kind === 'item' ? ITEM : opens.kind === 'fn' ? FN : BLOCK);
      if (opens.kind !== 'item') this.nonItem++;
      if (atItem && opens.kind !== 'opaque') this.reset();
      return;
    }
    if (c === 40 || c === 91) {
      this.chars.push(c);
      this.kinds.push(PAREN);
      if (atItem) {
        this.openAt.push(this.tk.length);
        this.push(k, s, e);
        this.parens++;
      }
      return;
    }
    if (c === 125 || c === 41 || c === 93) {
      const want = c === 125 ? 123 : c === 41 ? 40 : 91;
      const kind = this.kinds.pop();
      if (this.chars.pop() !== want) {
        this.failed = true;
        return;
      }
      if (kind === PAREN) {
        if (this.nonItem === 0) {
          this.parens--;
          this.push(k, s, e, this.openAt.pop() ?? -1);
        }
        return;
      }
      if (kind !== ITEM) this.nonItem--;
      if (kind === FN && this.cand) {
        if (!this.cand.bad) this.out.push({ sigStart: this.cand.sigStart, open: this.cand.open, close: s, name: this.cand.name, sigWords: this.cand.sigWords });
        this.cand = null;
      }
      if (this.nonItem === 0 && (kind !== BLOCK || (this.rules.braceEnds && this.parens === 0))) {
        this.reset();
        this.parens = 0;
      }
      return;
    }
    if (!atItem) return;
    if (c === 59 /* ; */ && this.parens === 0) {
      this.reset();
      return;
    }
    this.push(k, s, e);
    if (c === 58 && e === s + 1 && this.parens === 0 && this.tk.length === 2 && this.rules.labels?.has(this.text(0))) this.reset();
  }

  /**
   * The function bodies at item level, in order; null when a bracket closed the wrong opener.
   * A file that ends inside brackets (truncated, or mid-edit): the bodies closed before stay
   * candidates, an open one is kept.
   */
  finish(): BodyCandidate[] | null {
    if (this.failed) return null;
    if (this.cand) this.out.push({ sigStart: this.cand.sigStart, open: this.cand.open, close: Infinity, name: this.cand.name, sigWords: this.cand.sigWords, keep: true });
    return this.out;
  }
}
