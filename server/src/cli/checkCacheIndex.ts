/**
 * The index file of `check --cache` (checkCache.ts): the stat shortcut of every path a run
 * recorded, and the stored results those paths name, in one file read once per run. A cached
 * run over 10,000 files spends its time on stats, so this file is made cheap to read:
 *
 *   <sha256 of the rest>\n
 *   {"v":2,"dirs":[[dir, dev, name, ino, size, mtimeMs, ctimeMs, outcome, name, ...], ...]}\n
 *   <hash>.<language> <result JSON>\n      (one line per stored result a path names)
 *
 * Paths are grouped by directory (an absolute path; a group repeats when its files' devices
 * differ), numbers stay numbers (compared as numbers, never formatted), ctimeMs is null when
 * it equals mtimeMs (a file written once), and an outcome is 0 (clean), 1 (binary) or the content
 * hash of a stored result. A result line is parsed only when a run asks for it, so each caller
 * gets its own objects. Anything that does not decode exactly is an empty index.
 */
import { createHash } from 'node:crypto';

export const INDEX_SCHEMA = 2;

/** What the stat shortcut knows of one path. */
export interface IndexEntry {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  /** 'clean', 'binary' or the content hash of the stored result. */
  outcome: 'clean' | 'binary' | `#${string}`;
  /** Visited by this run (the entries kept first when the index is too large). */
  seen: boolean;
}

export interface CacheIndex {
  /** Absolute path → entry. */
  entries: Map<string, IndexEntry>;
  /** `<hash>.<language>` → the stored result's JSON text (its call sites' `file` empty). */
  results: Map<string, string>;
}

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const HASH = /^[0-9a-f]{64}$/;

export function emptyIndex(): CacheIndex {
  return { entries: new Map(), results: new Map() };
}

/** The index file's text → the index (empty when the text is damaged or of another schema). */
export function decodeIndex(raw: string): CacheIndex {
  const index = emptyIndex();
  if (raw.indexOf('\n') !== 64) return index;
  const payload = raw.slice(65);
  if (sha256(payload) !== raw.slice(0, 64)) return index;
  const lines = payload.split('\n');
  let head: { v?: number; dirs?: unknown };
  try { head = JSON.parse(lines[0]!); } catch { return index; }
  if (!head || head.v !== INDEX_SCHEMA || !Array.isArray(head.dirs)) return index;
  for (const g of head.dirs as unknown[]) {
    if (!Array.isArray(g) || typeof g[0] !== 'string' || typeof g[1] !== 'number' || (g.length - 2) % 6 !== 0) return emptyIndex();
    const dir = g[0] === '/' ? '' : g[0];
    const dev = g[1];
    for (let i = 2; i < g.length; i += 6) {
      const [name, ino, size, mtimeMs, ctimeMs, o] = [g[i], g[i + 1], g[i + 2], g[i + 3], g[i + 4], g[i + 5]];
      if (typeof name !== 'string' || typeof ino !== 'number' || typeof size !== 'number' || typeof mtimeMs !== 'number' || (typeof ctimeMs !== 'number' && ctimeMs !== null)) return emptyIndex();
      const outcome = o === 0 ? 'clean' : o === 1 ? 'binary' : typeof o === 'string' && HASH.test(o) ? `#${o}` as const : null;
      if (!outcome) return emptyIndex();
      index.entries.set(`${dir}/${name}`, { dev, ino, size, mtimeMs, ctimeMs: ctimeMs ?? mtimeMs, outcome, seen: false });
    }
  }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const sp = line.indexOf(' ');
    if (sp < 0) return emptyIndex();
    index.results.set(line.slice(0, sp), line.slice(sp + 1));
  }
  return index;
}

/**
 * The index → the file's text: the entries given (in their order, grouped by directory) and
 * the results whose hash one of them names.
 */
export function encodeIndex(entries: Iterable<[string, IndexEntry]>, results: ReadonlyMap<string, string>): string {
  const groups: (string | number | null)[][] = [];
  const named = new Set<string>();
  let group: (string | number | null)[] | null = null;
  for (const [path, e] of entries) {
    const slash = path.lastIndexOf('/');
    const dir = slash === 0 ? '/' : path.slice(0, slash);
    if (!group || group[0] !== dir || group[1] !== e.dev) groups.push(group = [dir, e.dev]);
    const outcome = e.outcome === 'clean' ? 0 : e.outcome === 'binary' ? 1 : e.outcome.slice(1);
    if (typeof outcome === 'string') named.add(outcome);
    group.push(path.slice(slash + 1), e.ino, e.size, e.mtimeMs, e.ctimeMs === e.mtimeMs ? null : e.ctimeMs, outcome);
  }
  let payload = JSON.stringify({ v: INDEX_SCHEMA, dirs: groups });
  for (const [key, json] of results) {
    if (named.has(key.slice(0, key.indexOf('.'))) && !json.includes('\n')) payload += `\n${key} ${json}`;
  }
  return `${sha256(payload)}\n${payload}`;
}
