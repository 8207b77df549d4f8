/**
 * One C file being analysed (base of CFile): the detection query run only around the call
 * sites and the top-level items, its macros, enums, structs, typedefs, and function lookup.
 */
import type { Node } from 'web-tree-sitter';
import type { Folded, IntType } from '../../core/numeric';
import { Evaluator } from '../../core/treeFold';
import type { AdapterInput } from '../types';
import { MAX_START_DEPTH } from '../../core/matches';
import { Env, FunctionInfo, Macro, SNIPPET_CACHE_MAX, Scope, VarSym, clearSnippets, declaredName, isTopLevel, namedArgs, snippetCache, snippets } from './syntax';

export abstract class CFileBase {
  readonly root: Node;
  readonly macros = new Map<string, Macro>();
  readonly enumNodes: Node[] = [];
  protected enumValues: Map<string, Folded> | null = null;
  readonly structs = new Map<string, Node>();
  readonly typedefs = new Map<string, { type: Node | null; declarator: Node }>();
  readonly sockoptCalls: Node[] = [];
  readonly sockCalls: Node[] = [];
  protected scopes = new Map<number, Scope>();
  protected globals: Scope | null = null;
  protected macroCache = new Map<string, Node | null>();
  readonly expanding = new Set<string>();
  /** Evaluation modes. */
  intent = false;
  shiftSink: ((node: Node, left: Folded, right: Folded) => void) | null = null;
  sawSwap = false;
  env: Env = { bind: new Map(), fn: null };
  readonly ev: Evaluator;
  protected valueFunctions = new Map<string, { info: FunctionInfo; expr: Node; ret: IntType | null } | null>();

  constructor(readonly input: AdapterInput) {
    if (snippets.liveFiles === 0 && snippetCache.size > SNIPPET_CACHE_MAX) clearSnippets();
    snippets.liveFiles++;
    this.root = input.tree.rootNode;
    this.ev = new Evaluator(
      {
        language: 'c',
        identifier: (n) => this.identifier(n),
        call: (n) => this.call(n),
        other: (n) => this.other(n),
        onShift: (n, l, r) => this.shiftSink?.(n, l, r),
      },
      { maxDepth: 150, maxSteps: input.maxSteps ?? 400_000 },
    );
    try {
      this.collect();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  dispose(): void {
    snippets.liveFiles = Math.max(0, snippets.liveFiles - 1);
  }

  /** Byte ranges already run through the query (dedupe when a range is asked twice). */
  protected queried = new Set<string>();
  protected seen = new Set<number>();
  protected fnCache = new Map<number, FunctionInfo | null>();

  /**
   * Runs the detection query only where it can find something: the top-level items that
   * are not function bodies (macros, enums, structs, typedefs, globals) and the functions
   * (or top-level items) around each textual "sockopt". A restricted query cursor skips the
   * rest of the tree, so a large file with few call sites costs little more than its parse.
   */
  protected collect(): void {
    const ranges: [number, number][] = [];
    // 1. Top-level items other than function definitions (descending into #if blocks).
    const visit = (n: Node, depth: number) => {
      const cursor = n.walk();
      try {
        if (!cursor.gotoFirstChild()) return;
        let open: [number, number] | null = null;
        do {
          // The type first, from the cursor: most items are functions, never materialised.
          const t = cursor.nodeType;
          if (t === 'function_definition' || t === 'compound_statement') { open = null; continue; }
          const c = cursor.currentNode;
          if (depth < 8 && /^preproc_(if|ifdef|else|elif|elifdef)$/.test(t) && c.descendantsOfType('function_definition').length) {
            open = null;
            visit(c, depth + 1);
            continue;
          }
          if (t === 'comment' || t === 'expression_statement' && c.text.trim() === ';') continue;
          if (open && open[1] <= c.startIndex && c.startIndex - open[1] < 4096) open[1] = c.endIndex;
          else { open = [c.startIndex, c.endIndex]; ranges.push(open); }
        } while (cursor.gotoNextSibling());
      } finally {
        cursor.delete();
      }
    };
    visit(this.root, 0);
    // 2. Around every "sockopt" in the text: its function, or its top-level item.
    // Every occurrence (no cap: issue 9 dropped call sites after the 20,000th); the search
    // resumes after each item, so the loop is linear in the text.
    const re = /sockopt/gi;
    let m: RegExpExecArray | null;
    let coveredUntil = -1;
    while ((m = re.exec(this.input.text))) {
      if (m.index < coveredUntil) {
        re.lastIndex = coveredUntil;
        continue;
      }
      const leaf = this.root.descendantForIndex(m.index, m.index + 7);
      if (!leaf) continue;
      const fn = this.functionNodeAt(leaf);
      let item: Node = fn ?? leaf;
      if (!fn) for (let i = 0; i < 64 && item.parent && item.parent.id !== this.root.id; i++) item = item.parent;
      ranges.push([item.startIndex, item.endIndex]);
      coveredUntil = item.endIndex;
    }
    // The ranges in the order above (so every capture is met in the same order); each run
    // with the next ones when only whitespace separates them (the pruned text of `check`
    // leaves blank lines between the kept items), one query run for all of them.
    const text = this.input.text;
    for (let k = 0; k < ranges.length;) {
      const [a] = ranges[k]!;
      let b = ranges[k]![1];
      let j = k + 1;
      while (j < ranges.length) {
        const [c, d] = ranges[j]!;
        if (c < b || c - b > 4096 || !/^[ \t\r\n\f\v]*$/.test(text.slice(b, c))) break;
        b = Math.max(b, d);
        j++;
      }
      if (j === k + 1) this.runQuery(a, b);
      else {
        const parts = ranges.slice(k, j).map(([x, y]) => `${x}:${y}`);
        if (!parts.every((key) => this.queried.has(key))) {
          this.runQuery(a, b);
          for (const key of parts) this.queried.add(key);
        }
      }
      k = j;
    }
  }

  protected runQuery(startIndex: number, endIndex: number): void {
    const key = `${startIndex}:${endIndex}`;
    if (this.queried.has(key)) return;
    this.queried.add(key);
    const q = this.input.query;
    // maxStartDepth: a 100,000-deep f(f(f(...))) otherwise keeps one in-progress match per
    // level and the query cursor goes quadratic (167 s measured); call sites sit far shallower.
    for (const m of q.matches(this.root, { startIndex, endIndex, maxStartDepth: MAX_START_DEPTH })) {
      const cap = (name: string) => m.captures.find((c) => c.name === name)?.node ?? null;
      const main = m.captures[m.captures.length - 1]?.node;
      const anchor = cap('sockopt') ?? cap('sockop') ?? cap('macro') ?? cap('fmacro') ?? cap('enums') ?? cap('struct') ?? cap('typedef') ?? main;
      if (!anchor || this.seen.has(anchor.id)) continue;
      this.seen.add(anchor.id);
      const sockopt = cap('sockopt');
      if (sockopt) { this.sockoptCalls.push(sockopt); continue; }
      const sockcall = cap('sockop');
      if (sockcall) { this.sockCalls.push(sockcall); continue; }
      const macro = cap('macro');
      if (macro) {
        const name = cap('macro.name')!.text;
        this.macros.set(name, { name, params: null, body: macro.childForFieldName('value')?.text ?? '', node: macro });
        continue;
      }
      const fmacro = cap('fmacro');
      if (fmacro) {
        const name = cap('fmacro.name')!.text;
        const params = namedArgs(cap('fmacro.params')).map((p) => p.text);
        this.macros.set(name, { name, params, body: fmacro.childForFieldName('value')?.text ?? '', node: fmacro });
        continue;
      }
      const enums = cap('enums');
      if (enums) { this.enumNodes.push(enums); continue; }
      const st = cap('struct');
      if (st) { this.structs.set(cap('struct.name')!.text, st); continue; }
      const td = cap('typedef');
      if (td) {
        const type = td.childForFieldName('type');
        for (const d of td.childrenForFieldName('declarator')) {
          const nm = d && declaredName(d);
          if (nm && d) this.typedefs.set(nm.text, { type, declarator: d });
        }
      }
    }
    this.sockoptCalls.sort((a, b) => a.startIndex - b.startIndex);
    this.sockCalls.sort((a, b) => a.startIndex - b.startIndex);
  }

  protected buckets: Map<number, { sockopt: Node[]; sockcall: Node[] }> | null = null;
  protected bucketed = { sockopt: 0, sockcall: 0 };

  /** The socket calls inside one function, in source order (bucketed once per file). */
  callsIn(fn: FunctionInfo, kind: 'sockopt' | 'sockcall'): Node[] {
    this.ensureQueried(fn);
    this.buckets ??= new Map();
    const all = kind === 'sockopt' ? this.sockoptCalls : this.sockCalls;
    if (this.bucketed[kind] !== all.length) {
      for (const b of this.buckets.values()) b[kind] = [];
      for (const c of all) {
        const fnNode = this.functionNodeAt(c);
        if (!fnNode) continue;
        let b = this.buckets.get(fnNode.id);
        if (!b) { b = { sockopt: [], sockcall: [] }; this.buckets.set(fnNode.id, b); }
        b[kind].push(c);
      }
      this.bucketed[kind] = all.length;
    }
    return this.buckets.get(fn.node.id)?.[kind] ?? [];
  }

  /** Makes sure the query ran over a function (a helper's caller has no "sockopt" of its own). */
  ensureQueried(fn: FunctionInfo): void {
    this.runQuery(fn.node.startIndex, fn.node.endIndex);
  }

  /** The function_definition around a node (bounded walk up: parent lookups cost O(depth)). */
  protected functionNodeAt(n: Node): Node | null {
    let p: Node | null = n;
    for (let i = 0; p && i < 256; i++) {
      const t = p.type; // one read: each crosses into the parser
      if (t === 'function_definition') return p;
      // A body at top level: a function defined through a macro (TEST_F(a, b) { ... }),
      // which tree-sitter parses as a call followed by a block.
      if (t === 'compound_statement' && isTopLevel(p)) return p;
      p = p.parent;
    }
    return null;
  }

  protected functionInfo(fn: Node): FunctionInfo | null {
    if (this.fnCache.has(fn.id)) return this.fnCache.get(fn.id)!;
    let info: FunctionInfo | null = null;
    if (fn.type === 'compound_statement') {
      const prev = fn.previousNamedSibling;
      const name = prev?.type === 'expression_statement' ? prev.namedChild(0)?.childForFieldName('arguments')?.namedChild(1)?.text ?? '' : '';
      info = { node: fn, name, params: [], body: fn };
      this.fnCache.set(fn.id, info);
      return info;
    }
    const body = fn.childForFieldName('body');
    let d: Node | null = fn.childForFieldName('declarator');
    for (let i = 0; d && d.type !== 'function_declarator' && i < 16; i++) d = d.childForFieldName('declarator');
    if (body && d) {
      const name = declaredName(d.childForFieldName('declarator'))?.text ?? '';
      const params: VarSym[] = [];
      let idx = 0;
      for (const p of namedArgs(d.childForFieldName('parameters'))) {
        if (p.type !== 'parameter_declaration') continue;
        const decl = p.childForFieldName('declarator');
        const nm = decl && declaredName(decl);
        if (nm && decl) {
          params.push({
            name: nm.text, typeNode: p.childForFieldName('type'), declarator: decl, init: null, assigns: [],
            parts: new Map(), mutated: false, isParam: true, paramIndex: idx, pos: p.startIndex,
          });
        }
        idx++;
      }
      info = { node: fn, name, params, body };
    } else if (body && fn.childForFieldName('declarator')?.type === 'parenthesized_declarator') {
      // A body inside an unknown macro invocation (kselftest's TEST(name) { ... },
      // FIXTURE_SETUP(x) { ... }): tree-sitter reads `TEST(name)` as a type and a declarator
      // in parentheses. Analysed like a function body without parameters.
      info = { node: fn, name: '', params: [], body };
    }
    this.fnCache.set(fn.id, info);
    return info;
  }

  functionAt(n: Node): FunctionInfo | null {
    if (n.tree !== this.input.tree) return null;
    const fn = this.functionNodeAt(n);
    return fn ? this.functionInfo(fn) : null;
  }

  // --- symbol tables -------------------------------------------------------------------

  // Implemented by CFile (c/fold.ts): the evaluator's hooks and the evaluation mode.
  protected abstract identifier(n: Node): Folded | undefined;
  protected abstract call(n: Node): Folded | undefined;
  protected abstract other(n: Node): Folded | undefined;
  abstract withMode<T>(intent: boolean, fn: () => T): T;
}
