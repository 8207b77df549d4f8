/**
 * The index file of `check --cache` (checkCache.ts): the stat shortcut of every path a run
 * recorded, and the stored results those paths name, in one file read once per run. A cached
 * run over 10,000 files is one process that runs each line of this code cold, so reading the
 * index does no work per entry: the numbers are read in place, the names of a directory are
 * split when the walk first reaches it, and a lookup in walk order is one string comparison.
 *
 *   <sha256 hex of everything after this line>\n
 *   u32 LE: the length of HEAD; HEAD: JSON {"v":3,"le":bool,"groups":[[dir,"a.c/b.c/…",n],…],
 *     "hashes":[…],"count":N,"results":bytes}; zeros up to a multiple of 8 bytes;
 *   N × 6 float64 (host byte order, "le" says which): dev, ino, size, mtimeMs, ctimeMs, outcome;
 *   the results: one line `<hash>.<language> <result JSON>` per stored result a path names.
 *
 * Paths are grouped by directory (absolute) and, in a group, sorted by name as the walk visits
 * them. An outcome is 0 (clean), 1 (binary) or 2 + k
 * for the content hash hashes[k] of a stored result. Anything that does not decode exactly
 * (a bad checksum, another schema or byte order) is an empty index.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

export const INDEX_SCHEMA = 3;
const LE = endianness() === 'LE';

/** What the stat shortcut knows of one path. */
export interface IndexEntry {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  /** 'clean', 'binary' or the content hash of the stored result. */
  outcome: Outcome;
}
export type Outcome = 'clean' | 'binary' | `#${string}`;

/** The fields of a stat the shortcut compares. */
export interface StatLike { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number }

interface Group {
  dir: string;
  /** The names, `/`-joined until first used. */
  joined: string;
  names: string[] | null;
  /** Index of the group's first entry in the numbers. */
  base: number;
  /** Where the next lookup in walk order is expected. */
  cursor: number;
}

/** Numbers per entry. */
const W = 6;

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
const HASH = /^[0-9a-f]{64}$/;

/** The decoded index: read-only lookups; changes are kept by the caller (checkCache.ts). */
export class StatIndex {
  private readonly byDir = new Map<string, Group>();
  private resultMap: Map<string, string> | null = null;

  private constructor(
    private readonly groups: Group[],
    private readonly hashes: string[],
    private readonly nums: Float64Array,
    private resultText: string,
    /** Which entries this run visited (kept first when the index is too large). */
    readonly seen: Uint8Array,
  ) {
    for (const g of groups) this.byDir.set(g.dir, g);
  }

  static empty(): StatIndex {
    return new StatIndex([], [], new Float64Array(0), '', new Uint8Array(0));
  }

  get size(): number {
    return this.seen.length;
  }

  /** The file's bytes → the index (empty when they do not decode exactly). */
  static decode(buf: Buffer): StatIndex {
    try {
      return StatIndex.decodeOrThrow(buf) ?? StatIndex.empty();
    } catch {
      return StatIndex.empty();
    }
  }

  private static decodeOrThrow(buf: Buffer): StatIndex | null {
    if (buf.length < 69 || buf[64] !== 0x0a || buf.toString('latin1', 0, 64) !== sha256(buf.subarray(65))) return null;
    const headLen = buf.readUInt32LE(65);
    const head = JSON.parse(buf.toString('utf8', 69, 69 + headLen)) as { v?: unknown; le?: unknown; groups?: unknown; hashes?: unknown; count?: unknown; results?: unknown };
    if (head.v !== INDEX_SCHEMA || head.le !== LE || !Array.isArray(head.groups) || !Array.isArray(head.hashes) || typeof head.count !== 'number' || typeof head.results !== 'number') return null;
    const at = (69 + headLen + 7) & ~7;
    const count = head.count;
    if (!Number.isInteger(count) || count < 0 || at + count * W * 8 !== head.results || head.results > buf.length) return null;
    const hashes = head.hashes as unknown[];
    if (!hashes.every((h) => typeof h === 'string' && HASH.test(h))) return null;
    // The numbers in place when aligned (a fresh read is), else one copy.
    const nums = (buf.byteOffset + at) % 8 === 0
      ? new Float64Array(buf.buffer, buf.byteOffset + at, count * W)
      : new Float64Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + count * W * 8));
    const groups: Group[] = [];
    let base = 0;
    for (const g of head.groups as unknown[]) {
      if (!Array.isArray(g) || typeof g[0] !== 'string' || typeof g[1] !== 'string' || typeof g[2] !== 'number') return null;
      groups.push({ dir: g[0], joined: g[1], names: null, base, cursor: 0 });
      base += g[2];
    }
    if (base !== count) return null;
    return new StatIndex(groups, hashes as string[], nums, buf.toString('utf8', head.results), new Uint8Array(count));
  }

  /** The entry number of `dir`/`name` (dir absolute), or -1; in walk order, one comparison. */
  find(dir: string, name: string): number {
    const g = this.byDir.get(dir);
    if (!g) return -1;
    const names = g.names ??= g.joined.split('/');
    if (names[g.cursor] === name) return g.base + g.cursor++;
    let lo = 0;
    let hi = names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (names[mid]! < name) lo = mid + 1;
      else hi = mid;
    }
    if (names[lo] !== name) return -1;
    g.cursor = lo + 1;
    return g.base + lo;
  }

  /** The outcome of entry i (null when the number names none: then nothing is trusted). */
  private outcomeAt(i: number): Outcome | null {
    const o = this.nums[i * W + 5]!;
    if (o === 0) return 'clean';
    if (o === 1) return 'binary';
    const h = this.hashes[o - 2];
    return h === undefined ? null : `#${h}`;
  }

  /** Entry i's outcome when `st` still matches its record (the entry is then seen), else null. */
  match(i: number, st: StatLike): Outcome | null {
    const n = this.nums;
    const o = i * W;
    if (st.ino !== n[o + 1] || st.mtimeMs !== n[o + 3] || st.ctimeMs !== n[o + 4] || st.size !== n[o + 2] || st.dev !== n[o]) return null;
    const outcome = this.outcomeAt(i);
    if (outcome) this.seen[i] = 1;
    return outcome;
  }

  /** Entry i as recorded. */
  entry(i: number): IndexEntry | null {
    const n = this.nums;
    const outcome = this.outcomeAt(i);
    return outcome && { dev: n[i * W]!, ino: n[i * W + 1]!, size: n[i * W + 2]!, mtimeMs: n[i * W + 3]!, ctimeMs: n[i * W + 4]!, outcome };
  }

  /** Every entry: [absolute path, entry, seen by this run]. */
  *entries(): Generator<[string, IndexEntry, boolean]> {
    for (const g of this.groups) {
      const names = g.names ??= g.joined.split('/');
      for (let k = 0; k < names.length; k++) {
        const e = this.entry(g.base + k);
        if (e) yield [`${g.dir === '/' ? '' : g.dir}/${names[k]}`, e, this.seen[g.base + k] === 1];
      }
    }
  }

  /** `<hash>.<language>` → the stored result's JSON text (its call sites' `file` empty). */
  get results(): Map<string, string> {
    if (!this.resultMap) {
      this.resultMap = new Map();
      for (const line of this.resultText.split('\n')) {
        const sp = line.indexOf(' ');
        if (sp > 0) this.resultMap.set(line.slice(0, sp), line.slice(sp + 1));
      }
      this.resultText = '';
    }
    return this.resultMap;
  }
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Entries and results → the file's bytes: the entries grouped by directory, sorted
 * by name in a group, and the results whose hash one of them names.
 */
export function encodeIndex(entries: Iterable<[string, IndexEntry]>, results: ReadonlyMap<string, string>): Buffer {
  const list = [...entries].map(([path, e]) => {
    const slash = path.lastIndexOf('/');
    return { dir: slash === 0 ? '/' : path.slice(0, slash), name: path.slice(slash + 1), e };
  });
  list.sort((a, b) => byName(a.dir, b.dir) || byName(a.name, b.name));
  const groups: [string, string, number][] = [];
  const hashes: string[] = [];
  const hashIndex = new Map<string, number>();
  const nums = new Float64Array(list.length * W);
  let names: string[] = [];
  list.forEach(({ dir, name, e }, i) => {
    const last = groups[groups.length - 1];
    if (!last || last[0] !== dir) {
      if (last) last[1] = names.join('/');
      names = [];
      groups.push([dir, '', 0]);
    }
    names.push(name);
    groups[groups.length - 1]![2]++;
    let o = 0;
    if (e.outcome === 'binary') o = 1;
    else if (e.outcome !== 'clean') {
      const h = e.outcome.slice(1);
      let k = hashIndex.get(h);
      if (k === undefined) { k = hashes.length; hashes.push(h); hashIndex.set(h, k); }
      o = 2 + k;
    }
    nums.set([e.dev, e.ino, e.size, e.mtimeMs, e.ctimeMs, o], i * W);
  });
  if (groups.length) groups[groups.length - 1]![1] = names.join('/');
  let text = '';
  for (const [key, json] of results) {
    if (hashIndex.has(key.slice(0, key.indexOf('.'))) && !json.includes('\n')) text += `${key} ${json}\n`;
  }
  // The head's length decides where the numbers start, and the head names where the results
  // start: settle the offset digits first (at most two rounds).
  let resultsAt = 0;
  let headBytes: Buffer;
  let at: number;
  for (;;) {
    headBytes = Buffer.from(JSON.stringify({ v: INDEX_SCHEMA, le: LE, groups, hashes, count: list.length, results: resultsAt }));
    at = (69 + headBytes.length + 7) & ~7;
    if (at + list.length * W * 8 === resultsAt) break;
    resultsAt = at + list.length * W * 8;
  }
  const out = Buffer.alloc(resultsAt + Buffer.byteLength(text));
  out[64] = 0x0a;
  out.writeUInt32LE(headBytes.length, 65);
  headBytes.copy(out, 69);
  Buffer.from(nums.buffer, nums.byteOffset, nums.byteLength).copy(out, at);
  out.write(text, resultsAt, 'utf8');
  out.write(sha256(out.subarray(65)), 0, 'latin1');
  return out;
}
