/**
 * struct format strings as CPython's struct module reads them: byte-order prefix, native
 * sizes and alignment of LP64 Linux, standard sizes otherwise.
 */

// ---------------------------------------------------------------- struct

interface StructItem {
  code: string;
  size: number;
  signed: boolean;
  offset: number;
}

/** struct format -> layout (LP64 Linux native sizes for '@'), or null when unsupported. */
export function parseStructFormat(fmt: string): { order: '@' | '=' | '<' | '>' | '!'; items: StructItem[]; size: number } | null {
  let i = 0;
  let order: '@' | '=' | '<' | '>' | '!' = '@';
  if (fmt.length > 200) return null;
  if ('@=<>!'.includes(fmt[0] ?? '')) {
    order = fmt[0] as typeof order;
    i = 1;
  }
  const native = order === '@';
  const items: StructItem[] = [];
  let off = 0;
  while (i < fmt.length) {
    const ch = fmt[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let count = 1;
    const m = /^\d+/.exec(fmt.slice(i));
    if (m) {
      count = Number(m[0]);
      i += m[0].length;
      if (count > 64) return null;
    }
    const code = fmt[i++];
    if (code === undefined) return null;
    let size: number;
    let signed = false;
    switch (code) {
      case 'x': off += count; continue;
      case 'b': size = 1; signed = true; break;
      case 'B': case '?': size = 1; break;
      case 'h': size = 2; signed = true; break;
      case 'H': size = 2; break;
      case 'i': size = 4; signed = true; break;
      case 'I': size = 4; break;
      case 'l': size = native ? 8 : 4; signed = true; break;
      case 'L': size = native ? 8 : 4; break;
      case 'q': size = 8; signed = true; break;
      case 'Q': size = 8; break;
      case 'n': if (!native) return null; size = 8; signed = true; break;
      case 'N': if (!native) return null; size = 8; break;
      default: return null; // floats, strings, pointers: not a port range
    }
    for (let c = 0; c < count; c++) {
      if (native && off % size !== 0) off += size - (off % size);
      items.push({ code, size, signed, offset: off });
      off += size;
    }
  }
  return { order, items, size: off };
}
