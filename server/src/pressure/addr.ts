/**
 * Text helpers shared by the socket-list parsers: a field splitter, and address text so both
 * sources name a destination the same way (IPv4-mapped IPv6 as plain IPv4, other IPv6 in the
 * compressed form inet_ntop(3) prints).
 */

/** "::ffff:127.0.0.1" -> "127.0.0.1"; drops a "%scope" suffix; other text unchanged. */
export function normalizeAddr(addr: string): string {
  const pct = addr.indexOf('%');
  if (pct >= 0) addr = addr.slice(0, pct);
  if (addr.startsWith('::ffff:') && addr.includes('.')) return addr.slice(7);
  return addr;
}

/** Eight 16-bit groups -> text (IPv4-mapped as dotted IPv4; zero runs compressed as inet_ntop does). */
export function ipv6Text(g: Uint16Array | number[]): string {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  }
  // The WHATWG URL serializer compresses the longest run of two or more zero groups, like inet_ntop.
  return new URL(`http://[${Array.from(g, (x) => x.toString(16)).join(':')}]/`).hostname.slice(1, -1);
}

/** The first `n` whitespace-separated fields of line[start, end) (no regex: this runs per socket). */
export function fields(text: string, start: number, end: number, n: number): string[] {
  const out: string[] = [];
  let i = start;
  while (out.length < n) {
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i >= end) break;
    const j = i;
    while (i < end && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
    out.push(text.slice(j, i));
  }
  return out;
}
