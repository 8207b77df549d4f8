/**
 * Addresses as the port tables see them: parsing, interning to small integer ids, and the
 * kernel's address-overlap rule inet_rcv_saddr_equal() (net/ipv4/inet_connection_sock.c:
 * ipv4_rcv_saddr_equal / ipv6_rcv_saddr_equal), used by every bind-conflict check (§5.2, §5.3).
 */

/** IPv6 address classes used by ipv6_rcv_saddr_equal(). */
export const V6_ANY = 0;
export const V6_MAPPED = 1;
export const V6_OTHER = 2;

/** LOOPBACK4_IPV6 (127.0.0.6): the inet_rcv_saddr a v6 socket bound to a non-mapped address gets. */
export const LOOPBACK4_IPV6 = 0x7f000006;

export function parseIPv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const n = Number(m[i]);
    if (n > 255 || (m[i].length > 1 && m[i][0] === '0')) return null;
    v = v * 256 + n;
  }
  return v;
}

/** Parses an IPv6 literal into 8 16-bit groups (embedded dotted quad allowed at the end). */
export function parseIPv6(text: string): number[] | null {
  if (text.length === 0 || text.length > 45) return null;
  let s = text;
  if (s.includes('.')) {
    // embedded dotted quad in the last 32 bits: rewrite it as two hex groups
    const lastColon = s.lastIndexOf(':');
    if (lastColon < 0) return null;
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return null;
  const splitGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  if (dbl >= 0) {
    const head = splitGroups(s.slice(0, dbl));
    const back = splitGroups(s.slice(dbl + 2));
    if (!head || !back) return null;
    const fill = 8 - head.length - back.length;
    if (fill < 1) return null;
    return [...head, ...new Array<number>(fill).fill(0), ...back];
  }
  const g = splitGroups(s);
  return g && g.length === 8 ? g : null;
}

function v4Text(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text for 8 groups (mapped addresses as ::ffff:a.b.c.d). */
export function formatIPv6(g: readonly number[]): string {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${v4Text(g[6] * 65536 + g[7])}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Interned address table. Id 0 = 0.0.0.0, id 1 = ::. */
export class AddrTable {
  private readonly byKey = new Map<string, number>();
  readonly text: string[] = [];
  /** 4 for an IPv4 literal, 6 for IPv6 (incl. v4-mapped). */
  readonly fam: number[] = [];
  /** ipv6_addr_type class for v6 literals (V6_ANY/V6_MAPPED/V6_OTHER); v4 literals count as MAPPED. */
  readonly v6type: number[] = [];
  /** inet_rcv_saddr as seen by ipv4_rcv_saddr_equal. */
  readonly rcv4: number[] = [];
  readonly loopback: boolean[] = [];
  readonly any: boolean[] = [];
  /** Id used in 4-tuple keys: a v4-mapped v6 address is the same endpoint as its v4 address. */
  readonly norm: number[] = [];

  constructor() {
    this.intern4(0);
    this.intern6([0, 0, 0, 0, 0, 0, 0, 0]);
  }

  get size(): number {
    return this.text.length;
  }

  private add(key: string, text: string, fam: number, v6type: number, rcv4: number, loopback: boolean, any: boolean, norm: number): number {
    const id = this.text.length;
    this.byKey.set(key, id);
    this.text.push(text);
    this.fam.push(fam);
    this.v6type.push(v6type);
    this.rcv4.push(rcv4);
    this.loopback.push(loopback);
    this.any.push(any);
    this.norm.push(norm < 0 ? id : norm);
    return id;
  }

  intern4(v: number): number {
    const key = `4:${v}`;
    const hit = this.byKey.get(key);
    if (hit !== undefined) return hit;
    return this.add(key, v4Text(v), 4, V6_MAPPED, v, (v >>> 24) === 127, v === 0, -1);
  }

  intern6(g: readonly number[]): number {
    const key = `6:${g.join(':')}`;
    const hit = this.byKey.get(key);
    if (hit !== undefined) return hit;
    const isAny = g.every((x) => x === 0);
    const mapped = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
    if (mapped) {
      const v4 = g[6] * 65536 + g[7];
      const n = this.intern4(v4);
      return this.add(key, formatIPv6(g), 6, V6_MAPPED, v4, (v4 >>> 24) === 127, false, n);
    }
    const loop = g.slice(0, 7).every((x) => x === 0) && g[7] === 1;
    return this.add(key, formatIPv6(g), 6, isAny ? V6_ANY : V6_OTHER, isAny ? 0 : LOOPBACK4_IPV6, loop, isAny, -1);
  }

  /**
   * Parses an address for a socket of `family`. IPv4 sockets take dotted quads; IPv6 sockets
   * take IPv6 text (v4-mapped allowed). Returns the id or an error message.
   */
  parse(text: string, family: 4 | 6): number | string {
    const cache = family === 4 ? this.cache4 : this.cache6;
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const r = this.parseUncached(text, family);
    if (typeof r === 'number' && cache.size < 100000) cache.set(text, r);
    return r;
  }
  private readonly cache4 = new Map<string, number>();
  private readonly cache6 = new Map<string, number>();

  private parseUncached(text: string, family: 4 | 6): number | string {
    const t = text.trim().replace(/^\[(.*)\]$/, '$1');
    if (family === 4) {
      const v = parseIPv4(t);
      if (v === null) return parseIPv6(t) ? `an IPv6 address (${text}) on an IPv4 socket` : `not an IPv4 address: ${JSON.stringify(text)}`;
      return this.intern4(v);
    }
    const g = parseIPv6(t);
    if (!g) return parseIPv4(t) !== null ? `an IPv4 address (${text}) on an IPv6 socket (use ::ffff:${t})` : `not an IPv6 address: ${JSON.stringify(text)}`;
    return this.intern6(g);
  }
}

/**
 * inet_rcv_saddr_equal(sk, sk2, match_wildcard): do the bound addresses of two sockets
 * overlap? `fam`/`v6only` are the sockets' families and IPV6_V6ONLY flags.
 */
export function rcvSaddrEqual(
  t: AddrTable,
  fam1: number, a1: number, v6only1: boolean,
  fam2: number, a2: number, v6only2: boolean,
  matchWildcard: boolean,
): boolean {
  if (fam1 === 6) {
    // ipv6_rcv_saddr_equal(); a v4 sk2 has no v6 address and counts as MAPPED
    const type1 = t.v6type[a1];
    const type2 = fam2 === 6 ? t.v6type[a2] : V6_MAPPED;
    if (type1 === V6_MAPPED && type2 === V6_MAPPED) {
      if (!v6only2) {
        const s1 = t.rcv4[a1];
        const s2 = t.rcv4[a2];
        if (s1 === s2) return true;
        return (matchWildcard && s1 === 0) || (matchWildcard && s2 === 0);
      }
      return false;
    }
    if (type1 === V6_ANY && type2 === V6_ANY) return true;
    if (type2 === V6_ANY && matchWildcard && !(v6only2 && type1 === V6_MAPPED)) return true;
    if (type1 === V6_ANY && matchWildcard && !(v6only1 && type2 === V6_MAPPED)) return true;
    if (fam2 === 6 && a1 === a2) return true;
    return false;
  }
  // ipv4_rcv_saddr_equal(sk->rcv_saddr, sk2->rcv_saddr, ipv6_only_sock(sk2), …). A v6 socket
  // bound to a non-mapped specific address never overlaps an IPv4 socket, not even 0.0.0.0
  // (checked on 6.18 here, TCP and UDP: bind(0.0.0.0:p) succeeds next to [::1]:p).
  if (fam2 === 6 && t.v6type[a2] === V6_OTHER) return false;
  if (!(fam2 === 6 && v6only2)) {
    const s1 = t.rcv4[a1];
    const s2 = t.rcv4[a2];
    if (s1 === s2) return true;
    return (matchWildcard && s1 === 0) || (matchWildcard && s2 === 0);
  }
  return false;
}

/** Splits "HOST:PORT" / "[V6]:PORT" into host text and port; error message on bad input. */
export function splitHostPort(s: string): { host: string; port: number } | string {
  const t = s.trim();
  let host: string;
  let portText: string;
  const m6 = /^\[([^\]]+)\]:(\d+)$/.exec(t);
  if (m6) {
    host = m6[1];
    portText = m6[2];
  } else {
    const i = t.lastIndexOf(':');
    if (i <= 0 || t.indexOf(':') !== i) return `bad destination ${JSON.stringify(s)} (expected HOST:PORT, IPv6 as [ADDR]:PORT)`;
    host = t.slice(0, i);
    portText = t.slice(i + 1);
  }
  if (!/^\d{1,5}$/.test(portText)) return `bad port in ${JSON.stringify(s)}`;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `port must be in [1, 65535] in ${JSON.stringify(s)}`;
  return { host, port };
}
