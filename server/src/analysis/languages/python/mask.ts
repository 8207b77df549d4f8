/**
 * tree-sitter-python's external scanner is quadratic on comment-only lines inside an indented
 * block (measured: 1,000 such lines 0.8 s, 2,000 lines 2.1 s, 8,000 lines 93 s; the same count
 * of blank lines, or of top-level comments, parses in milliseconds): at each newline it scans
 * ahead over every following comment line to find the next indentation. Comments carry nothing
 * the adapter reads (suppressions and directives are read from the raw text), so the parser is
 * given the text with each comment-only line blanked: same length, same lines, same offsets, so
 * every span is unchanged. Lines inside triple-quoted strings are left alone.
 */

const SPACE = 32;

/** The text with comment-only lines blanked, or the text itself when there are none. */
export function maskCommentLines(text: string): string {
  if (!text.includes('#')) return text;
  let out: string[] | null = null;
  let last = 0;
  let quote: '"""' | "'''" | null = null;
  let lineStart = 0;
  const n = text.length;
  while (lineStart < n) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = n;
    let i = lineStart;
    while (i < end && (text.charCodeAt(i) === SPACE || text[i] === '\t')) i++;
    if (!quote && text[i] === '#') {
      // A comment-only line: blank from '#' to the end of the line (a '\r' stays).
      let stop = end;
      if (text[stop - 1] === '\r') stop--;
      out ??= [];
      out.push(text.slice(last, i), ' '.repeat(stop - i));
      last = stop;
    } else {
      quote = tripleQuoteState(text, i, end, quote);
    }
    lineStart = end + 1;
  }
  if (!out) return text;
  out.push(text.slice(last));
  return out.join('');
}

/** The open triple quote after scanning [from, to), starting in state `quote`. */
function tripleQuoteState(text: string, from: number, to: number, quote: '"""' | "'''" | null): '"""' | "'''" | null {
  let i = from;
  let single: string | null = null; // inside a one-line '...' or "..." string
  while (i < to) {
    const c = text[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (quote) {
      if (text.startsWith(quote, i)) {
        quote = null;
        i += 3;
      } else i++;
      continue;
    }
    if (single) {
      if (c === single) single = null;
      i++;
      continue;
    }
    if (c === '#') break; // a trailing comment
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      quote = text.slice(i, i + 3) as '"""' | "'''";
      i += 3;
      continue;
    }
    if (c === '"' || c === "'") single = c;
    i++;
  }
  return quote;
}
