/**
 * Loops of the C family over a constant table, as the common form's FormLoop:
 * - index loops `for (i = 0; i < N; i++) { ... tbl[i] ... }` (also `int i = 0`, `++i`,
 *   `i += 1`): each table read in the body as `tbl[i]` becomes a loop variable named `tbl[i]`
 *   (and `tbl[i].lo`, `tbl[i].hi`... for a table of structs);
 * - pointer walks `for (t = tbl; t < tbl + N; t++) { ... t->lo ... }` (also `T *t = tbl`,
 *   `&tbl[0]`, `t < &tbl[N]`, `t != tbl + N`): the variables `t` (the entry it points to, as
 *   `*t`/`t` passed as optval) and `t.lo`, `t.hi`... for `t->lo`.
 * The evaluator gives them the set of the table's entries, each labelled: one call site per
 * entry (seen in torvalds/linux's ip_local_port_range selftest and strace's tests). A bound
 * other than the table's length (`ARRAY_SIZE(tbl)`, `sizeof tbl / sizeof tbl[0]`) is the
 * loop's `count`: an exact smaller bound visits only the first entries.
 */
import type { Node } from 'web-tree-sitter';
import { originOf } from '../../core/build';
import type { Expr, FormLoop, FormScope, FormType } from '../../core/form';
import { lowerExpr, type CppCx } from './expr';

const STEP = (v: string, up: Node | null) => !!up && (up.type === 'update_expression' ? new RegExp(`^(\\+\\+\\s*${v}|${v}\\s*\\+\\+)$`).test(up.text) : up.type === 'assignment_expression' && new RegExp(`^${v}\\s*\\+=\\s*1$`).test(up.text));

/** The loop's variable and its start (`i = 0`, `int i = 0`, `t = tbl`, `const T *t = tbl`). */
function start(s: Node): { name: string; from: Node } | null {
  const init = s.childForFieldName('initializer');
  if (init?.type === 'declaration') {
    const d = init.childForFieldName('declarator');
    const name = d?.type === 'init_declarator' ? d.childForFieldName('declarator')?.text.replace(/^\*\s*/, '') : null;
    const from = d?.childForFieldName('value');
    return name && from && /^\w+$/.test(name) ? { name, from } : null;
  }
  if (init?.type === 'assignment_expression' && init.childForFieldName('operator')?.text === '=') {
    const name = init.childForFieldName('left')?.text;
    const from = init.childForFieldName('right');
    return name && from && /^\w+$/.test(name) ? { name, from } : null;
  }
  return null;
}

/** The whole table's length, written the usual ways: no count needed. */
function isLength(n: Node, table: string): boolean {
  const t = n.text.replace(/\s+/g, '');
  const tb = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(ARRAY_SIZE|ARRAY_LEN|N_ELEMENTS|G_N_ELEMENTS|countof|_countof|std::size|nitems)\\(${tb}\\)$`).test(t)
    || new RegExp(`^\\(?sizeof\\(?${tb}\\)?/sizeof\\(?(${tb}\\[0\\]|\\*${tb}|\\(${tb}\\)\\[0\\])\\)?\\)?$`).test(t);
}

const count = (n: Node | null, table: string, cx: CppCx): Expr | undefined => (n && !isLength(n, table) ? lowerExpr(n, cx) : undefined);

/** The table a struct-or-scalar element type, resolved through `structs`. */
function elementOf(t: string, scope: FormScope, structs: ReadonlyMap<string, FormType>): FormType | null {
  let table: FormType | null = null;
  for (let sc: FormScope | null = scope; sc && !table; sc = sc.parent) table = sc.bindings.get(t)?.at(-1)?.type ?? null;
  if (table?.k !== 'array') return null;
  return table.elem.k !== 'struct' ? structs.get(table.elem.name) ?? table.elem : table.elem;
}

/** One loop for the entry variable, one for its fields when the table holds structs. */
function loopsFor(entry: string, table: string, elem: FormType, s: Node, body: Node, n: Expr | undefined): FormLoop[] {
  const over: Expr = { k: 'name', name: table, at: originOf(s) };
  const base = { over, body: originOf(body), at: originOf(s), ...(n ? { count: n } : {}) };
  const out: FormLoop[] = [{ vars: [entry], ...base }];
  if (elem.k === 'struct') out.push({ vars: elem.fields.map((f) => `${entry}.${f.name}`), ...base });
  return out;
}

/** The loops over tables that `for_statement` s walks by index or by pointer (empty when it is not one). */
export function indexLoops(s: Node, scope: FormScope, structs: ReadonlyMap<string, FormType>, cx: CppCx): FormLoop[] {
  const st = start(s);
  const body = s.childForFieldName('body');
  const cond = s.childForFieldName('condition');
  if (!st || !body || cond?.type !== 'binary_expression' || !STEP(st.name, s.childForFieldName('update'))) return [];
  const op = cond.childForFieldName('operator')?.text;
  const left = cond.childForFieldName('left');
  const right = cond.childForFieldName('right');
  if (st.from.text === '0' && op === '<' && left?.text === st.name) return indexed(st.name, s, body, right, scope, structs, cx);
  // A pointer walk: t = tbl (or &tbl[0]), t < tbl + N (or &tbl[N]), also `!=`.
  const table = /^(\w+)$|^&\s*(\w+)\s*\[\s*0\s*\]$/.exec(st.from.text);
  const tbl = table?.[1] ?? table?.[2];
  if (!tbl || (op !== '<' && op !== '!=') || left?.text !== st.name || !right) return [];
  let n: Node | null = null;
  if (right.type === 'binary_expression' && right.childForFieldName('operator')?.text === '+' && right.childForFieldName('left')?.text === tbl) n = right.childForFieldName('right');
  else if (right.type === 'pointer_expression' && right.childForFieldName('operator')?.text === '&') {
    const sub = right.childForFieldName('argument');
    if (sub?.type === 'subscript_expression' && sub.childForFieldName('argument')?.text === tbl) n = sub.childForFieldName('index') ?? sub.childForFieldName('indices')?.namedChildren.find((c) => c !== null) ?? null;
  }
  const elem = n ? elementOf(tbl, scope, structs) : null;
  return elem ? loopsFor(st.name, tbl, elem, s, body, count(n, tbl, cx)) : [];
}

function indexed(i: string, s: Node, body: Node, bound: Node | null, scope: FormScope, structs: ReadonlyMap<string, FormType>, cx: CppCx): FormLoop[] {
  const tables = new Set<string>();
  for (const sub of body.descendantsOfType('subscript_expression')) {
    const arr = sub?.childForFieldName('argument');
    const idx = sub?.childForFieldName('index') ?? sub?.childForFieldName('indices')?.namedChildren.find((c) => c !== null) ?? null;
    if (arr?.type === 'identifier' && idx?.text === i) tables.add(arr.text);
  }
  const out: FormLoop[] = [];
  for (const t of tables) {
    const elem = elementOf(t, scope, structs);
    if (elem) out.push(...loopsFor(`${t}[${i}]`, t, elem, s, body, bound ? count(bound, t, cx) : undefined));
  }
  return out;
}
