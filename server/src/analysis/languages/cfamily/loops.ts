/**
 * Index loops of the C family over a constant table, as the common form's FormLoop:
 * `for (i = 0; i < N; i++) { ... tbl[i] ... }` (also `int i = 0`, `++i`, `i += 1`, any bound:
 * ARRAY_SIZE(tbl), N, sizeof tbl / sizeof tbl[0]). Each table read in the body as `tbl[i]`
 * becomes a loop variable named `tbl[i]` (or `tbl[i].lo`, `tbl[i].hi`... for a table of
 * structs), so the evaluator gives it the set of the table's entries, each labelled: one call
 * site per entry (seen in torvalds/linux's ip_local_port_range selftest and strace's tests).
 */
import type { Node } from 'web-tree-sitter';
import { originOf } from '../../core/build';
import type { FormLoop, FormScope, FormType } from '../../core/form';

function loopIndex(s: Node): string | null {
  const init = s.childForFieldName('initializer');
  let name: string | null = null;
  let start: string | null = null;
  if (init?.type === 'declaration') {
    const d = init.childForFieldName('declarator');
    name = d?.type === 'init_declarator' ? d.childForFieldName('declarator')?.text ?? null : null;
    start = d?.childForFieldName('value')?.text ?? null;
  } else if (init?.type === 'assignment_expression' && init.childForFieldName('operator')?.text === '=') {
    name = init.childForFieldName('left')?.text ?? null;
    start = init.childForFieldName('right')?.text ?? null;
  }
  if (!name || start !== '0') return null;
  const cond = s.childForFieldName('condition');
  if (cond?.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== '<' || cond.childForFieldName('left')?.text !== name) return null;
  const up = s.childForFieldName('update');
  const steps = up?.type === 'update_expression' ? /^(\+\+\s*\w+|\w+\s*\+\+)$/.test(up.text) : up?.type === 'assignment_expression' && /^\w+\s*\+=\s*1$/.test(up.text);
  return steps && up!.text.includes(name) ? name : null;
}

/** The loops over tables that `for_statement` s walks by index (empty when it is not one). */
export function indexLoops(s: Node, scope: FormScope, structs: ReadonlyMap<string, FormType>): FormLoop[] {
  const i = loopIndex(s);
  const body = s.childForFieldName('body');
  if (!i || !body) return [];
  const tables = new Set<string>();
  for (const sub of body.descendantsOfType('subscript_expression')) {
    const arr = sub?.childForFieldName('argument');
    const idx = sub?.childForFieldName('index') ?? sub?.childForFieldName('indices')?.namedChildren.find((c) => c !== null) ?? null;
    if (arr?.type === 'identifier' && idx?.text === i) tables.add(arr.text);
  }
  const out: FormLoop[] = [];
  for (const t of tables) {
    let table: FormType | null = null;
    for (let sc: FormScope | null = scope; sc && !table; sc = sc.parent) table = sc.bindings.get(t)?.at(-1)?.type ?? null;
    if (table?.k !== 'array') continue;
    let elem = table.elem;
    if (elem.k !== 'struct') elem = structs.get(elem.name) ?? elem;
    const entry = `${t}[${i}]`;
    const vars = elem.k === 'struct' ? elem.fields.map((f) => `${entry}.${f.name}`) : [entry];
    out.push({ vars, over: { k: 'name', name: t, at: originOf(s) }, body: originOf(body), at: originOf(s) });
  }
  return out;
}
