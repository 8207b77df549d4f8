/**
 * Loads web-tree-sitter and the C, C++, Python, Go and Rust grammars once per process
 * (C, Python and Go up front by default, C++ and Rust lazily on first use), compiles each
 * language's detection query (queries/<lang>.scm) once per host, and parses documents,
 * re-using the previous tree of the same document for an incremental re-parse.
 *
 * Asset lookup: inside a bundle (dist/cli.js, dist/server.js) the wasm files and queries/
 * sit beside the bundle (__dirname = dist/); when running from sources under tsx they come
 * from node_modules and server/src/analysis/queries.
 */
import { Edit, Language, Parser, Query, type Point, type Range, type Tree } from 'web-tree-sitter';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type GrammarName = 'c' | 'cpp' | 'python' | 'go' | 'rust';
export const GRAMMARS: readonly GrammarName[] = ['c', 'cpp', 'python', 'go', 'rust'];
/**
 * Loaded by createParserHost unless `grammars` says otherwise. C++ (the largest grammar,
 * about 120 ms to load) and Rust are loaded by `ensure` when a file first needs them.
 */
export const EAGER_GRAMMARS: readonly GrammarName[] = ['c', 'python', 'go'];

export interface ParserOptions {
  /** Folder holding web-tree-sitter.wasm and tree-sitter-<lang>.wasm. */
  wasmDir?: string;
  /** Folder holding <lang>.scm. */
  queryDir?: string;
  /**
   * The grammars to load up front (default: EAGER_GRAMMARS). Others are loaded by `ensure`; the CLI
   * loads only what the files it parses need (each grammar's wasm costs start-up time).
   */
  grammars?: readonly GrammarName[];
}

/** Parses never take longer than this (ms); a slower parse is abandoned (no call sites). */
export const PARSE_TIMEOUT_MS = 10_000;

function tryResolve(id: string): string | null {
  try {
    return require.resolve(id);
  } catch {
    return null;
  }
}

/** Where a wasm file lives: the explicit dir, beside the bundle, or in node_modules. */
export function locateWasm(file: string, wasmDir?: string): string {
  const candidates: string[] = [];
  if (wasmDir) candidates.push(join(wasmDir, file));
  candidates.push(join(__dirname, file));
  for (const c of candidates) if (existsSync(c)) return c;
  const pkg = file === 'web-tree-sitter.wasm' ? 'web-tree-sitter' : file.replace(/\.wasm$/, '');
  const r = tryResolve(`${pkg}/${file}`);
  if (r && existsSync(r)) return r;
  throw new Error(`port-range-lens: cannot find ${file} (looked in ${candidates.join(', ')} and node_modules/${pkg})`);
}

export function locateQueryDir(queryDir?: string): string {
  const candidates = [queryDir, join(__dirname, 'queries'), join(__dirname, 'analysis', 'queries')].filter(
    (d): d is string => !!d,
  );
  for (const c of candidates) if (existsSync(c)) return c;
  return candidates[0] ?? join(__dirname, 'queries');
}

let initPromise: Promise<void> | null = null;
const languagePromises = new Map<string, Promise<Language>>();

function initRuntime(wasmDir?: string): Promise<void> {
  if (!initPromise) {
    const runtime = locateWasm('web-tree-sitter.wasm', wasmDir);
    initPromise = Parser.init({ locateFile: () => runtime }).catch((e: unknown) => {
      initPromise = null;
      throw e;
    });
  }
  return initPromise;
}

function loadLanguage(grammar: GrammarName, wasmDir?: string): Promise<Language> {
  const path = locateWasm(`tree-sitter-${grammar}.wasm`, wasmDir);
  let p = languagePromises.get(path);
  if (!p) {
    p = Language.load(path);
    languagePromises.set(path, p);
    p.catch(() => languagePromises.delete(path));
  }
  return p;
}

/** Turns a UTF-16 offset into a tree-sitter point (row, UTF-16 column). */
function pointAt(text: string, index: number, from = 0, fromPoint: Point = { row: 0, column: 0 }): Point {
  let row = fromPoint.row;
  let lineStart = from - fromPoint.column;
  for (let i = from; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      row++;
      lineStart = i + 1;
    }
  }
  return { row, column: index - lineStart };
}

/** The single edit that turns oldText into newText (common prefix and suffix trimmed). */
export function diffEdit(oldText: string, newText: string): Edit | null {
  if (oldText === newText) return null;
  const max = Math.min(oldText.length, newText.length);
  // Common prefix and suffix: whole chunks first (a string compare is much faster than a
  // character loop on a large document), then character by character.
  const CHUNK = 256;
  let p = 0;
  while (p + CHUNK <= max && oldText.slice(p, p + CHUNK) === newText.slice(p, p + CHUNK)) p += CHUNK;
  while (p < max && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  let s = 0;
  const ol = oldText.length;
  const nl = newText.length;
  while (s + CHUNK <= max - p && oldText.slice(ol - s - CHUNK, ol - s) === newText.slice(nl - s - CHUNK, nl - s)) s += CHUNK;
  while (
    s < max - p &&
    oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)
  ) s++;
  const startPosition = pointAt(oldText, p);
  const oldEnd = oldText.length - s;
  const newEnd = newText.length - s;
  return new Edit({
    startIndex: p,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition,
    oldEndPosition: pointAt(oldText, oldEnd, p, startPosition),
    newEndPosition: pointAt(newText, newEnd, p, startPosition),
  });
}

export interface ParserHost {
  /** Loads a grammar (and compiles its query on first use) if not loaded yet. */
  ensure(grammar: GrammarName): Promise<void>;
  /** Whether a grammar is loaded (parse/query/languageOf need it). */
  has(grammar: GrammarName): boolean;
  languageOf(grammar: GrammarName): Language;
  /** The compiled detection query, or null when queries/<lang>.scm is absent or does not compile. */
  query(grammar: GrammarName): Query | null;
  /** Why the query of a grammar is unavailable (missing file or compile error). */
  queryError(grammar: GrammarName): string | null;
  /**
   * Parses text. With an old tree and its text, the tree is edited and re-used (incremental).
   * `ranges`: only these parts of the text are parsed (tree-sitter's included ranges; offsets
   * stay the text's). Returns null when parsing was abandoned (timeout).
   */
  parse(grammar: GrammarName, text: string, old?: { tree: Tree; text: string; edit?: Edit | null } | null, ranges?: Range[]): Tree | null;
  dispose(): void;
}

/** Loads the runtime and the grammars asked for (default all); compiles each query on first use. */
export async function createParserHost(options: ParserOptions = {}): Promise<ParserHost> {
  await initRuntime(options.wasmDir);
  const languages = new Map<GrammarName, Language>();
  const ensure = async (g: GrammarName) => {
    if (!languages.has(g)) languages.set(g, await loadLanguage(g, options.wasmDir));
  };
  for (const g of options.grammars ?? EAGER_GRAMMARS) await ensure(g);
  const queryDir = locateQueryDir(options.queryDir);
  const queries = new Map<GrammarName, Query | null>();
  const queryErrors = new Map<GrammarName, string>();
  const parsers = new Map<GrammarName, Parser>();
  const languageOf = (g: GrammarName): Language => {
    const l = languages.get(g);
    if (!l) throw new Error(`grammar ${g} not loaded`);
    return l;
  };
  const compile = (g: GrammarName): Query | null => {
    if (queries.has(g)) return queries.get(g)!;
    if (!languages.has(g)) return null;
    const file = join(queryDir, `${g}.scm`);
    if (!existsSync(file)) {
      queries.set(g, null);
      queryErrors.set(g, `missing ${file}`);
      return null;
    }
    try {
      queries.set(g, new Query(languages.get(g)!, readFileSync(file, 'utf8')));
    } catch (e) {
      queries.set(g, null);
      queryErrors.set(g, `${file}: ${(e as Error).message || String(e)}`);
    }
    return queries.get(g)!;
  };
  let disposed = false;
  const parserFor = (g: GrammarName): Parser => {
    let p = parsers.get(g);
    if (!p) {
      p = new Parser();
      p.setLanguage(languageOf(g));
      parsers.set(g, p);
    }
    return p;
  };
  return {
    ensure,
    has: (g) => languages.has(g),
    languageOf,
    query: (g) => (disposed ? null : compile(g)),
    queryError: (g) => queryErrors.get(g) ?? (languages.has(g) ? null : `grammar ${g} not loaded`),
    parse(g, text, old, ranges) {
      if (disposed) throw new Error('parser host disposed');
      const parser = parserFor(g);
      let oldTree: Tree | null = null;
      if (old) {
        const edit = old.edit !== undefined ? old.edit : diffEdit(old.text, text);
        if (!edit) oldTree = old.tree;
        else {
          old.tree.edit(edit);
          oldTree = old.tree;
        }
      }
      const deadline = Date.now() + PARSE_TIMEOUT_MS;
      let abandoned = false;
      parser.reset();
      const tree = parser.parse(text, oldTree, {
        ...(ranges ? { includedRanges: ranges } : {}),
        progressCallback: () => {
          if (Date.now() > deadline) abandoned = true;
          return abandoned;
        },
      });
      if (abandoned) {
        parser.reset();
        tree?.delete();
        return null;
      }
      return tree;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const p of parsers.values()) p.delete();
      for (const q of queries.values()) q?.delete();
      parsers.clear();
      queries.clear();
    },
  };
}
