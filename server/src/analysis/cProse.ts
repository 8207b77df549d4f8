/**
 * Where C and C++ text is not code, before any parse: the comments and the string and
 * character literals, found by the lexical rules of C11 6.4.9 (comments), 6.4.5 (strings) and
 * 6.4.4.4 (character constants) and C++11's raw strings (`R"d(...)d"`, with the `u8`/`u`/`U`/`L`
 * prefixes). The gate (gate.ts) uses it so that a header's prose (`/* For setsockopt(2) *\/`,
 * `"see IP_LOCAL_PORT_RANGE"`) opens nothing.
 *
 * Any doubt counts as code, never the other way: a string or character literal ends at the end
 * of its line (an unterminated one in real C is an error the parser recovers from the same way),
 * a quote after an identifier or number is only a literal after one of the prefixes `L`, `u`,
 * `U`, `u8` (so C++14's digit separator `1'000` opens nothing), and a character literal longer
 * than MAX_CHAR_LITERAL characters is taken for a stray quote.
 */

const MAX_CHAR_LITERAL = 12;
const MAX_RAW_DELIMITER = 16;

function isIdent(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** The identifier that ends just before `i` (empty when none). */
function wordBefore(text: string, i: number): string {
  let k = i;
  while (k > 0 && isIdent(text.charCodeAt(k - 1))) k--;
  return text.slice(k, i);
}

const CHAR_PREFIX = new Set(['', 'L', 'u', 'U', 'u8']);
const RAW_PREFIX = new Set(['R', 'LR', 'uR', 'UR', 'u8R']);

/** The end of a `//` comment starting at `i`: its newline, unless a `\` splices the next line on. */
function lineCommentEnd(text: string, i: number): number {
  for (let j = i + 2; ; ) {
    const nl = text.indexOf('\n', j);
    if (nl < 0) return text.length;
    const back = text.charCodeAt(nl - 1) === 0x0d ? nl - 2 : nl - 1;
    if (text.charCodeAt(back) !== 0x5c /* \ */) return nl;
    j = nl + 1;
  }
}

/** The end of a quoted literal opened at `i` by `quote`, or -1 (a stray quote: no literal). */
function quotedEnd(text: string, i: number, quote: number): number {
  const limit = quote === 0x27 ? Math.min(text.length, i + 2 + MAX_CHAR_LITERAL) : text.length;
  for (let j = i + 1; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */) j++;
    else if (c === quote) return j + 1;
    else if (c === 0x0a) return quote === 0x22 ? j : -1;
  }
  return quote === 0x22 ? text.length : -1;
}

/** The end of a raw string whose `"` is at `i`, or -1 when this is no raw string after all. */
function rawEnd(text: string, i: number): number {
  const open = text.indexOf('(', i + 1);
  if (open < 0 || open - i - 1 > MAX_RAW_DELIMITER) return -1;
  const delimiter = text.slice(i + 1, open);
  if (/[\s()\\]/.test(delimiter)) return -1;
  const close = text.indexOf(`)${delimiter}"`, open + 1);
  return close < 0 ? text.length : close + delimiter.length + 2;
}

/**
 * The comments and literals of one text, lexed lazily: only as far as the furthest offset asked
 * about (the gate asks about a file's first openings, usually near its top).
 */
export class CProse {
  /** The ranges found so far, as a flat sorted list [start0, end0, start1, ...]. */
  private readonly ranges: number[] = [];
  /** Lexed up to here: every range that starts before it is known. */
  private pos = 0;

  constructor(private readonly text: string) {}

  /** Whether `offset` lies in code. */
  inCode(offset: number): boolean {
    while (this.pos <= offset && this.pos < this.text.length) this.step();
    const r = this.ranges;
    let lo = 0;
    let hi = r.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[2 * mid + 1]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo === r.length / 2 || offset < r[2 * lo]!;
  }

  /** Every range of the text. */
  all(): number[] {
    while (this.pos < this.text.length) this.step();
    return this.ranges;
  }

  /** One token's worth: a comment or literal at `pos` is recorded and skipped, else one character. */
  private step(): void {
    const { text } = this;
    const i = this.pos;
    const c = text.charCodeAt(i);
    let end = -1;
    if (c === 0x2f /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 0x2f) end = lineCommentEnd(text, i);
      else if (d === 0x2a /* * */) {
        const close = text.indexOf('*/', i + 2);
        end = close < 0 ? text.length : close + 2;
      }
    } else if (c === 0x22 /* " */) {
      end = RAW_PREFIX.has(wordBefore(text, i)) ? rawEnd(text, i) : -1;
      if (end < 0) end = quotedEnd(text, i, c);
    } else if (c === 0x27 /* ' */ && CHAR_PREFIX.has(wordBefore(text, i))) {
      end = quotedEnd(text, i, c);
    }
    if (end > i) {
      this.ranges.push(i, end);
      this.pos = end;
    } else this.pos = i + 1;
  }
}

/** The ranges of C/C++ text that are not code, as a flat sorted list [start0, end0, start1, ...]. */
export function cProseRanges(text: string): number[] {
  return new CProse(text).all();
}
