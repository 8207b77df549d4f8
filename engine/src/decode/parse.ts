/**
 * Reading a pasted IP_LOCAL_PORT_RANGE value in any of the forms people meet it in: a
 * u32 (decimal, hex), C's signed int view (Python's getsockopt int), strace's notation
 * (`[0x9e3f9c40 /* 40000..40511 *\/]`, `[..48879]`, `[1..]`, a whole strace line),
 * raw bytes (`40 9c 3f 9e`, `\x40\x9c\x3f\x9e`, Python `b'@\x9c?\x9e'`) and `LO-HI`.
 * Pure: text in, the bytes/halves the kernel would read out (spec §2.2).
 */
import { parseRangeText } from '../uapi';

export type InputForm = 'u32' | 'hex' | 'signed' | 'strace' | 'bytes' | 'lo-hi';

export interface ParsedValue {
  form: InputForm;
  /** The u32 the kernel reads (for byte input: the first 4 bytes, or 1 byte when 1..3 are given). */
  packed: number;
  /** optlen the value implies: 4 for numbers and ranges, the byte count for bytes. */
  optlen: number;
  /** Byte input only: the bytes as given. */
  bytes?: number[];
  /** strace printed a decoded range comment: "40000..40511" (checked against the value). */
  straceComment?: string;
}

export class DecodeInputError extends Error {
  override name = 'DecodeInputError';
}

const U32_MAX = 0xffffffff;

function u16(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 0xffff) throw new DecodeInputError(`${what} must be a port in 0..65535 (got ${JSON.stringify(text)})`);
  return n;
}

function number(text: string): { value: number; form: 'u32' | 'hex' | 'signed' } | null {
  const t = text.replace(/_/g, '');
  if (/^0[xX][0-9a-fA-F]+[uU]?[lL]{0,2}$/.test(t)) {
    const v = parseInt(t.replace(/[uUlL]+$/, '').slice(2), 16);
    if (v > U32_MAX) throw new DecodeInputError(`${text} does not fit in 32 bits (the option is a u32)`);
    return { value: v, form: 'hex' };
  }
  if (/^\d+[uU]?[lL]{0,2}$/.test(t)) {
    const v = Number(t.replace(/[uUlL]+$/, ''));
    if (v > U32_MAX) throw new DecodeInputError(`${text} does not fit in 32 bits (the option is a u32: at most 4294967295)`);
    return { value: v, form: 'u32' };
  }
  if (/^-\d+$/.test(t)) {
    const v = Number(t);
    if (v < -0x80000000) throw new DecodeInputError(`${text} is below the smallest 32-bit int (-2147483648)`);
    return { value: v >>> 0, form: 'signed' };
  }
  return null;
}

/** strace's range text "LO..HI" / "..HI" / "LO.." (a missing side is a zero half). */
function straceRange(text: string): { lo: number; hi: number } | null {
  const m = /^(\d*)\.\.(\d*)$/.exec(text.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  return { lo: m[1] === '' ? 0 : u16(m[1], 'lo'), hi: m[2] === '' ? 0 : u16(m[2], 'hi') };
}

/** Bytes written as C/Python string escapes: \xNN, \n, \t, \r, \0, \\, \', \" and printable ASCII. */
function escapedBytes(body: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      const code = c.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) throw new DecodeInputError(`byte string holds a non-ASCII character ${JSON.stringify(c)}: write it as \\xNN`);
      out.push(code);
      continue;
    }
    const n = body[++i];
    if (n === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new DecodeInputError(`bad escape \\x${hex} in a byte string (expected two hex digits)`);
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (n !== undefined && /[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      const v = parseInt(oct, 8);
      if (v > 255) throw new DecodeInputError(`octal escape \\${oct} is above 255`);
      out.push(v);
      i += oct.length - 1;
    } else {
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };
      if (n === undefined || !(n in simple)) throw new DecodeInputError(`unknown escape \\${n ?? ''} in a byte string`);
      out.push(simple[n]);
    }
  }
  return out;
}

/** The bytes of "40 9c 3f 9e", "\x40\x9c\x3f\x9e", b'@\x9c?\x9e', "..." (strace's quoted hex), or null. */
function bytesOf(text: string): number[] | null {
  const t = text.trim();
  const quoted = /^[bB]?(['"])(.*)\1$/s.exec(t);
  if (quoted) return escapedBytes(quoted[2]);
  if (/^(\\x[0-9a-fA-F]{2})+$/.test(t)) return escapedBytes(t);
  if (/^[0-9a-fA-F]{1,2}([\s:,]+[0-9a-fA-F]{1,2})+$/.test(t)) return t.split(/[\s:,]+/).map((b) => parseInt(b, 16));
  return null;
}

/** The u32 the kernel reads from `bytes` (spec §2.3 prologue: 4 bytes when optlen >= 4, else 1 byte). */
export function kernelReadOf(bytes: readonly number[], order: 'little' | 'big'): number {
  if (bytes.length === 0) return 0;
  if (bytes.length < 4) return bytes[0];
  const [a, b, c, d] = bytes;
  return (order === 'little' ? (d << 24) | (c << 16) | (b << 8) | a : (a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** A whole strace line: take the value printed for IP_LOCAL_PORT_RANGE (0x33 with -X raw, `0x33 /* IP_LOCAL_PORT_RANGE *\/` with -X verbose). */
function straceLineValue(text: string): { value: string; optlen: number | null } | null {
  const m = /(?:IP_LOCAL_PORT_RANGE|0x33|\b51)(?:\s*\/\*[^*]*\*\/)?\s*,\s*(\[[^\]]*\]|"(?:[^"\\]|\\.)*"|0x[0-9a-fA-F]+|NULL)\s*,\s*\[?(-?\d+)\]?\s*\)/.exec(text);
  if (!m) return null;
  // strace prints the address instead of the value when it could not (or did not) read it.
  if (!/^[["]/.test(m[1])) throw new DecodeInputError(`strace printed the address ${m[1]}, not the value (the call faulted or had a bad optlen)`);
  return { value: m[1], optlen: Number(m[2]) };
}

/** Parses one pasted value; throws DecodeInputError with a message saying which forms are accepted. */
export function parseValue(input: string, byteOrder: 'little' | 'big' = 'little'): ParsedValue {
  let text = input.trim();
  if (text === '') throw new DecodeInputError('empty value');
  let optlen: number | null = null;
  if (/sockopt\s*\(/.test(text)) {
    const line = straceLineValue(text);
    if (!line) throw new DecodeInputError('a strace line, but not one for IP_LOCAL_PORT_RANGE with a printed value');
    text = line.value;
    optlen = line.optlen;
  }
  const bracket = /^\[(.*)\]$/s.exec(text);
  if (bracket) {
    // strace: [0x9e3f9c40 /* 40000..40511 */], [0], [..48879], [1..], [40000..40511]
    const inner = bracket[1].trim();
    const withComment = /^(\S+)\s*\/\*\s*(.*?)\s*\*\/$/.exec(inner);
    const head = withComment ? withComment[1] : inner;
    const r = straceRange(head);
    if (r) return { form: 'strace', packed: ((r.hi << 16) | r.lo) >>> 0, optlen: optlen ?? 4 };
    const n = number(head);
    if (!n) throw new DecodeInputError(`cannot read ${JSON.stringify(input)}: strace prints [0x9e3f9c40 /* 40000..40511 */], [..48879] or [1..]`);
    const out: ParsedValue = { form: 'strace', packed: n.value, optlen: optlen ?? 4 };
    if (withComment) out.straceComment = withComment[2];
    return out;
  }
  const r = straceRange(text);
  if (r) return { form: 'strace', packed: ((r.hi << 16) | r.lo) >>> 0, optlen: optlen ?? 4 };
  if (/^\d+\s*-\s*\d+$/.test(text)) {
    let r;
    try {
      r = parseRangeText(text);
    } catch (e) {
      throw new DecodeInputError((e as Error).message);
    }
    return { form: 'lo-hi', packed: ((r.hi << 16) | r.lo) >>> 0, optlen: 4 };
  }
  const n = number(text);
  if (n) return { form: n.form, packed: n.value, optlen: optlen ?? 4 };
  const bytes = bytesOf(text);
  if (bytes) {
    if (bytes.length === 0) throw new DecodeInputError('an empty byte string');
    if (bytes.length > 64) throw new DecodeInputError(`${bytes.length} bytes: the option takes exactly 4`);
    return { form: 'bytes', packed: kernelReadOf(bytes, byteOrder), optlen: optlen ?? bytes.length, bytes };
  }
  throw new DecodeInputError(
    `cannot read ${JSON.stringify(input)}: expected a u32 (2654968896, 0x9e3f9c40), a negative int (-1639998400), ` +
      `strace's [40000..40511] / [..48879] / [1..], LO-HI (40000-40511) or 4 bytes ('40 9c 3f 9e', '\\x40\\x9c\\x3f\\x9e', "b'@\\x9c?\\x9e'")`,
  );
}
