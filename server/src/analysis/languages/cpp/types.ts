/**
 * C++ types as the common form's FormType: the builtin and <cstdint> integers (also
 * `std::`-qualified, `unsigned short`...), socklen_t and the kernel's __u16/__u32, typedefs
 * and `using X = Y` aliases of the file, `std::array<T, N>`, C arrays, pointers, references
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
};

/** `std::uint32_t` → uint32_t, `unsigned  int` → "unsigned int". */
export function typeName(text: string): string {
  return text.replace(/\b(const|volatile|constexpr|static|struct|class|typename)\b/g, '').replace(/^\s*(::)?(std::)?/, '').replace(/\s+/g, ' ').trim();
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
      return { k: 'unknown', name: n.text };
    }
    case 'placeholder_type_specifier':
      return null; // auto: the initialiser's type
    default:
      return null;
  }
}

/** Applies a declarator to its base type: `v[2]`, `*p`, `&r` (C++ references are the object). */
export function declared(base: FormType | null, decl: Node | null): { name: string | null; type: FormType | null } {
  let t = base;
  let cur = decl;
  for (let i = 0; i < 8 && cur; i++) {
    if (cur.type === 'identifier' || cur.type === 'field_identifier') return { name: cur.text, type: t };
    if (cur.type === 'init_declarator') cur = cur.childForFieldName('declarator');
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
