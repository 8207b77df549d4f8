/**
 * Python string and bytes literals as the common form's `str` and `byteLit`: escapes decoded,
 * raw strings kept, f-strings not folded (opaque), adjacent literals concatenated.
 */
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../../core/form';
import { originOf } from '../../core/build';

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

function decodeEscape(e: string): string {
  const m = /^\\x([0-9a-fA-F]{2})$/.exec(e);
  if (m) return String.fromCharCode(parseInt(m[1]!, 16));
  const o = /^\\([0-7]{1,3})$/.exec(e);
  if (o) return String.fromCharCode(parseInt(o[1]!, 8) & 0xff);
  const u = /^\\u([0-9a-fA-F]{4})$/.exec(e);
  if (u) return String.fromCharCode(parseInt(u[1]!, 16));
  if (e.length === 2 && e[1]! in SIMPLE) return SIMPLE[e[1]!]!;
  if (e.startsWith('\\\n')) return '';
  return e;
}

/** One `string` node: its text (escapes decoded) and whether it is bytes; null for f-strings. */
function literal(n: Node): { s: string; bytes: boolean } | null {
  const start = n.children.find((c) => c?.type === 'string_start')?.text ?? '"';
  const prefix = start.replace(/["']+$/, '').toLowerCase();
  if (prefix.includes('f')) return null;
  const raw = prefix.includes('r');
  let s = '';
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') {
      // escape_sequence nodes are children of string_content in this grammar
      if (c.namedChildCount === 0 || raw) s += c.text;
      else {
        let last = c.startIndex;
        for (const e of c.namedChildren) {
          if (!e) continue;
          s += c.text.slice(last - c.startIndex, e.startIndex - c.startIndex);
          s += e.type === 'escape_sequence' ? decodeEscape(e.text) : e.text;
          last = e.endIndex;
        }
        s += c.text.slice(last - c.startIndex);
      }
    } else if (c.type === 'escape_sequence') s += raw ? c.text : decodeEscape(c.text);
    else if (c.type === 'interpolation') return null;
  }
  return { s, bytes: prefix.includes('b') };
}

/** A string, bytes or concatenated_string node in the common form. */
export function lowerString(n: Node): Expr {
  const at = originOf(n);
  const parts = n.type === 'concatenated_string' ? n.namedChildren.filter((c): c is Node => c?.type === 'string') : [n];
  let s = '';
  let bytes: boolean | null = null;
  for (const p of parts) {
    const l = literal(p);
    if (!l || (bytes !== null && bytes !== l.bytes)) return { k: 'opaque', at };
    bytes = l.bytes;
    s += l.s;
  }
  if (!bytes) return { k: 'str', value: s, at };
  const out: number[] = [];
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (code > 255) return { k: 'opaque', at };
    out.push(code);
  }
  return { k: 'byteLit', bytes: out, at };
}
