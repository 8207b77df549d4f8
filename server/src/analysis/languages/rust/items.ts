/**
 * The Rust lowering's item helpers (lower.ts): guard conditions, generic parameters, `mod`
 * paths of constants, `#[repr(C)]` struct layouts and every struct's fields, `const`/`static`
 * bindings and literals typed by their binding's declared type.
 */
import type { Node } from 'web-tree-sitter';
import { originOf } from '../../core/build';
import type { Binding, Expr, FormType } from '../../core/form';
import { lowerExpr, type RustCx } from './expr';
import type { StructFields } from './methods';
import { lastSegment, lowerType } from './types';

/** `if c`, `while c`, `assert!(c)`-like macros, `ensure!(..)`: the condition (core/bounded.ts guards). */
export function rustCondition(n: Node): Node | null {
  if (n.type === 'if_expression' || n.type === 'while_expression') return n.childForFieldName('condition');
  if (n.type === 'macro_invocation' && /^(debug_)?assert(_eq|_ne)?$|^ensure$/.test(lastSegment(n.childForFieldName('macro')?.text ?? ''))) return n.namedChildren.find((c) => c?.type === 'token_tree') ?? null;
  return null;
}

/** The generic parameters of the functions around n (`size_of::<T>()` in `fn set_opt<T>`). */
export function typeParamsOf(fn: Node): string[] {
  const out: string[] = [];
  for (const tp of fn.childForFieldName('type_parameters')?.namedChildren ?? []) {
    const id = tp?.type === 'type_identifier' ? tp : tp?.childForFieldName('name') ?? tp?.namedChildren.find((c) => c?.type === 'type_identifier');
    if (id) out.push(id.text);
  }
  return out;
}

/** The context at a node: the generic parameters of the functions and impls around it. */
export function cxAt(n: Node, cx: RustCx): RustCx {
  const tps: string[] = [];
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_item' || p.type === 'impl_item') tps.push(...typeParamsOf(p));
  return tps.length ? { ...cx, typeParams: new Set(tps) } : cx;
}

/** `mod a { mod b { const X } }`: the paths a const is named by from outside, `a.b` and `b`. */
export function modPaths(n: Node): string[] {
  const mods: string[] = [];
  for (let p = n.parent; p; p = p.parent) if (p.type === 'mod_item') mods.unshift(p.childForFieldName('name')?.text ?? '');
  return mods.map((_, i) => mods.slice(i).join('.'));
}

export function enclosing(n: Node, type: string): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return p;
  return null;
}

export function lowerStruct(n: Node, aliases: ReadonlyMap<string, FormType>, structs: Map<string, FormType>, all: StructFields): void {
  const name = n.childForFieldName('name')?.text;
  const body = n.childForFieldName('body');
  if (!name || !body || body.type !== 'field_declaration_list') return;
  // #[repr(C)] (or packed/transparent) gives the declared field order in memory.
  let reprC = false;
  for (let p = n.previousNamedSibling; p && (p.type === 'attribute_item' || p.type === 'line_comment'); p = p.previousNamedSibling) {
    if (/repr\s*\(\s*C\b/.test(p.text)) reprC = true;
  }
  const fields: { name: string; type: FormType }[] = [];
  for (const f of body.namedChildren) {
    if (f?.type !== 'field_declaration') continue;
    const t = lowerType(f.childForFieldName('type'), aliases);
    fields.push({ name: f.childForFieldName('name')?.text ?? '', type: t ?? { k: 'unknown', name: '?' } });
  }
  structs.set(name, reprC ? { k: 'struct', name, fields } : { k: 'unknown', name });
  all.set(name, fields);
}

export function constBinding(n: Node, name: string, cx: RustCx): Binding {
  const type = lowerType(n.childForFieldName('type'), cx.aliases);
  const value = n.childForFieldName('value');
  const values = value ? [typed(lowerExpr(value, cx), type)] : [];
  return { name, kind: 'const', type, values, at: originOf(n) };
}

/** A literal array/struct given the declared type of its binding (`let a: [u16; 2] = [..]`). */
export function typed(e: Expr, type: FormType | null): Expr {
  if (e.k === 'init' && e.type === null && type && (type.k === 'array' || type.k === 'struct')) return { ...e, type };
  if (e.k === 'init' && e.type === null && type?.k === 'bytes') {
    return { ...e, type: { k: 'array', elem: { k: 'int', int: { bits: 8, unsigned: true }, name: 'u8' }, count: type.size, name: type.name } };
  }
  return e;
}
