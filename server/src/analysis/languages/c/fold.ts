/**
 * CFile: folding C expressions over the symbol model (macros with and without arguments,
 * enums, variables, casts, sizeof, byte swaps, static inline value functions).
 */
import { Parser, type Node } from 'web-tree-sitter';
import { INT, UINT, UNKNOWN, bswap16, bswap32, known, wrap, type Folded, type IntType } from '../../core/numeric';
import { BUILTIN, BYTE_SWAP16, BYTE_SWAP32, Env, FunctionInfo, Macro, RETURN_TYPES, UNKNOWN_TYPE, clearSnippets, namedArgs, snippetCache, snippets } from './syntax';
import { CFileTypes } from './types';

export class CFile extends CFileTypes {
  withMode<T>(intent: boolean, fn: () => T): T {
    const prev = this.intent;
    this.intent = intent;
    try {
      return fn();
    } finally {
      this.intent = prev;
    }
  }

  withEnv<T>(env: Env, fn: () => T): T {
    const prev = this.env;
    this.env = env;
    try {
      return fn();
    } finally {
      this.env = prev;
    }
  }

  protected enums(): Map<string, Folded> {
    if (this.enumValues) return this.enumValues;
    const map = new Map<string, Folded>();
    this.enumValues = map;
    for (const list of this.enumNodes) {
      let next: bigint | null = 0n;
      for (const e of namedArgs(list)) {
        if (e.type !== 'enumerator') continue;
        const name = e.childForFieldName('name')?.text;
        const vn = e.childForFieldName('value');
        const v: bigint | null = vn ? this.withEnv({ bind: new Map(), fn: null }, () => this.ev.fold(vn).value) : next;
        if (name) map.set(name, { value: v, type: INT });
        next = v === null ? null : v + 1n;
      }
    }
    return map;
  }

  /** Parses a macro body as an expression (cached per macro). */
  macroExpr(m: Macro): Node | null {
    if (this.macroCache.has(m.name)) return this.macroCache.get(m.name)!;
    let node: Node | null = null;
    const body = m.body.replace(/\\\r?\n/g, ' ').trim();
    if (body && body.length < 4000) {
      const lang = this.input.tree.language;
      if (!snippets.parser || snippets.language !== lang) {
        snippets.parser?.delete();
        clearSnippets();
        snippets.parser = new Parser();
        snippets.parser.setLanguage(lang);
        snippets.language = lang;
      }
      // The same body (a macro copied into many files) is parsed once per process.
      const cached = snippetCache.get(body);
      if (cached !== undefined) node = cached.node;
      else {
        const tree = snippets.parser.parse(`long __prl_macro = (${body}\n);`);
        if (tree) {
          const decl = tree.rootNode.namedChild(0);
          const init = decl?.type === 'declaration' ? decl.childForFieldName('declarator')?.childForFieldName('value') ?? null : null;
          node = init && !tree.rootNode.hasError ? init : null;
        }
        snippetCache.set(body, { tree: tree ?? null, node });
      }
    }
    this.macroCache.set(m.name, node);
    return node;
  }

  protected expandMacro(m: Macro, args: Node[] | null): Folded {
    if (this.expanding.has(m.name)) return UNKNOWN; // recursion guard: self-referencing macro
    const expr = this.macroExpr(m);
    if (!expr) return UNKNOWN;
    const bind = new Map<string, Folded>();
    if (m.params) {
      if (!args || args.length !== m.params.filter((p) => p !== '...').length) return UNKNOWN;
      m.params.forEach((p, i) => { if (p !== '...') bind.set(p, this.ev.fold(args[i]!)); });
    }
    this.expanding.add(m.name);
    try {
      return this.withEnv({ bind, fn: null }, () => this.ev.nested(() => this.ev.fold(expr), UNKNOWN));
    } finally {
      this.expanding.delete(m.name);
    }
  }

  protected identifier(n: Node): Folded | undefined {
    const name = n.text;
    const b = this.env.bind.get(name);
    if (b) return b;
    // Macro bodies live in their own snippet tree: only macros, enums, globals and builtins.
    const inMain = n.tree === this.input.tree;
    if (inMain) {
      const sym = this.lookupVar(name, n, this.env.fn);
      if (sym) {
        const t = this.typeOfVar(sym);
        const it = t.kind === 'int' ? t.int : null;
        const vn = this.valueNode(sym, n);
        if (!vn || sym.isParam) return { value: null, type: it };
        const fnOfSym = sym.isParam ? this.env.fn : this.functionAt(sym.declarator);
        const f = this.ev.nested(
          () => this.withEnv({ bind: fnOfSym === this.env.fn ? this.env.bind : new Map(), fn: fnOfSym }, () => this.ev.fold(vn)),
          UNKNOWN,
        );
        if (f.value === null || !it) return { value: f.value, type: it };
        return { value: wrap(f.value, it), type: it };
      }
    } else if (this.env.fn === null) {
      const g = this.globalScope().vars.get(name);
      if (g && g.length) {
        const sym = g[g.length - 1]!;
        const vn = this.valueNode(sym);
        const t = this.typeOfVar(sym);
        const it = t.kind === 'int' ? t.int : null;
        if (!vn) return { value: null, type: it };
        const f = this.ev.nested(() => this.withEnv({ bind: new Map(), fn: null }, () => this.ev.fold(vn)), UNKNOWN);
        return { value: f.value === null || !it ? f.value : wrap(f.value, it), type: it };
      }
    }
    const e = this.enums().get(name);
    if (e) return e;
    const m = this.macros.get(name);
    if (m && m.params === null) return this.expandMacro(m, null);
    if (name in BUILTIN && !this.macros.has(name)) return known(BUILTIN[name]!, INT);
    return undefined;
  }

  protected call(n: Node): Folded | undefined {
    const fnNode = n.childForFieldName('function');
    const name = fnNode?.type === 'identifier' ? fnNode.text : '';
    const args = namedArgs(n.childForFieldName('arguments'));
    const little = this.input.hostByteOrder === 'little';
    if (BYTE_SWAP16.test(name) && args.length === 1) {
      const a = this.ev.fold(args[0]!);
      if (a.value === null) return { value: null, type: { bits: 16, unsigned: true } };
      if (this.intent || !little) { if (little) this.sawSwap = true; return known(BigInt.asUintN(16, a.value), { bits: 16, unsigned: true }); }
      this.sawSwap = true;
      return known(bswap16(a.value), { bits: 16, unsigned: true });
    }
    if (BYTE_SWAP32.test(name) && args.length === 1) {
      const a = this.ev.fold(args[0]!);
      if (a.value === null) return { value: null, type: UINT };
      if (this.intent || !little) { if (little) this.sawSwap = true; return known(BigInt.asUintN(32, a.value), UINT); }
      this.sawSwap = true;
      return known(bswap32(a.value), UINT);
    }
    const m = this.macros.get(name);
    if (m && m.params !== null) return this.expandMacro(m, args);
    const vf = name ? this.valueFunction(name) : null;
    if (vf && args.length === vf.info.params.length && !this.expanding.has(`${name}()`)) {
      // One level into a project function that returns one expression (pack_range(lo, hi)).
      const bind = new Map<string, Folded>();
      vf.info.params.forEach((p, i) => {
        const v = this.ev.fold(args[i]!);
        const t = this.typeOfVar(p);
        bind.set(p.name, t.kind === 'int' ? { value: v.value === null ? null : wrap(v.value, t.int), type: t.int } : v);
      });
      this.expanding.add(`${name}()`);
      try {
        const r = this.withEnv({ bind, fn: vf.info }, () => this.ev.nested(() => this.ev.fold(vf.expr), UNKNOWN));
        return vf.ret && r.value !== null ? { value: wrap(r.value, vf.ret), type: vf.ret } : r;
      } finally {
        this.expanding.delete(`${name}()`);
      }
    }
    return undefined;
  }


  /** A function defined in this file whose body has exactly one `return expr;`. */
  valueFunction(name: string): { info: FunctionInfo; expr: Node; ret: IntType | null } | null {
    if (this.valueFunctions.has(name)) return this.valueFunctions.get(name)!;
    let found: { info: FunctionInfo; expr: Node; ret: IntType | null } | null = null;
    const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\s*\\(`, 'g');
    const text = this.input.text;
    let m: RegExpExecArray | null;
    let guard = 0;
    while (!found && (m = re.exec(text)) && guard++ < 2000) {
      const id = this.root.descendantForIndex(m.index, m.index + name.length);
      if (id?.type !== 'identifier' || id.parent?.type !== 'function_declarator') continue;
      const fdecl = id.parent;
      const def = fdecl.parent;
      if (def?.type !== 'function_definition') continue; // pointer-returning functions are not followed
      const info = this.functionInfo(def);
      if (!info) continue;
      const returns: Node[] = [];
      this.walk(info.body, RETURN_TYPES, (n) => { returns.push(n); });
      const expr = returns.length === 1 ? returns[0]!.namedChildren.find((c) => c && c.type !== 'comment') ?? null : null;
      if (!expr) continue;
      const t = this.typeOfSpecifier(def.childForFieldName('type'));
      found = { info, expr, ret: t.kind === 'int' ? t.int : null };
    }
    this.valueFunctions.set(name, found);
    return found;
  }

  protected other(n: Node): Folded | undefined {
    switch (n.type) {
      case 'cast_expression': {
        const td = n.childForFieldName('type');
        const t = td ? this.typeOf(td.childForFieldName('type'), td.childForFieldName('declarator')) : UNKNOWN_TYPE;
        const v = this.ev.fold(n.childForFieldName('value'));
        if (t.kind !== 'int') return t.kind === 'pointer' ? v : { value: null, type: null };
        return { value: v.value === null ? null : wrap(v.value, t.int), type: t.int };
      }
      case 'sizeof_expression': {
        const s = this.sizeofNode(n);
        return s === null ? undefined : known(s, { bits: 64, unsigned: true });
      }
      case 'compound_literal_expression': {
        const td = n.childForFieldName('type');
        const t = td ? this.typeOf(td.childForFieldName('type'), td.childForFieldName('declarator')) : UNKNOWN_TYPE;
        const items = namedArgs(n.childForFieldName('value'));
        if (t.kind !== 'int' || items.length !== 1) return undefined;
        const v = this.ev.fold(items[0]!);
        return { value: v.value === null ? null : wrap(v.value, t.int), type: t.int };
      }
      case 'char_literal': {
        const m = /^'(.)'$/.exec(n.text);
        return m ? known(m[1]!.charCodeAt(0), INT) : undefined;
      }
      case 'conditional_expression': {
        const c = this.ev.fold(n.childForFieldName('condition'));
        if (c.value === null) return undefined;
        return this.ev.fold(n.childForFieldName(c.value !== 0n ? 'consequence' : 'alternative'));
      }
      case 'comma_expression':
        return this.ev.fold(n.childForFieldName('right'));
      default:
        return undefined;
    }
  }

  fold(n: Node | null, env: Env, intent = false): Folded {
    return this.withEnv(env, () => this.withMode(intent, () => this.ev.fold(n)));
  }
}
