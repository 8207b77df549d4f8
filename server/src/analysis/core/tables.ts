/**
 * Loops over constant tables for the evaluator (core/evaluator.ts): the rows of a table (an
 * initialiser, or a name bound once to one), limited to the entries the loop visits (its
 * `count` when exact), and a loop variable's value inside the loop body — the set of its
 * entries, each labelled with its row, or, for entries that are structs (`&ranges[i]`,
 * `&t->range` in a pointer walk), the bytes of each entry as the kernel reads them.
 */
import type { Expr, FormLoop, FormScope } from './form';
import type { Bytes, FormEvaluator } from './evaluator';
import { entryLabel, MAX_SET, setOf, TOP, valuesOf, type Value } from './value';

type Frame = Map<string, Value>;
export interface Row { whole: Expr; items: Expr[]; label: string }

/** The initialiser a name is bound to once (a few names deep), or the initialiser itself. */
function initOf(ev: FormEvaluator, e: Expr, scope: FormScope, frame: Frame = new Map(), depth = 0): Extract<Expr, { k: 'init' }> | null {
  let cur: Expr | null = e;
  for (let i = 0; i < 6 && cur && cur.k !== 'init'; i++) {
    if (cur.k === 'member' || cur.k === 'index') cur = depth < 8 ? selected(ev, cur, frame, scope, depth + 1) : null; // T["web"][0]; `a = a[0]` ends here
    else if (cur.k === 'name') {
      const b = ev.binding(cur.name, cur.at.start, scope);
      if (!b || b.escapes || b.values.length !== 1 || b.kind === 'param' || frame.has(cur.name)) return null;
      cur = b.values[0]!;
    } else return null;
  }
  return cur?.k === 'init' ? cur : null;
}

/**
 * The rows of a constant table: an initialiser, or a name bound once to one. A dict's entries
 * are keyed (`T["a"] = ...`); its `items()` view gives (key, value) rows, `values()` the values.
 */
export function tableRows(ev: FormEvaluator, e: Expr, scope: FormScope, view?: FormLoop['view']): Row[] | null {
  const init = initOf(ev, e, scope);
  if (!init) return null;
  const tableName = e.k === 'name' ? e.name : null;
  const keyed = view !== undefined;
  if (keyed && !init.items.every((it) => it.field !== undefined)) return null;
  return init.items.map((it, i) => {
    const label = keyed && tableName ? `${tableName}[${JSON.stringify(it.field)}] = ${entryLabel(null, i, it.value.at.text)}` : entryLabel(tableName, i, it.value.at.text);
    if (view === 'items') {
      const key: Expr = { k: 'str', value: it.field!, at: it.value.at };
      return { whole: { k: 'init', type: null, items: [{ value: key }, { value: it.value }], at: it.value.at }, items: [key, it.value], label };
    }
    return { whole: it.value, items: it.value.k === 'init' ? it.value.items.map((x) => x.value) : [it.value], label };
  });
}

/**
 * The item `e` selects from an initialiser a name is bound to: `r.lo` of a struct, `T[1]` of a
 * list or tuple, `cfg["lo"]` of a dict; null when the object is no such constant.
 */
export function selected(ev: FormEvaluator, e: Expr, frame: Frame, scope: FormScope, depth = 0): Expr | null {
  if (e.k !== 'member' && e.k !== 'index') return null;
  const init = initOf(ev, e.object, scope, frame, depth);
  if (!init) return null;
  const keyed = init.items.some((it) => it.field !== undefined);
  let key: string | null = null;
  let pos: number | null = null;
  if (e.k === 'member') (/^\d+$/.test(e.field) && !keyed ? (pos = Number(e.field)) : (key = e.field));
  else if (e.index.k === 'str') key = e.index.value;
  else if (!keyed) {
    const v = ev.value(e.index, frame, scope);
    pos = v.k === 'exact' ? Number(v.v) : null;
  }
  if (key !== null) return init.items.find((it) => it.field === key)?.value ?? null;
  return pos !== null && pos >= 0 ? init.items[pos]?.value ?? null : null;
}

/** The rows a loop visits: all of its table, or the first `count` when the bound is exact and smaller. */
export function loopRows(ev: FormEvaluator, l: FormLoop, frame: Frame, scope: FormScope): Row[] | null {
  const rows = tableRows(ev, l.over, scope, l.view);
  if (!rows || !l.count) return rows;
  const n = ev.value(l.count, frame, scope);
  return n.k === 'exact' && n.v >= 0n && n.v < BigInt(rows.length) ? rows.slice(0, Number(n.v)) : rows;
}

/** The loop (innermost scope first) whose body holds `at` and that binds `name`, with its variable's index. */
function loopOf(name: string, at: number, scope: FormScope): { l: FormLoop; idx: number } | null {
  for (let s: FormScope | null = scope; s; s = s.parent)
    for (const l of s.loops) {
      const idx = l.vars.indexOf(name);
      if (idx >= 0 && at >= l.body.start && at <= l.body.end) return { l, idx };
    }
  return null;
}

/** The part of row `r` that loop variable `idx` takes (its destructuring path into the row). */
export function entryOf(l: FormLoop, r: Row, idx: number): Expr | undefined {
  if (!l.paths) return l.vars.length > 1 ? r.items[idx] : r.whole;
  let cur: Expr | undefined = r.whole;
  for (const step of l.paths[idx] ?? []) cur = cur?.k === 'init' ? cur.items[step]?.value : undefined;
  return cur;
}

/** A loop variable used inside its loop body: the set of the table's entries (labelled); null when `name` is none. */
export function loopValue(ev: FormEvaluator, name: string, at: number, frame: Frame, scope: FormScope): Value | null {
  const found = loopOf(name, at, scope);
  if (!found) return null;
  const { l, idx } = found;
  const rows = loopRows(ev, l, frame, scope);
  if (!rows) return TOP;
  if (l.indexOver) return setOf(rows.map((_, i) => BigInt(i)), null, rows.map((r) => r.label));
  const out: bigint[] = [];
  const labels: string[] = [];
  for (const r of rows) {
    const e = entryOf(l, r, idx);
    const vs = e ? valuesOf(ev.value(e, frame, scope)) : null;
    if (!vs) return TOP;
    for (const v of vs) (out.push(v), labels.push(r.label));
  }
  return out.length <= MAX_SET ? setOf(out, null, labels) : TOP;
}

/**
 * The bytes of a loop variable whose entries are initialisers (a table of structs or arrays):
 * one alternative per entry, labelled with its row. Null when `name` is no loop variable or its
 * entries are not initialisers (integers go through loopValue).
 */
export function loopBytes(ev: FormEvaluator, name: string, at: number, frame: Frame, scope: FormScope): Bytes | null {
  const found = loopOf(name, at, scope);
  if (!found || found.l.indexOver) return null;
  const rows = loopRows(ev, found.l, frame, scope);
  const entries = rows?.map((r) => entryOf(found.l, r, found.idx));
  if (!rows || !entries!.every((e) => e?.k === 'init') || rows.length > MAX_SET) return null;
  const alts: number[][] = [];
  const labels: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const b = ev.bytes(entries![i]!, frame, scope);
    if (b.k !== 'bytes' || b.alts.length !== 1) return { k: 'unknown' };
    alts.push(b.alts[0]!);
    labels.push(rows[i]!.label);
  }
  return { k: 'bytes', alts, labels };
}
