/**
 * C++ types as the common form's FormType: the builtin and <cstdint> integers (also
 * `std::`-qualified, `unsigned short`...), socklen_t and the kernel's __u16/__u32, typedefs
 * and `using X = Y` aliases of the file, `std::array<T, N>`, `std::pair<A, B>` of integers
 * (a struct of `first` and `second`), C arrays, pointers, references
 * (transparent: `const T&` is T), template parameters and struct/class names (their layout is
 * in the unit's `types`).
 */
import type { Node } from 'web-tree-sitter';
import type { FormType } from '../../core/form';

const INTS: Record<string, [number, boolean]> = {
  char: [8, false], 'signed char': [8, false], 'unsigned char': [8, true], short: [16, false], 'short int': [16, false],
  'unsigned short': [16, true], 'unsigned short int': [16, true], int: [32, false], signed: [32, false], 'signed int': [32, false],
  unsigned: [32, true], 'unsigned int': [32, true], long: [64, false], 'long int': [64, false], 'unsigned long': [64, true],
  'long long': [64, false], 'unsigned long long': [64, true], 'unsigned long int': [64, true], bool: [8, true],
  int8_t: [8, false], uint8_t: [8, true], int16_t: [16, false], uint16_t: [16, true], int32_t: [32, false], uint32_t: [32, true],
  int64_t: [64, false], uint64_t: [64, true], size_t: [64, true], ssize_t: [64, false], socklen_t: [32, true], in_port_t: [16, true],
  __u8: [8, true], __u16: [16, true], __u32: [32, true], __u64: [64, true], __be16: [16, true], __be32: [32, true],
  u_int16_t: [16, true], u_int32_t: [32, true], u_short: [16, true], u_int: [32, true],
  // C: _Bool, the kernel's u16/s32/be16 family, BSD ushort/ulong, pointer-sized integers.
  _Bool: [8, true], 'signed short': [16, false], 'signed long': [64, false], 'signed long long': [64, false],
  u8: [8, true], u16: [16, true], u32: [32, true], u64: [64, true], s8: [8, false], s16: [16, false], s32: [32, false], s64: [64, false],
  __s16: [16, false], __s32: [32, false], __s64: [64, false], __le16: [16, true], __le32: [32, true], be16: [16, true], be32: [32, true],
  u_long: [64, true], ushort: [16, true], uint: [32, true], ulong: [64, true], in_addr_t: [32, true], uintptr_t: [64, true], intptr_t: [64, false],
};

/** `std::uint32_t` → uint32_t, `unsigned  int` → "unsigned int". */
export function typeName(text: string): string {
  return text.replace(/\b(const|volatile|constexpr|static|register|extern|restrict|struct|class|typename)\b/g, '').replace(/^\s*(::)?(std::)?/, '').replace(/\s+/g, ' ').trim()
    .replace(/^(unsigned |signed )?(short|long long|long) int$/, (_m, s: string | undefined, k: string) => `${s ?? ''}${k}`);
}

export function intNamed(name: string): FormType | null {
  const p = INTS[typeName(name)];
  return p ? { k: 'int', int: { bits: p[0], unsigned: p[1] }, name: typeName(name) } : null;
}

export interface TypeEnv {
  aliases: ReadonlyMap<string, FormType>;
  typeParams: ReadonlySet<string>;
}

/** A type node (with an optional declarator for arrays/pointers) → FormType. */
export function lowerType(n: Node | null, env: TypeEnv, depth = 0): FormType | null {
  if (!n || depth > 16) return null;
  switch (n.type) {
    case 'primitive_type':
    case 'sized_type_specifier':
    case 'type_identifier':
    case 'qualified_identifier':
    case 'type_descriptor': {
      if (n.type === 'type_descriptor') {
        const inner = n.childForFieldName('type');
        const decl = n.childForFieldName('declarator');
        const base = lowerType(inner, env, depth + 1);
        if (decl && base && /^abstract_(pointer|reference)_declarator$/.test(decl.type)) return decl.type.includes('pointer') ? { k: 'pointer', to: base, name: n.text } : base;
        if (decl && base && decl.type === 'abstract_array_declarator') {
          const size = decl.childForFieldName('size')?.text ?? '';
          return { k: 'array', elem: base, count: /^\d+$/.test(size) ? Number(size) : null, name: n.text };
        }
        return base;
      }
      const tmpl = n.type === 'qualified_identifier' ? n.childForFieldName('name') : null;
      if (tmpl?.type === 'template_type') return lowerType(tmpl, env, depth + 1);
      const name = typeName(n.text);
      const last = name.split('::').pop()!;
      if (env.typeParams.has(last)) return { k: 'typeParam', name: last };
      return env.aliases.get(last) ?? intNamed(name) ?? intNamed(last) ?? { k: 'unknown', name: last };
    }
    case 'template_type': {
      const base = n.childForFieldName('name')?.text;
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => c !== null);
      if (base === 'array' && args.length === 2) {
        const elem = lowerType(args[0]!, env, depth + 1);
        const count = /^\d+$/.test(args[1]!.text) ? Number(args[1]!.text) : null;
        return elem ? { k: 'array', elem, count, name: n.text } : null;
      }
      // std::pair<std::uint16_t, std::uint16_t>: two fields, `first` then `second` (a standard-layout pair of integers).
      if (base === 'pair' && args.length === 2) {
        const [first, second] = args.map((a) => lowerType(a, env, depth + 1));
        if (first?.k === 'int' && second?.k === 'int') return { k: 'struct', name: n.text, fields: [{ name: 'first', type: first }, { name: 'second', type: second }] };
      }
      return { k: 'unknown', name: n.text };
    }
    case 'struct_specifier':
    case 'union_specifier': {
      // A named struct is its layout in the unit's `types`; an inline body (C's `typedef
      // struct { uint16_t lo, hi; } range_t`) is lowered here.
      const name = n.childForFieldName('name')?.text ?? '';
      const body = n.childForFieldName('body');
      if (!body || n.type === 'union_specifier') return { k: 'unknown', name: name || n.type };
      return { k: 'struct', name, fields: fieldsOf(body, env, depth + 1) };
    }
    case 'enum_specifier':
      return { k: 'int', int: { bits: 32, unsigned: false }, name: 'int' };
    case 'placeholder_type_specifier':
      return null; // auto: the initialiser's type
    default:
      return null;
  }
}

/** The fields of a struct body, in declaration order. */
export function fieldsOf(body: Node, env: TypeEnv, depth = 0): { name: string; type: FormType }[] {
  const fields: { name: string; type: FormType }[] = [];
  for (const f of body.namedChildren) {
    if (f?.type !== 'field_declaration') continue;
    const base = lowerType(f.childForFieldName('type'), env, depth);
    for (const d of f.childrenForFieldName('declarator')) {
      const dd = declared(base, d);
      if (dd.name) fields.push({ name: dd.name, type: dd.type ?? { k: 'unknown', name: '?' } });
    }
  }
  return fields;
}

/** Applies a declarator to its base type: `v[2]`, `*p`, `&r` (C++ references are the object). */
export function declared(base: FormType | null, decl: Node | null): { name: string | null; type: FormType | null } {
  let t = base;
  let cur = decl;
  for (let i = 0; i < 8 && cur; i++) {
    if (cur.type === 'identifier' || cur.type === 'field_identifier') return { name: cur.text, type: t };
    if (cur.type === 'init_declarator') cur = cur.childForFieldName('declarator');
    else if (cur.type === 'parenthesized_declarator') cur = cur.namedChildren.find((c) => c !== null) ?? null;
    else if (cur.type === 'reference_declarator') cur = cur.namedChildren.find((c) => c !== null) ?? null;
    else if (cur.type === 'pointer_declarator') {
      t = t ? { k: 'pointer', to: t, name: `${t.name}*` } : null;
      cur = cur.childForFieldName('declarator');
    } else if (cur.type === 'array_declarator') {
      const size = cur.childForFieldName('size');
      const count = size && /^\d+$/.test(size.text) ? Number(size.text) : null;
      t = t ? (t.k === 'int' && t.int.bits === 8 ? { k: 'bytes', size: count, name: `${t.name}[]` } : { k: 'array', elem: t, count, name: `${t.name}[]` }) : null;
      cur = cur.childForFieldName('declarator');
    } else return { name: null, type: t };
  }
  return { name: null, type: t };
}
