/**
 * Methods on a configuration struct, as real Rust writes them: `impl PortRange { fn apply(&self,
 * fd) { let v = (self.hi as u32) << 16 | self.lo as u32; libc::setsockopt(..) } }`.
 *
 * - Inside such a method each integer field of the struct is an input bounded by its type,
 *   the parameter `self.<field>` (a `u16` cannot overflow its half; `self.port + self.count - 1`
 *   can);
 * - a call `r.apply(fd)` passes the receiver's fields as those parameters: from a struct
 *   literal (`PortRange { lo: 40000, hi: 40511 }.apply(fd)`, `let r = PortRange { .. }`), or
 *   from a constructor whose one result is a struct literal (`let r = PortRange::new(40000,
 *   40511)`, followed through `PortRange.new#lo`, one small function per field).
 * A receiver or field the file does not show stays unknown.
 */
import type { Node } from 'web-tree-sitter';
import { bind } from '../../core/build';
import type { Binding, Expr, FormCall, FormFunction, FormGuard, FormScope, FormType } from '../../core/form';
import { lastSegment } from './types';

export type StructFields = Map<string, { name: string; type: FormType }[]>;

/** The impl type of a method (`impl PortRange { .. }`, `impl Trait for PortRange`), or null. */
export function implOwner(fn: Node): string | null {
  const impl = fn.parent?.parent?.type === 'impl_item' ? fn.parent.parent : null;
  return impl ? lastSegment(impl.childForFieldName('type')?.text ?? '') || null : null;
}

/** The integer fields a method with a `self` parameter reads as `self.<field>` inputs. */
export function selfInputs(fn: Node, fields: StructFields): { name: string; type: FormType }[] {
  const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
  if (!params.some((p) => p?.type === 'self_parameter')) return [];
  const owner = implOwner(fn);
  return (owner ? fields.get(owner) ?? [] : []).filter((f) => f.type.k === 'int').map((f) => ({ name: `self.${f.name}`, type: f.type }));
}

/** The arguments a call of a method passes for its `self.<field>` parameters. */
export function receiverArgs(recv: Expr | undefined, inputs: readonly { name: string }[], at: FormCall['at']): Expr[] {
  return inputs.map(({ name }) => {
    const field = name.slice('self.'.length);
    if (!recv) return { k: 'opaque', at };
    if (recv.k === 'init') return recv.items.find((it) => it.field === field)?.value ?? { k: 'opaque', at };
    // Each argument reads as the field it is (`r.lo`): halves.ts tells the bounds apart by name.
    const as = { ...recv.at, text: `${recv.at.text}.${field}` };
    if (recv.k === 'name' && recv.name === 'self') return { k: 'name', name, at: as };
    return ctorField(recv, field) ?? { k: 'member', object: recv, field, at: as };
  });
}

/** `T::new(a, b)` read for one field: the call of `T.new#field` (fieldFunctions), or null. */
function ctorField(v: Expr, field: string): Expr | null {
  if (v.k !== 'call' || v.call.callee.k !== 'name' || !v.call.callee.name.includes('.') || v.call.receiver) return null;
  const path = v.call.callee.name.split('.');
  return { k: 'call', call: { ...v.call, lastName: `${path[path.length - 2]}.${path[path.length - 1]}#${field}` }, at: { ...v.at, text: `${v.at.text}.${field}` } };
}

/**
 * After `let name = T::new(a, b)`: each integer field of T as a binding `name.<field>`, the
 * call of the constructor's own field function (a struct literal's fields are read by
 * core/tables.ts from the literal itself).
 */
export function bindFields(scope: FormScope, name: string, v: Expr, fields: StructFields, at: Binding['at']): Binding[] {
  const owner = v.k === 'call' && v.call.callee.k === 'name' ? v.call.callee.name.split('.').slice(-2, -1)[0] : undefined;
  const out: Binding[] = [];
  for (const f of (owner && fields.get(owner)) || []) {
    const value = f.type.k === 'int' ? ctorField(v, f.name) : null;
    if (value) out.push(bind(scope, { name: `${name}.${f.name}`, kind: 'var', type: f.type, values: [value], at }));
  }
  return out;
}

/**
 * For each constructor of `impl T` (no `self`, one result that is a `T { .. }`/`Self { .. }`
 * literal): one function per field, `T.new#lo`, returning that field's expression.
 */
export function fieldFunctions(fns: readonly { fn: FormFunction; owner: string | null }[]): FormFunction[] {
  const out: FormFunction[] = [];
  for (const { fn, owner } of fns) {
    const r = fn.returns.length === 1 ? fn.returns[0]! : null;
    if (!owner || fn.receiver || r?.k !== 'init' || !r.type || (r.type.name !== owner && r.type.name !== 'Self')) continue;
    for (const it of r.items) {
      if (!it.field) continue;
      const base = fn.name.startsWith(`${owner}.`) ? fn.name.slice(owner.length + 1) : fn.name;
      out.push({ ...fn, name: `${owner}.${base}#${it.field}`, result: null, returns: [it.value] });
    }
  }
  return out;
}

/** Guards also read `self.<field>` paths (`if self.count == 0`), the names of those inputs. */
export function withSelfPaths(guards: FormGuard[]): FormGuard[] {
  return guards.map((g) => {
    const paths = [...g.at.text.matchAll(/\bself\s*\.\s*([A-Za-z_]\w*)/g)].map((m) => `self.${m[1]}`);
    return paths.length ? { ...g, names: [...new Set([...g.names, ...paths])] } : g;
  });
}

/**
 * The type a method call's receiver has, as far as the file shows it (several types define
 * `apply`): a struct literal, `T::new(..)`, `self` in `impl T`, or a local bound to one of those.
 */
export function receiverOwner(recv: Expr, scope: FormScope | null, selfOwner: string | null): string | null {
  let e = recv;
  for (let i = 0; i < 4; i++) {
    if (e.k === 'init') return e.type?.name === 'Self' ? selfOwner : e.type?.name ?? null;
    if (e.k === 'call' && !e.call.receiver && e.call.callee.k === 'name' && e.call.callee.name.includes('.')) {
      const o = e.call.callee.name.split('.').slice(-2, -1)[0]!;
      return o === 'Self' ? selfOwner : o;
    }
    if (e.k !== 'name') return null;
    if (e.name === 'self') return selfOwner;
    const at = e.at.start;
    let b: Binding | null = null;
    for (let s = scope; s && !b; s = s.parent) b = (s.bindings.get(e.name) ?? []).filter((x) => x.at.start <= at).pop() ?? null;
    if (!b) return null;
    if (b.type && (b.type.k === 'unknown' || b.type.k === 'struct')) return b.type.name;
    if (b.values.length !== 1) return null;
    e = b.values[0]!;
  }
  return null;
}
