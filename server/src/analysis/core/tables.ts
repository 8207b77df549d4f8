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

/** The rows of a constant table: an initialiser, or a name bound once to one. */
export function tableRows(ev: FormEvaluator, e: Expr, scope: FormScope): Row[] | null {
  let cur: Expr = e;
  const tableName = e.k === 'name' ? e.name : null;
  for (let i = 0; i < 4 && cur.k === 'name'; i++) {
    const b = ev.binding(cur.name, cur.at.start, scope);
    if (!b || b.escapes || b.values.length !== 1) return null;
    cur = b.values[0]!;
  }
  if (cur.k !== 'init') return null;
  return cur.items.map((it, i) => ({
    whole: it.value,
    items: it.value.k === 'init' ? it.value.items.map((x) => x.value) : [it.value],
    label: entryLabel(tableName, i, it.value.at.text),
  }));
}

/** The rows a loop visits: all of its table, or the first `count` when the bound is exact and smaller. */
function visited(ev: FormEvaluator, l: FormLoop, frame: Frame, scope: FormScope): Row[] | null {
  const rows = tableRows(ev, l.over, scope);
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

const entryOf = (l: FormLoop, r: Row, idx: number): Expr | undefined => (l.vars.length > 1 ? r.items[idx] : r.whole);

/** A loop variable used inside its loop body: the set of the table's entries (labelled); null when `name` is none. */
export function loopValue(ev: FormEvaluator, name: string, at: number, frame: Frame, scope: FormScope): Value | null {
  const found = loopOf(name, at, scope);
  if (!found) return null;
  const { l, idx } = found;
  const rows = visited(ev, l, frame, scope);
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
  const rows = visited(ev, found.l, frame, scope);
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

/** The first entry a loop variable takes (its shape stands for every entry's: they share a type). */
export function loopEntry(ev: FormEvaluator, name: string, at: number, scope: FormScope): Expr | null {
  const found = loopOf(name, at, scope);
  if (!found || found.l.indexOver) return null;
  const first = tableRows(ev, found.l.over, scope)?.[0];
  return first ? entryOf(found.l, first, found.idx) ?? null : null;
}

export { TOP };
