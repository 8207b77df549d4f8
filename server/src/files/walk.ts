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
 * What a file holds (binary, too large) is decided when it is read: see read.ts.
 */
import { promises as fsp, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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
 * errors in walk order. Stop early by leaving the `for await` loop.
 */
export async function* walkFiles(roots: readonly string[], opts: WalkOptions): AsyncGenerator<WalkEvent> {
  const dirsSeen = new Set<string>();
  const filesSeen = new Set<string>();
  const id = (st: Stats) => `${st.dev}:${st.ino}`;

  /** The identity of a file as (real parent directory, name): no stat per plain file. */
  const fileKeyOfLink = async (path: string): Promise<string> => {
    const real = await fsp.realpath(path);
    return `${id(await fsp.stat(dirname(real)))}/${basename(real)}`;
  };

  /** Depth-first over one directory tree with an explicit stack (no recursion depth). */
  async function* walkDir(root: string, rootStat: Stats): AsyncGenerator<WalkEvent> {
    if (dirsSeen.has(id(rootStat))) return;
    dirsSeen.add(id(rootStat));
    type Frame = { path: string; key: string; entries: Dirent[]; i: number };
    const open = async (path: string, key: string): Promise<Frame | WalkEvent> => {
      try {
        const entries = await fsp.readdir(path, { withFileTypes: true });
        return { path, key, entries: entries.sort(byName), i: 0 };
      } catch (e) {
        return { kind: 'error', path, ...errorText(e) };
      }
    };
    const first = await open(root, id(rootStat));
    if ('kind' in first) { yield first; return; }
    const stack: Frame[] = [first];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i >= top.entries.length) { stack.pop(); continue; }
      const e = top.entries[top.i++]!;
      const path = join(top.path, e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name)) continue;
        let st: Stats;
        try { st = await fsp.stat(path); } catch (err) { yield { kind: 'error', path, ...errorText(err) }; continue; }
        if (dirsSeen.has(id(st))) continue;
        dirsSeen.add(id(st));
        const f = await open(path, id(st));
        if ('kind' in f) yield f;
        else stack.push(f);
      } else if (e.isFile()) {
        if (!opts.accept(path)) continue;
        const key = `${top.key}/${e.name}`;
        if (filesSeen.has(key)) continue;
        filesSeen.add(key);
        yield { kind: 'file', path, explicit: false };
      } else if (e.isSymbolicLink()) {
        yield* followLink(path, false);
      } else if (opts.accept(path)) {
        yield { kind: 'note', path, id: 'special-file', message: 'not a regular file (FIFO, socket or device): skipped' };
      }
    }
  }

  /** A symbolic link inside a walked directory, or a root (explicit). */
  async function* followLink(path: string, explicit: boolean): AsyncGenerator<WalkEvent> {
    let st: Stats;
    try {
      st = await fsp.stat(path);
    } catch (e) {
      const { code, message } = errorText(e);
      if (code === 'ENOENT' && !explicit) {
        let target = '?';
        try { target = await fsp.readlink(path); } catch { /* keep '?' */ }
        yield { kind: 'note', path, id: 'dangling-link', message: `dangling symbolic link (to ${JSON.stringify(target)}): skipped` };
      } else if (code === 'ELOOP') {
        yield { kind: 'note', path, id: 'link-loop', message: 'symbolic link loop (ELOOP): skipped' };
      } else {
        yield { kind: 'error', path, code, message };
      }
      return;
    }
    if (st.isDirectory()) {
      if (!explicit && SKIP_DIRS.has(basename(path))) return;
      yield* walkDir(path, st);
      return;
    }
    if (!st.isFile()) {
      if (explicit || opts.accept(path)) yield { kind: 'note', path, id: 'special-file', message: 'not a regular file (FIFO, socket or device): skipped' };
      return;
    }
    if (!opts.accept(path)) {
      if (explicit) yield { kind: 'note', path, id: 'not-source', message: 'not a source file of a supported language: skipped' };
      return;
    }
    let key: string;
    try { key = await fileKeyOfLink(path); } catch (e) { yield { kind: 'error', path, ...errorText(e) }; return; }
    if (filesSeen.has(key)) return;
    filesSeen.add(key);
    yield { kind: 'file', path, explicit };
  }

  for (const root of roots) yield* followLink(root, true);
}
