/**
 * Go string and rune literal contents as bytes (The Go Programming Language Specification,
 * "Rune literals" and "String literals"): \x and octal escapes are single bytes, \u and \U
 * and plain characters are UTF-8. null when an escape is not valid Go.
 */
const SIMPLE: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34 };

export function goString(body: string, quoted: boolean): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      out.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1] ?? '';
    if (e in SIMPLE && !(quoted && e === "'") && !(!quoted && e === '"')) {
      out.push(SIMPLE[e]!);
      i += 2;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4)) && parseInt(body.slice(i + 1, i + 4), 8) <= 255) {
      out.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 4;
    } else if ((e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) || (e === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 2, i + 10)))) {
      const n = e === 'u' ? 4 : 8;
      const cp = parseInt(body.slice(i + 2, i + 2 + n), 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      out.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
      i += 2 + n;
    } else return null;
  }
  return out;
}

/** A byte value as text (for networks and addresses: "tcp4", ":8080"). */
export function textOf(bytes: readonly number[]): string {
  return new TextDecoder().decode(Uint8Array.from(bytes));
}
