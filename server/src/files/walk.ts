/**
 * The one file walker of the project (the `check` CLI and the editor's workspace scan): plain
 * Node `fs`, no editor or LSP module. Rules, in one place:
 * - directories named in SKIP_DIRS are not entered;
 * - every real directory (device + inode) is walked once, however many paths or symbolic
 *   links lead to it: a link cycle or two links to `.` cannot make the walk repeat or grow;
 * - a file reached twice (two roots, a link to a file beside it) is reported once;
 * - a dangling link, a link loop (ELOOP) or a FIFO/socket/device with a source name is a
 *   note, never a failure; an unreadable directory or a root that does not exist is an error;
 * - entries are visited in name order, depth first (stable output).
 * What a file holds (binary, too large) is decided when it is read: see read.ts. Which names
 * are source files is the caller's `accept` (languageForPath: .c .h .cc .cpp .cxx .hpp .hh .py
 * .go, and .rs once the Rust adapter registers it).
 * APIs: walkFilesSync (a generator; the CLI) and walkFiles (an async iterator over the same
 * walk that yields to the event loop; the language server's workspace scan).
 */
import { readdirSync, readlinkSync, realpathSync, statSync, type BigIntStats, type Dirent } from 'node:fs';
import { basename, dirname, normalize } from 'node:path';

/** Directories never entered (version control metadata, installed dependencies). */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.hg', '.svn']);

export type WalkNoteId = 'dangling-link' | 'link-loop' | 'special-file' | 'not-source';

export type WalkEvent =
  /** A file to check; `explicit` when it was named as a root. */
  | { kind: 'file'; path: string; explicit: boolean }
  /** Worth telling, not a failure (the walk goes on). */
  | { kind: 'note'; path: string; id: WalkNoteId; message: string }
  /** An I/O error (a root that does not exist, an unreadable directory). */
  | { kind: 'error'; path: string; code: string; message: string };

export interface WalkOptions {
  /** Which file names are source files (e.g. languageForPath(p) !== null). */
  accept(path: string): boolean;
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function errorText(e: unknown): { code: string; message: string } {
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? 'EIO';
  const message = code === 'ENOENT' ? 'no such file or directory'
    : code === 'EACCES' ? 'permission denied'
    : err.message;
  return { code, message };
}

/**
 * Walks `roots` (files or directories) and yields every source file once, with notes and
 * errors in walk order; stop early by leaving the loop. Synchronous file system calls (one
 * readdir and one stat per directory, a stat per symbolic link): the fastest for the CLI.
 */
export function* walkFilesSync(roots: readonly string[], opts: WalkOptions): Generator<WalkEvent> {
  // Every directory entered, by device + inode, with its entries (kept: a link to a file is
  // matched against them, so a plain file needs no bookkeeping of its own).
  const dirsSeen = new Map<string, Frame>();
  // Files reached through a link or named as a root, by (real directory, name).
  const linkedSeen = new Set<string>();
  // 64-bit inode numbers need bigint stats (a double would merge distinct inodes).
  const id = (st: BigIntStats) => `${st.dev}:${st.ino}`;
  const stat = (path: string) => statSync(path, { bigint: true });

  type Frame = { path: string; prefix: string; key: string; entries: Dirent[]; i: number };
  const stack: Frame[] = [];
  const pending: WalkEvent[] = [];

  /** Enters a directory once per device + inode: pushes a frame, or an error event. */
  const enter = (path: string, st: BigIntStats): void => {
    const key = id(st);
    if (dirsSeen.has(key)) return;
    try {
      const entries = readdirSync(path, { withFileTypes: true });
      const frame = { path, prefix: dirPrefix(path), key, entries: entries.sort(byName), i: 0 };
      dirsSeen.set(key, frame);
      stack.push(frame);
    } catch (e) {
      dirsSeen.set(key, { path, prefix: '', key, entries: [], i: 0 });
      pending.push({ kind: 'error', path, ...errorText(e) });
    }
  };

  /**
   * Whether the walk of a directory already gave the plain file `name` (an accepted regular
   * file among the entries it has passed): then a link to it, or naming it again, adds nothing.
   */
  const walkedAsPlain = (frame: Frame, name: string): boolean => {
    let lo = 0;
    let hi = frame.i;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (frame.entries[mid]!.name < name) lo = mid + 1;
      else hi = mid;
    }
    const e = frame.entries[lo];
    return lo < frame.i && e !== undefined && e.name === name && e.isFile() && opts.accept(frame.prefix + name);
  };

  /** A symbolic link inside a walked directory, or a root (explicit). */
  const followLink = (path: string, explicit: boolean): void => {
    let st: BigIntStats;
    try {
      st = stat(path);
    } catch (e) {
      const { code, message } = errorText(e);
      if (code === 'ENOENT' && !explicit) {
        let target = '?';
        try { target = readlinkSync(path); } catch { /* keep '?' */ }
        pending.push({ kind: 'note', path, id: 'dangling-link', message: `dangling symbolic link (to ${JSON.stringify(target)}): skipped` });
      } else if (code === 'ELOOP') {
        pending.push({ kind: 'note', path, id: 'link-loop', message: 'symbolic link loop (ELOOP): skipped' });
      } else {
        pending.push({ kind: 'error', path, code, message });
      }
      return;
    }
    if (st.isDirectory()) {
      if (explicit || !SKIP_DIRS.has(basename(path))) enter(path, st);
      return;
    }
    if (!st.isFile()) {
      if (explicit || opts.accept(path)) pending.push({ kind: 'note', path, id: 'special-file', message: SPECIAL });
      return;
    }
    if (!opts.accept(path)) {
      if (explicit) pending.push({ kind: 'note', path, id: 'not-source', message: 'not a source file of a supported language: skipped' });
      return;
    }
    // The identity of the file as (real parent directory, name): no stat per plain file.
    let dirKey: string;
    let name: string;
    try {
      const real = realpathSync.native(path);
      dirKey = id(stat(dirname(real)));
      name = basename(real);
    } catch (e) { pending.push({ kind: 'error', path, ...errorText(e) }); return; }
    const key = `${dirKey}/${name}`;
    if (linkedSeen.has(key)) return;
    const frame = dirsSeen.get(dirKey);
    if (frame && walkedAsPlain(frame, name)) return;
    linkedSeen.add(key);
    pending.push({ kind: 'file', path, explicit });
  };

  // One generator, depth first with an explicit stack (no recursion, no yield* chains).
  for (const root of roots) {
    followLink(root, true);
    for (;;) {
      while (pending.length) yield pending.shift()!;
      const top = stack[stack.length - 1];
      if (!top) break;
      if (top.i >= top.entries.length) { stack.pop(); continue; }
      const e = top.entries[top.i++]!;
      const path = top.prefix + e.name;
      if (e.isFile()) {
        if (!opts.accept(path)) continue;
        // Reached before through a link or as a root (rare: the set is usually empty).
        if (linkedSeen.size !== 0 && linkedSeen.has(`${top.key}/${e.name}`)) continue;
        yield { kind: 'file', path, explicit: false };
      } else if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name)) continue;
        try { enter(path, stat(path)); } catch (err) { pending.push({ kind: 'error', path, ...errorText(err) }); }
      } else if (e.isSymbolicLink()) {
        followLink(path, false);
      } else if (opts.accept(path)) {
        pending.push({ kind: 'note', path, id: 'special-file', message: SPECIAL });
      }
    }
  }
}

const SPECIAL = 'not a regular file (FIFO, socket or device): skipped';

/**
 * join(dir, name) for a directory entry without join's normalisation per entry (a tenth of a
 * cached run's time): `name` comes from readdir (no `/`, never `.` or `..`), so normalising
 * `dir` alone gives the same string.
 */
export function childPath(dir: string, name: string): string {
  return dirPrefix(dir) + name;
}

/** What childPath puts before an entry's name: the normalised directory and a `/` ('' for `.`). */
function dirPrefix(dir: string): string {
  let d = normalized.get(dir);
  if (d === undefined) {
    d = normalize(dir);
    if (d.length > 1 && d.endsWith('/')) d = d.slice(0, -1);
    d = d === '.' ? '' : d === '/' ? '/' : `${d}/`;
    if (normalized.size > 4096) normalized.clear();
    normalized.set(dir, d);
  }
  return d;
}
const normalized = new Map<string, string>();

/**
 * The same walk as an async iterator for long-running hosts (the language server's workspace
 * scan): it gives the event loop a turn every `sliceMs` (default 8 ms) of walking, so requests
 * are answered while a large tree is walked.
 */
export async function* walkFiles(roots: readonly string[], opts: WalkOptions & { sliceMs?: number }): AsyncGenerator<WalkEvent> {
  const slice = opts.sliceMs ?? 8;
  let since = Date.now();
  for (const e of walkFilesSync(roots, opts)) {
    yield e;
    if (Date.now() - since >= slice) {
      await new Promise<void>((r) => setImmediate(r));
      since = Date.now();
    }
  }
}
