/**
 * The lexical scanner behind C pruning (prune.ts): keywords, base types and qualifiers, the
 * candidate shape, and the word table of a file's identifiers.
 */

export const KEYWORDS = new Set((
  'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
  'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
  '_Bool _Complex _Alignas _Alignof _Atomic _Noreturn _Static_assert _Thread_local bool true false NULL ' +
  '__inline __inline__ __restrict __restrict__ __volatile__ __const __attribute__ __extension__ asm __asm__'
).split(' '));

/** Words that start a declaration's type (a local declared with one of them is a local). */
export const BASE_TYPES = new Set('char short int long signed unsigned float double void _Bool bool'.split(' '));
export const QUALIFIERS = new Set('const volatile static register extern __restrict __restrict__ _Atomic'.split(' '));

/** Token kinds: an identifier, or the punctuation character's code. */
export const ID = 0;

export interface Candidate {
  /** Offset of the first token of the definition (its specifiers / return type). */
  start: number;
  /** Offset of the body's `{` and of its `}`. */
  open: number;
  close: number;
  name: string;
  /** The name's word id (WordTable), -1 when it has none. */
  nameId: number;
  /** Token index range of the body (exclusive of the braces). */
  tokFrom: number;
  tokTo: number;
  /** Token index range of the signature. */
  sigFrom: number;
  /** Names the function declares itself (parameters, simple locals). */
  own: Set<string>;
  removable: boolean;
}

export interface PruneResult {
  /** The text with the left-out function definitions erased (newlines kept). */
  text: string;
  /** How many function definitions were left out. */
  removed: number;
}

/**
 * One string per distinct identifier of a file: most names repeat, and a repeated name then
 * costs no new string (nor the hashing of one by every Set it is looked up in).
 */
export class WordTable {
  /** The words by id. */
  readonly list: string[] = [];
  /** Open addressing: word id + 1 per slot (0: empty), and the word's hash. */
  private slots = new Int32Array(256);
  private hashes = new Int32Array(256);

  /** The id of the word text[from, to) (h: its hash), the same id for the same word. */
  intern(text: string, from: number, to: number, h: number): number {
    let mask = this.slots.length - 1;
    const len = to - from;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.slots[slot]!;
      if (e === 0) break;
      const k = this.list[e - 1]!;
      if (this.hashes[slot] === h && k.length === len && text.startsWith(k, from)) return e - 1;
    }
    const id = this.list.length;
    this.list.push(text.slice(from, to));
    if (this.list.length * 2 > this.slots.length) {
      const oldSlots = this.slots;
      const oldHashes = this.hashes;
      this.slots = new Int32Array(oldSlots.length * 2);
      this.hashes = new Int32Array(oldSlots.length * 2);
      mask = this.slots.length - 1;
      for (let s = 0; s < oldSlots.length; s++) if (oldSlots[s] !== 0) this.put(oldSlots[s]! - 1, oldHashes[s]!, mask);
    }
    this.put(id, h, mask);
    return id;
  }

  private put(id: number, h: number, mask: number): void {
    let slot = h & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = id + 1;
    this.hashes[slot] = h;
  }
}

export const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 128;
export const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);
