/**
 * A sockopt call written inside a wrapping macro, as rust-lang/socket2 does (`syscall!(setsockopt(fd,
 * opt, val, payload, mem::size_of::<T>() as libc::socklen_t))`, copied by many crates): tree-sitter
 * keeps a macro's arguments as tokens, so the call is invisible to the query. The text given to
 * the parser (LanguageAdapter.parseText) has the wrapper `name!(` and its closing `)` blanked, the
 * same length and lines, so the inner call parses as the expression it is. Only a macro whose
 * first token is a `..sockopt(` call is unwrapped; an unbalanced one is left as written.
 */
const OPEN = /\b[A-Za-z_]\w*!\s*\(\s*(?=(?:[A-Za-z_]\w*::)*\w*[sg]etsockopt\s*\()/g;

export function unwrapSockoptMacros(text: string): string {
  if (!/![\s(]/.test(text)) return text;
  let out: string[] | null = null;
  let budget = 2_000_000; // characters scanned for closing parens, over the whole file
  for (const m of text.matchAll(OPEN)) {
    const open = m.index! + m[0].lastIndexOf('(');
    if (budget <= 0) break;
    const close = matching(text, open);
    budget -= close < 0 ? 20_000 : close - open;
    if (close < 0) continue;
    out ??= [...text];
    for (let i = m.index!; i <= open; i++) out[i] = ' ';
    out[close] = ' ';
  }
  return out ? out.join('') : text;
}

/** The index of the `)` closing the `(` at `open` (string literals skipped), or -1. */
function matching(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length && i < open + 20_000; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}
