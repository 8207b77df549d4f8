/**
 * C scopes (CFile, second layer): declarations and the writes to each variable in a
 * function and at file level, lookups, the value a variable holds at a use.
 */
import type { Node } from 'web-tree-sitter';
import { toNumber } from '../../core/numeric';
import { CFileBase } from './file';
import { DECL_TYPES, FunctionInfo, NATIVE_SCAN_MAX_CHARS, SCOPE_TYPE_LIST, Scope, TOP_PRUNE, VarSym, WRITE_TYPES, declaredName, namedArgs, sockoptArgs, statementOf, stripParens } from './syntax';

export abstract class CFileScope extends CFileBase {
  protected addDecl(scope: Scope, decl: Node): void {
    const type = decl.childForFieldName('type');
    for (const d of decl.childrenForFieldName('declarator')) {
      if (!d) continue;
      const nm = declaredName(d);
      if (!nm) continue;
      if (d.type === 'function_declarator') continue;
      const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      const sym: VarSym = {
        name: nm.text, typeNode: type, declarator: d, init, assigns: [], parts: new Map(), mutated: false,
        isParam: false, paramIndex: -1, pos: d.startIndex,
      };
      const list = scope.vars.get(sym.name) ?? [];
      list.push(sym);
      scope.vars.set(sym.name, list);
    }
  }

  /** Walks a subtree iteratively (bounded), skipping nested function bodies when asked. */
  /**
   * Walks a subtree iteratively (bounded). Only nodes whose type is in `types` are
   * materialised and visited (node objects are costly across the wasm boundary); types in
   * `prune` are not descended into; `visit` returning false prunes that node too.
   */
  protected walk(root: Node, types: Set<string>, visit: (n: Node) => boolean | void, prune?: Set<string>, limit = 2_000_000): void {
    const cursor = root.walk();
    let count = 0;
    try {
      let descend = true;
      for (;;) {
        if (++count > limit) return;
        if (descend) {
          const t = cursor.nodeType;
          let cont: boolean | void = true;
          if (types.has(t)) cont = visit(cursor.currentNode);
          if (cont !== false && !(prune?.has(t) && count > 1) && cursor.gotoFirstChild()) continue;
        }
        if (cursor.gotoNextSibling()) { descend = true; continue; }
        let up = false;
        while (cursor.gotoParent()) {
          if (cursor.gotoNextSibling()) { up = true; break; }
        }
        if (!up) return;
        descend = true;
      }
    } finally {
      cursor.delete();
    }
  }

  protected recordWrites(scope: Scope, root: Node): void {
    this.walk(root, WRITE_TYPES, (n) => this.recordWrite(scope, n));
  }

  protected recordWrite(scope: Scope, n: Node): void {
    {
      if (n.type === 'assignment_expression') {
        const left = stripParens(n.childForFieldName('left'));
        const op = n.childForFieldName('operator')?.text ?? '=';
        const right = n.childForFieldName('right');
        if (!left || !right) return;
        if (left.type === 'identifier') {
          for (const s of scope.vars.get(left.text) ?? []) {
            if (op === '=') s.assigns.push(right);
            else s.mutated = true;
          }
        } else if (left.type === 'field_expression' || left.type === 'subscript_expression') {
          const base = stripParens(left.childForFieldName('argument'));
          if (base?.type !== 'identifier') return;
          const key = left.type === 'field_expression'
            ? left.childForFieldName('field')?.text ?? ''
            : `[${this.withMode(false, () => toNumber(this.ev.fold(left.childForFieldName('index')).value))}]`;
          for (const s of scope.vars.get(base.text) ?? []) {
            if (op !== '=') { s.mutated = true; continue; }
            const l = s.parts.get(key) ?? [];
            l.push(right);
            s.parts.set(key, l);
          }
        }
      } else if (n.type === 'update_expression') {
        const a = stripParens(n.childForFieldName('argument'));
        if (a?.type === 'identifier') for (const s of scope.vars.get(a.text) ?? []) s.mutated = true;
      }
    }
  }

  scopeOf(fn: FunctionInfo): Scope {
    let s = this.scopes.get(fn.node.id);
    if (s) return s;
    s = { vars: new Map() };
    for (const p of fn.params) s.vars.set(p.name, [{ ...p, assigns: [], parts: new Map() }]);
    const scope = s;
    const body = fn.body;
    if (body.endIndex - body.startIndex <= NATIVE_SCAN_MAX_CHARS) {
      // One scan inside the parser (one call across the wasm boundary) instead of two
      // node-by-node walks: the same nodes in the same (pre-)order as walk() visits them.
      const found = body.descendantsOfType(SCOPE_TYPE_LIST);
      for (const n of found) if (n.type === 'declaration') this.addDecl(scope, n);
      this.scopes.set(fn.node.id, scope);
      for (const n of found) if (n.type !== 'declaration') this.recordWrite(scope, n);
      return scope;
    }
    this.walk(body, DECL_TYPES, (n) => {
      this.addDecl(scope, n);
    });
    this.scopes.set(fn.node.id, scope);
    this.recordWrites(scope, body);
    return scope;
  }

  globalScope(): Scope {
    if (this.globals) return this.globals;
    const g: Scope = { vars: new Map() };
    this.globals = g;
    this.walk(this.root, DECL_TYPES, (n) => {
      this.addDecl(g, n);
      return false;
    }, TOP_PRUNE);
    // Writes to globals anywhere (including in functions) make them unknown unless single:
    // found per name, by text search checked against the tree (no walk of every function).
    for (const [name, syms] of g.vars) this.recordGlobalWrites(name, syms);
    return g;
  }

  protected recordGlobalWrites(name: string, syms: VarSym[]): void {
    const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`, 'g');
    const text = this.input.text;
    let m: RegExpExecArray | null;
    let guard = 0;
    while ((m = re.exec(text))) {
      if (guard++ >= 5000) {
        // Too many mentions to check each: the global is not statically known (never a guess).
        for (const s of syms) s.mutated = true;
        return;
      }
      const id = this.root.descendantForIndex(m.index, m.index + name.length);
      if (id?.type !== 'identifier' || id.text !== name) continue;
      let node: Node = id;
      let p = node.parent;
      while (p && p.type === 'parenthesized_expression') { node = p; p = p.parent; }
      if (!p) continue;
      // A local of the same name shadows the global inside its function.
      const fn = this.functionAt(id);
      if (fn && this.scopeOf(fn).vars.has(name)) continue;
      if (p.type === 'assignment_expression' && p.childForFieldName('left')?.id === node.id) {
        const op = p.childForFieldName('operator')?.text ?? '=';
        const right = p.childForFieldName('right');
        for (const s of syms) { if (op === '=' && right) s.assigns.push(right); else s.mutated = true; }
      } else if (p.type === 'update_expression') {
        for (const s of syms) s.mutated = true;
      } else if ((p.type === 'field_expression' || p.type === 'subscript_expression') && p.childForFieldName('argument')?.id === node.id) {
        const a = p.parent;
        if (a?.type === 'assignment_expression' && a.childForFieldName('left')?.id === p.id) {
          const key = p.type === 'field_expression' ? p.childForFieldName('field')?.text ?? '' : `[${this.withMode(false, () => toNumber(this.ev.fold(p!.childForFieldName('index')).value))}]`;
          const right = a.childForFieldName('right');
          for (const s of syms) {
            if ((a.childForFieldName('operator')?.text ?? '=') !== '=' || !right) { s.mutated = true; continue; }
            const l = s.parts.get(key) ?? [];
            l.push(right);
            s.parts.set(key, l);
          }
        }
      }
    }
  }

  /** The variable a name refers to at node `at` (innermost scope, declared before use). */
  lookupVar(name: string, at: Node, fn: FunctionInfo | null): VarSym | null {
    if (fn && at.startIndex >= fn.node.startIndex && at.endIndex <= fn.node.endIndex) {
      const cands = (this.scopeOf(fn).vars.get(name) ?? []).filter((s) => s.isParam || s.pos <= at.startIndex);
      if (cands.length) {
        // Prefer the closest declaration whose block encloses the use.
        let best: VarSym | null = null;
        for (const c of cands) {
          const block = c.isParam ? fn.body : c.declarator.parent?.parent ?? fn.body;
          if (block.startIndex <= at.startIndex && at.endIndex <= block.endIndex && (!best || c.pos >= best.pos)) best = c;
        }
        if (best) return best;
      }
    }
    const g = this.globalScope().vars.get(name);
    return g && g.length ? g[g.length - 1]! : null;
  }

  /**
   * The expression a variable holds at `at`: its only write, or else (straight-line code)
   * the last write before `at` in the same block, when nothing in between can change it
   * (no compound assignment or ++/--, no write in a nested block, no `&name` passed on).
   */
  valueNode(sym: VarSym, at?: Node | null): Node | null {
    if (sym.mutated) return null;
    const writes = sym.init ? [sym.init, ...sym.assigns] : sym.assigns;
    const usable = at && at.tree === this.input.tree;
    if (writes.length === 1) {
      const w = writes[0]!;
      // Its address passed to a function between the write and the use: it may be written there.
      if (usable && w.endIndex <= at.startIndex && this.addressPassed(sym.name, w.endIndex, at.startIndex)) return null;
      return w;
    }
    if (!usable || writes.length === 0 || sym.isParam) return null;
    let w: Node | null = null;
    for (const x of writes) if (x.endIndex <= at.startIndex && (!w || x.startIndex > w.startIndex)) w = x;
    if (!w) return null;
    const sw = statementOf(w);
    const su = statementOf(at);
    if (!sw || !su || !sw.parent || sw.parent.id !== su.parent?.id) return null;
    if (sw.type !== 'expression_statement' && sw.type !== 'declaration') return null; // e.g. `if (c) v = 2;`
    if (this.addressPassed(sym.name, w.endIndex, at.startIndex)) return null;
    return w;
  }

  /** `&name` between two offsets, other than as the read-only optval of a setsockopt. */
  protected addressPassed(name: string, from: number, to: number): boolean {
    if (to - from > 200_000) return true;
    const re = new RegExp(`&\\s*\\(?\\s*${name.replace(/[$]/g, '\\$')}\\b`, 'g');
    const between = this.input.text.slice(from, to);
    let m: RegExpExecArray | null;
    let guard = 0;
    const memo = (this.escapeMemo ??= new Map<number, boolean>());
    while ((m = re.exec(between))) {
      if (guard++ >= 1000) return true; // too many to check: it may be written (unknown, not a guess)
      // Each `&name` is judged once per file (a function with many calls asks again and again).
      const known = memo.get(from + m.index);
      if (known === false) continue;
      if (known === true) return true;
      const escapes = this.escapesAt(from + m.index);
      memo.set(from + m.index, escapes);
      if (escapes) return true;
    }
    return false;
  }

  /** By offset of an `&name`: whether it passes the address somewhere it may be written. */
  protected escapeMemo: Map<number, boolean> | undefined;

  private escapesAt(offset: number): boolean {
    const amp = this.root.descendantForIndex(offset, offset + 1);
    let e: Node | null = amp?.parent ?? null; // the pointer_expression
    for (let i = 0; e && e.type !== 'pointer_expression' && i < 4; i++) e = e.parent;
    let arg: Node | null = e;
    while (arg?.parent?.type === 'cast_expression' || arg?.parent?.type === 'parenthesized_expression') arg = arg.parent;
    const call = arg?.parent?.type === 'argument_list' ? arg.parent.parent : null;
    const callee = call?.type === 'call_expression' ? call.childForFieldName('function')?.text ?? '' : '';
    const args = call ? sockoptArgs(call) : [];
    return !(/set_?sock_?opt$/i.test(callee) && args[3]?.id === arg?.id);
  }

  // --- types ----------------------------------------------------------------------------
}
