/**
 * Go types as the common form's FormType (linux/amd64): the integer types (int and uint are
 * 64 bits, byte is uint8, rune is int32), byte arrays and slices ([4]byte, []byte), other
 * arrays and slices, struct types (inline or declared with `type pr struct { lo, hi uint16 }`),
 * pointers, and the names declared by `type X Y` in the file.
 */
import type { Node } from 'web-tree-sitter';
import type { FormType } from '../../core/form';
import { parseIntLiteral } from '../../core/numeric';

const INTS: Record<string, [bits: number, unsigned: boolean]> = {
  int: [64, false], int8: [8, false], int16: [16, false], int32: [32, false], int64: [64, false],
  uint: [64, true], uint8: [8, true], uint16: [16, true], uint32: [32, true], uint64: [64, true],
  uintptr: [64, true], byte: [8, true], rune: [32, false],
  // cgo's C types as Go sees them.
  'C.int': [32, false], 'C.uint': [32, true], 'C.ushort': [16, true], 'C.socklen_t': [32, true],
};

/** The integer type named `name` (int, uint16, byte...), else null. */
export function goInt(name: string): FormType | null {
  const p = INTS[name];
  return p ? { k: 'int', int: { bits: p[0], unsigned: p[1] }, name } : null;
}

export const U8 = goInt('uint8')!;
export const INT = goInt('int')!;

/** A Go type node → FormType (`named`: the file's `type X ...` declarations, already lowered). */
export function lowerType(n: Node | null, named: ReadonlyMap<string, FormType>, depth = 0): FormType | null {
  if (!n || depth > 16) return null;
  switch (n.type) {
    case 'type_identifier':
      return goInt(n.text) ?? named.get(n.text) ?? { k: 'unknown', name: n.text };
    case 'qualified_type':
      return goInt(n.text) ?? { k: 'unknown', name: n.text };
    case 'parenthesized_type':
      return lowerType(n.namedChildren.find((c) => c !== null) ?? null, named, depth + 1);
    case 'pointer_type': {
      const to = lowerType(n.namedChildren.find((c) => c !== null) ?? null, named, depth + 1) ?? { k: 'unknown', name: '?' };
      return { k: 'pointer', to, name: n.text };
    }
    case 'array_type':
    case 'slice_type':
    case 'implicit_length_array_type': {
      const elem = lowerType(n.childForFieldName('element'), named, depth + 1);
      if (!elem) return null;
      const len = n.childForFieldName('length');
      const lit = len ? parseIntLiteral(len.text, 'go')?.value ?? null : null;
      const count = n.type === 'array_type' && lit !== null && lit <= 1n << 20n ? Number(lit) : null;
      if (elem.k === 'int' && elem.int.bits === 8 && elem.int.unsigned) return { k: 'bytes', size: count, name: n.text };
      return { k: 'array', elem, count, name: n.text };
    }
    case 'struct_type': {
      const fields: { name: string; type: FormType }[] = [];
      for (const list of n.namedChildren) {
        for (const f of list?.namedChildren ?? []) {
          if (f?.type !== 'field_declaration') continue;
          const t = lowerType(f.childForFieldName('type'), named, depth + 1) ?? { k: 'unknown', name: '?' };
          for (const name of f.childrenForFieldName('name')) if (name?.isNamed) fields.push({ name: name.text, type: t });
        }
      }
      return { k: 'struct', name: 'struct', fields };
    }
    default:
      return { k: 'unknown', name: n.text.slice(0, 60) };
  }
}

/** The file's `type X T` declarations (struct layouts and aliases), in order. */
export function namedTypes(decls: readonly Node[]): Map<string, FormType> {
  const named = new Map<string, FormType>();
  for (const d of decls) {
    for (const spec of d.namedChildren) {
      if (spec?.type !== 'type_spec' && spec?.type !== 'type_alias') continue;
      const name = spec.childForFieldName('name')?.text;
      const t = lowerType(spec.childForFieldName('type'), named);
      if (name && t) named.set(name, t.k === 'struct' ? { ...t, name } : t);
    }
  }
  return named;
}
