/**
 * `check --cache`: per-file analysis results on disk, keyed by the file's content hash
 * (SHA-256) and its language, in a namespace derived from everything else that decides a
 * result: the tool's version (version.ts, plus the running build's stamp), the resolved
 * configuration object as a whole (config/resolve.ts; never a hand-picked list of fields)
 * and the analyzer options. Layout under the cache directory:
 *   v1/<namespace>/index               path → stat signature + outcome (the stat shortcut), and
 *                                      the results those paths name (checkCacheIndex.ts)
 *   v1/<namespace>/e/<sha256>.<lang>   one analysed file's result
 * Every file is `<sha256 of the payload>\n<payload>`: a truncated or corrupted file
 * fails the check and counts as a miss (the run then rewrites it). Files are written to a
 * temporary name and renamed, so concurrent runs never read a torn file. A cache directory
 * that cannot be written is one warning; the run goes on without storing.
 *
 * The stat shortcut (index) only ever says "this path still holds the content that had no
 * call site" (or was binary, or had the content hash `#<sha256>`, whose stored result is then
 * read without reading the file); it is trusted only when the signature (device, inode, size,
 * mtime and ctime) is unchanged and was recorded at least RACY_MS after the file's last
 * change, so a write in the same timestamp tick as the read cannot hide (Git's racy-clean
 * rule). A file whose result was not stored (an analyzer error) is always read and hashed.
 * The times are Node's plain (double) milliseconds, not bigint ns (a third of the stat's cost
 * in a cached run): a double keeps them to a quarter of a microsecond, and any change after a
 * trusted record moves ctime by at least RACY_MS, far beyond that. The index is written back
 * only when a run changed it; a run over an unchanged tree opens one file (the index) and
 * stats each path.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { AnalysisNote, CallSite, Language } from '../analysis/index';
import { StatIndex, encodeIndex, type IndexEntry } from './checkCacheIndex';

/** The environment variable that overrides the cache directory (as --cache-dir does). */
export const CACHE_DIR_ENV = 'PORT_RANGE_LENS_CACHE_DIR';
/** A file changed this recently (ms) before the run is never trusted by its stat alone. */
const RACY_MS = 2_000;
/** Index entries kept at most (those of paths this run did not visit go first). */
const MAX_INDEX_ENTRIES = 200_000;

/** $PORT_RANGE_LENS_CACHE_DIR, else $XDG_CACHE_HOME/port-range-lens, else ~/.cache/port-range-lens. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env[CACHE_DIR_ENV];
  if (own) return resolve(own);
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec: a relative value is invalid and must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'port-range-lens');
}

/** What is stored for one analysed file. */
export interface CachedResult {
  callSites: CallSite[];
  notes?: AnalysisNote[];
}

/** No call site, a binary file, or the content hash of a stored result (`#<sha256>`). */
export type StatOutcome = 'clean' | 'binary' | `#${string}`;

export interface CheckCacheOptions {
  dir: string;
  version: string;
  /** The resolved configuration object (e.g. ResolvedConfig) the run judges with. */
  config: unknown;
  /** Anything else the results depend on (analyzer options). */
  extra?: unknown;
  /** When the run started (ns since the epoch; default now): the racy-clean rule's clock. */
  startNs?: bigint;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * A canonical JSON text of any value: object keys sorted, undefined and functions left out,
 * typed arrays as the hash of their bytes. Two configurations get the same text exactly
 * when every field that a result can depend on is equal.
 */
export function stableText(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint') return `"${v}n"`;
    return typeof v === 'function' || v === undefined ? 'null' : JSON.stringify(v);
  }
  if (ArrayBuffer.isView(v)) return JSON.stringify({ $bytes: sha256(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) });
  if (Array.isArray(v)) return `[${v.map(stableText).join(',')}]`;
  if (v instanceof Map || v instanceof Set) return `{"$${v.constructor.name}":${stableText([...v])}}`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined && typeof o[k] !== 'function').sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableText(o[k])}`).join(',')}}`;
}

/** The namespace of a version + configuration: a change of either starts an empty cache. */
export function cacheNamespace(o: Pick<CheckCacheOptions, 'version' | 'config' | 'extra'>): string {
  // startNs and dir are not part of the key.
  return sha256(stableText({ schema: 2, version: o.version, config: o.config, extra: o.extra ?? null })).slice(0, 32);
}

/** `<sum>\n<payload>` → the parsed payload, or null when the file is not intact. */
function unseal(raw: string): unknown {
  const nl = raw.indexOf('\n');
  if (nl !== 64) return null;
  const payload = raw.slice(nl + 1);
  if (sha256(payload) !== raw.slice(0, nl)) return null;
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}

/** JSON of a result, or null when a JSON round trip would not give the same values back. */
function faithfulJson(v: unknown): string | null {
  let ok = true;
  const text = JSON.stringify(v, function (_k, x: unknown) {
    if (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0))) ok = false;
    else if (x === undefined && Array.isArray(this)) ok = false;
    else if (x !== null && typeof x === 'object' && !Array.isArray(x) && Object.getPrototypeOf(x) !== Object.prototype) ok = false;
    return x;
  });
  return ok ? text : null;
}

export interface CheckCache {
  /** The stat shortcut: 'clean', 'binary' or `#<hash>` when the path certainly still holds what it held. */
  unchanged(path: string): StatOutcome | null;
  /** Remembers a path's stat (taken before its bytes were read) and what it held. */
  record(path: string, st: Stats, outcome: StatOutcome | null): void;
  get(hash: string, language: Language, file: string): CachedResult | null;
  put(hash: string, language: Language, file: string, result: CachedResult): void;
  /** Writes the index; returns the warnings of the run (an unwritable directory). */
  close(): string[];
  readonly stats: { hits: number; misses: number; shortcuts: number; stored: number };
}

/**
 * The running build (size and mtime of the main script): with the version, a rebuilt or
 * reinstalled tool never reads the results of another build of the same version.
 */
export function buildStamp(): string {
  try {
    const st = statSync(require.main?.filename ?? __filename);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
}

export function contentHash(bytes: Uint8Array): string {
  return sha256(bytes);
}

export function openCheckCache(o: CheckCacheOptions): CheckCache {
  const base = join(o.dir, 'v1', cacheNamespace(o));
  const entries = join(base, 'e');
  const indexPath = join(base, 'index');
  const runStartMs = o.startNs === undefined ? Date.now() : Number(o.startNs / 1_000_000n);
  const warnings: string[] = [];
  let writable: boolean | null = null;
  let seq = 0;
  const stats = { hits: 0, misses: 0, shortcuts: 0, stored: 0 };

  /** Writes `text` to `target` through a temporary name (never a torn file). */
  const write = (target: string, text: string | Buffer): void => {
    if (writable === null) {
      try {
        mkdirSync(entries, { recursive: true });
        writable = true;
      } catch (e) {
        writable = false;
        warnings.push(`cache: cannot create ${base}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; results are not stored`);
      }
    }
    if (!writable) return;
    const tmp = `${target}.${process.pid}.${++seq}.tmp`;
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, target);
    } catch (e) {
      writable = false;
      warnings.push(`cache: cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; results are not stored`);
      try { unlinkSync(tmp); } catch { /* never created */ }
    }
  };

  let index: StatIndex;
  try { index = StatIndex.decode(readFileSync(indexPath)); } catch { index = StatIndex.empty(); /* no index yet: every file is read */ }
  // This run's changes to the index (null: the path's entry is dropped); written on close.
  const changes = new Map<string, IndexEntry | null>();
  // A walked path's directory, absolute, by string (path.resolve per file cost more than the
  // stat); walked paths come directory by directory, so the last one is remembered.
  const cwd = process.cwd() === '/' ? '' : process.cwd();
  const absDir = (rel: string) => (rel === '' || rel === '.' ? cwd || '/' : isAbsolute(rel) ? rel : rel.startsWith('./') ? `${cwd}/${rel.slice(2)}` : `${cwd}/${rel}`);
  let lastRel: string | null = null;
  let lastAbs = '';
  /** [absolute directory, name] of a walked path. */
  const split = (path: string): [string, string] => {
    const slash = path.lastIndexOf('/');
    const rel = slash < 0 ? '' : slash === 0 ? '/' : path.slice(0, slash);
    if (rel !== lastRel) { lastRel = rel; lastAbs = absDir(rel); }
    return [lastAbs, path.slice(slash + 1)];
  };

  /** A stored result (JSON text, call sites without their file) as fresh objects for `file`. */
  // Each stored result is parsed once per run; a file with the same content (a vendored copy)
  // gets its own call-site objects (its `file`) over the same read-only parts.
  const parsed = new Map<string, CachedResult | null>();
  const revive = (key: string, json: string, file: string): CachedResult | null => {
    let r = parsed.get(key);
    if (r === undefined) {
      try { r = JSON.parse(json) as CachedResult; } catch { r = null; }
      if (!r || !Array.isArray(r.callSites)) r = null;
      parsed.set(key, r);
    }
    return r && { ...r, callSites: r.callSites.map((s) => ({ ...s, file })) };
  };

  return {
    stats,
    unchanged(path) {
      const slash = path.lastIndexOf('/');
      const rel = slash < 0 ? '' : slash === 0 ? '/' : path.slice(0, slash);
      if (rel !== lastRel) { lastRel = rel; lastAbs = absDir(rel); }
      const i = index.find(lastAbs, path.slice(slash + 1));
      if (i < 0) return null;
      let st: Stats | undefined;
      try {
        // lstat: a walked file is rarely a link (then the link's target is what was recorded).
        st = lstatSync(path, { throwIfNoEntry: false });
        if (st?.isSymbolicLink()) st = statSync(path, { throwIfNoEntry: false });
      } catch { return null; }
      if (!st || !st.isFile()) return null;
      // Numbers compared as numbers: the cheapest test a cached run makes 10,000 times.
      const outcome = index.match(i, st);
      if (outcome) stats.shortcuts++;
      return outcome;
    },
    record(path, st, outcome) {
      const [dir, name] = split(path);
      const abs = `${dir === '/' ? '' : dir}/${name}`;
      const i = changes.has(abs) ? -1 : index.find(dir, name);
      const known = i >= 0 ? index.entry(i) : changes.get(abs) ?? null;
      // Racy clean: a change in the same timestamp tick as this read could keep the signature.
      const settled = st.ctimeMs + RACY_MS < runStartMs && st.mtimeMs + RACY_MS < runStartMs;
      if (outcome && settled) {
        if (known && known.outcome === outcome && known.dev === st.dev && known.ino === st.ino && known.size === st.size
          && known.mtimeMs === st.mtimeMs && known.ctimeMs === st.ctimeMs) {
          if (i >= 0) index.seen[i] = 1;
          return;
        }
        changes.set(abs, { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, outcome });
      } else if (known) changes.set(abs, null);
    },
    get(hash, language, file) {
      const key = `${hash}.${language}`;
      // First the results the index carries (no file to open), then the entry files.
      const inIndex = index.results.get(key);
      const fromIndex = inIndex === undefined ? null : revive(key, inIndex, file);
      if (fromIndex) { stats.hits++; return fromIndex; }
      let raw: string;
      try { raw = readFileSync(join(entries, key), 'utf8'); } catch { stats.misses++; return null; }
      const e = unseal(raw) as { v?: number; hash?: string; language?: string; result?: CachedResult } | null;
      if (!e || e.v !== 1 || e.hash !== hash || e.language !== language || !e.result || !Array.isArray(e.result.callSites)) {
        stats.misses++;
        return null;
      }
      const json = JSON.stringify(e.result);
      parsed.delete(key);
      const mine = revive(key, json, file)!;
      // Carried by the index from now on (written only if the index changes anyway).
      index.results.set(key, json);
      stats.hits++;
      return mine;
    },
    put(hash, language, file, result) {
      const stored = { ...result, callSites: result.callSites.map((s) => ({ ...s, file: '' })) };
      const json = faithfulJson(stored);
      // Stored only when a JSON round trip is exact and the result names its path nowhere else.
      if (json === null || json.includes(JSON.stringify(file).slice(1, -1))) return;
      const payload = `{"v":1,"hash":${JSON.stringify(hash)},"language":${JSON.stringify(language)},"result":${json}}`;
      write(join(entries, `${hash}.${language}`), `${sha256(payload)}\n${payload}`);
      if (writable) stats.stored++;
      index.results.set(`${hash}.${language}`, json);
    },
    close() {
      if (changes.size) {
        // The recorded entries this run did not change, then this run's; seen ones first when too many.
        const kept: [string, IndexEntry, boolean][] = [];
        for (const e of index.entries()) if (!changes.has(e[0])) kept.push(e);
        for (const [p, e] of changes) if (e) kept.push([p, e, true]);
        const list = kept.length > MAX_INDEX_ENTRIES ? [...kept.filter((e) => e[2]), ...kept.filter((e) => !e[2])].slice(0, MAX_INDEX_ENTRIES) : kept;
        write(indexPath, encodeIndex(list.map(([p, e]) => [p, e]), index.results));
      }
      return warnings;
    },
  };
}
