/**
 * The text gate before parsing: a file that cannot hold a call site is never parsed. Every
 * call site is a call whose callee's last name is matched by a `@sockopt.name` pattern of the
 * queries (queries/*.scm): `[sg]etsockopt$` (C, C++, Rust, Python, with prefixes such as
 * `zsock_`/`_`), C's `[sg]et_sock_opt$`, Go's `(Set|Get)sockopt(Int|String|Byte|Bytes)?` and
 * `[sS]etsockopt(Int)?`. Every one of them spells `sockopt` or `sock_opt` in lower case, and in every grammar the argument list
 * follows the name with only blanks, comments or a line continuation between them, or a
 * template/turbofish argument list first (C++ `setsockopt<T>(`, Rust `setsockopt::<T>(`).
 * So the gate is exact, not a guess: some `sockopt` followed (after the rest of its name,
 * blanks and comments) by `(`, `<` or `:`. A mention in a comment (`see setsockopt.`)
 * or a constant such as `SO_SNDBUF` in a header that only talks about socket options opens
 * nothing, nor does the name a `#define` defines; a declaration `int setsockopt (int, ...)`
 * still does (the gate is a superset).
 */

import type { Language } from './callSite';
import { CProse } from './cProse';
import { parseIntLiteral, type EvalLanguage } from './core/numeric';

/**
 * The ends of every `@sockopt.name` pattern (C's also accepts `set_sock_opt`), searched as
 * `kopt`/`k_opt` and then checked for the `soc` before them: indexOf scans for the needle's
 * first character, and `k` is far rarer in source text than `s` (the byte scan of the
 * system headers and Python library: 150 ms -> 40 ms). Same openings, same order.
 */
const NEEDLES = ['kopt', 'k_opt'] as const;
const SOC = [0x73, 0x6f, 0x63]; // s o c

/** Each `sockopt`/`sock_opt` in the text: calls `found(end)` with the offset after the name. */
function eachName(at: (k: number) => number, find: (needle: string, from: number) => number, found: (start: number, end: number) => boolean): boolean {
  for (const needle of NEEDLES) {
    for (let i = find(needle, 3); i >= 0; i = find(needle, i + needle.length)) {
      if (at(i - 3) === SOC[0] && at(i - 2) === SOC[1] && at(i - 1) === SOC[2] && !definedName(at, i - 3) && found(i - 3, i + needle.length)) return true;
    }
  }
  return false;
}

function isIdent(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

/**
 * Whether the identifier holding offset `i` is the name a `#define` defines
 * (`#define __NR_setsockopt (__X32_SYSCALL_BIT + 54)` in the kernel's syscall tables): a macro's
 * name is never a call, and its body's own calls are openings of their own.
 */
function definedName(at: (k: number) => number, i: number): boolean {
  while (i > 0 && isIdent(at(i - 1))) i--;
  const back = (k: number) => { while (k > 0 && (at(k - 1) === 0x20 || at(k - 1) === 0x09)) k--; return k; };
  let k = back(i);
  const word = 'define';
  if (k < word.length || k === i) return false;
  for (let j = 0; j < word.length; j++) if (at(k - word.length + j) !== word.charCodeAt(j)) return false;
  k = back(k - word.length);
  if (k === 0 || at(k - 1) !== 0x23 /* # */) return false;
  k = back(k - 1);
  return k === 0 || at(k - 1) === 0x0a;
}

/**
 * From just after a `sockopt` at `i`: the rest of the identifier, then blanks, `\`-newline,
 * block and line comments and `#` comments (a superset: `#` is a comment only in Python), then `(`,
 * `<` or `:`. `at` reads a UTF-16 code unit or a byte: every character tested is ASCII.
 */
function callFollows(at: (k: number) => number, len: number, i: number): boolean {
  while (i < len && isIdent(at(i))) i++;
  while (i < len) {
    const c = at(i);
    if (isBlank(c)) i++;
    else if (c === 0x5c /* \ */ && (at(i + 1) === 0x0a || (at(i + 1) === 0x0d && at(i + 2) === 0x0a))) i += 2;
    else if (c === 0x2f /* / */ && at(i + 1) === 0x2a /* * */) {
      i += 2;
      while (i < len && !(at(i) === 0x2a && at(i + 1) === 0x2f)) i++;
      i += 2;
    } else if ((c === 0x2f && at(i + 1) === 0x2f) || c === 0x23 /* # */) {
      while (i < len && at(i) !== 0x0a) i++;
    } else return c === 0x28 /* ( */ || c === 0x3c /* < */ || c === 0x3a /* : */;
  }
  return false;
}

/**
 * The option half of the gate: a call site's option is IP_LOCAL_PORT_RANGE only when the file
 * spells it (core/sites.ts takes the option by its name or by the value 51): the name
 * IP_LOCAL_PORT_RANGE (bare, `socket.`, `unix.`, `libc::`, a fallback `#define`), a name the
 * analyzer's constant tables give the number 51 (IPV6_RECVHOPLIMIT, SO_ATTACH_REUSEPORT_CBPF,
 * which a `#define` can carry to SOL_IP), the character literal '3' (C, C++, Go), or an integer
 * literal that some language reads as 51 (`51`, `51u`, `0x33`, `063`, `0o63`, `0b110011`,
 * `5_1`, `51_i32`: core/numeric.ts parseIntLiteral, in every language). A file that only
 * computes 51 from other numbers (`50 + 1`, `(uint8_t)307`) is not analysed: that is the one
 * rule this gate adds (docs/analysis.md), and what lets `check` skip the many files that call
 * setsockopt for other options without parsing them.
 */
const OPTION_NAMES = ['IP_LOCAL_PORT_RANGE', 'IPV6_RECVHOPLIMIT', 'SO_ATTACH_REUSEPORT_CBPF'] as const;
/** C's and Go's character literal '3' is 51 (a literal: the prose filter below never drops it). */
const CHAR_51 = "'3'";
const LANGUAGES: readonly EvalLanguage[] = ['c', 'cpp', 'python', 'go', 'rust'];
/** A number token: a digit not inside an identifier nor after a `.` (`2.51` is no 51), then its digits, letters, `_` and `'`. */
const NUMBER = /(?<![A-Za-z0-9_$.])[0-9][0-9A-Za-z_']*/g;

type InCode = (offset: number) => boolean;
const everywhere: InCode = () => true;

function spellsNumber(text: string, code: InCode): boolean {
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m; m = NUMBER.exec(text)) {
    const t = m[0];
    // Every spelling of 51 holds a 1 or a 3 (51, 0x33, 063, 0b110011); most numbers are cut here.
    if (t.length > 24 || (!t.includes('1') && !t.includes('3'))) continue;
    if (LANGUAGES.some((l) => parseIntLiteral(t, l)?.value === 51n) && code(m.index)) return true;
  }
  return false;
}

/** Whether the text spells the option (see above) in code: false means no call site can be found in it. */
export function spellsTheOption(text: string, code: InCode = everywhere): boolean {
  for (const n of OPTION_NAMES) {
    for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + n.length)) if (code(i)) return true;
  }
  return text.includes(CHAR_51) || spellsNumber(text, code);
}

/**
 * Whether the text may hold a call site (see above); false means it certainly holds none. In C
 * and C++ (`language` given), openings and spellings inside comments and string literals do not
 * count (cProse.ts: a header's `/* For setsockopt(2) *\/`).
 */
export function mayContainCallSite(text: string, language?: Language): boolean {
  const at = (k: number) => text.charCodeAt(k);
  let prose: CProse | null = null;
  const code: InCode = language === 'c' || language === 'cpp' ? (k) => (prose ??= new CProse(text)).inCode(k) : everywhere;
  return eachName(at, (n, from) => text.indexOf(n, from), (s, end) => callFollows(at, text.length, end) && code(s)) && spellsTheOption(text, code);
}

/** The same test on the file's bytes (UTF-8), before decoding them. */
export function bytesMayContainCallSite(buf: Uint8Array, language?: Language): boolean {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const at = (k: number) => b[k] ?? -1;
  if (!eachName(at, (n, from) => b.indexOf(n, from), (_s, end) => callFollows(at, b.length, end))) return false;
  // Every character the gate reads is ASCII: latin1 keeps each byte at its offset.
  return mayContainCallSite(b.toString('latin1'), language);
}

/** Where the gate opens in a text: the offset of each `sockopt` followed by an argument list. */
export function gateOffsets(text: string): [number, number][] {
  const at = (k: number) => text.charCodeAt(k);
  const out: [number, number][] = [];
  eachName(at, (n, from) => text.indexOf(n, from), (start, end) => {
    if (callFollows(at, text.length, end)) out.push([start, end]);
    return false;
  });
  return out;
}

/**
 * After the parse, the second half of the gate: a name inside a comment or a string literal
 * is never a callee. False when every opening of the gate lies in one (the smallest node
 * around it is a comment or string node in every grammar: comment, line_comment,
 * block_comment, string_content, raw_string_literal_content, ...); the adapter then has
 * nothing to find.
 */
export function gateOpensInCode(text: string, root: { descendantForIndex(start: number, end: number): { type: string } | null }): boolean {
  return gateOffsets(text).some(([start, end]) => {
    const n = root.descendantForIndex(start, end);
    return !n || !/comment|string/.test(n.type);
  });
}
