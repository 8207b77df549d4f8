/**
 * Rust types as the common form's FormType: the primitive integers, libc's C aliases
 * (c_int, socklen_t...), `type X = Y` aliases of the file, arrays `[u8; 4]`, references and
 * raw pointers, and struct names (their layout is in the unit's `types`, filled from
 * `#[repr(C)]` structs). A generic parameter stays `unknown` with its own name, so a caller
 * can bind it (size_of::<T>() in a generic helper).
 */
import type { Node } from 'web-tree-sitter';
import type { FormType } from '../../core/form';

const PRIMS: Record<string, [bits: number, unsigned: boolean]> = {
  u8: [8, true], u16: [16, true], u32: [32, true], u64: [64, true], u128: [128, true], usize: [64, true],
  i8: [8, false], i16: [16, false], i32: [32, false], i64: [64, false], i128: [128, false], isize: [64, false],
  // libc's C aliases on Linux LP64.
  c_char: [8, false], c_schar: [8, false], c_uchar: [8, true], c_short: [16, false], c_ushort: [16, true],
  c_int: [32, false], c_uint: [32, true], c_long: [64, false], c_ulong: [64, true], c_longlong: [64, false],
  c_ulonglong: [64, true], socklen_t: [32, true], size_t: [64, true], ssize_t: [64, false], in_port_t: [16, true],
  __u8: [8, true], __u16: [16, true], __u32: [32, true], __u64: [64, true], RawFd: [32, false], bool: [8, true],
};

export function intType(name: string): FormType | null {
  const p = PRIMS[name];
  return p ? { k: 'int', int: { bits: p[0], unsigned: p[1] }, name } : null;
}

/** The last segment of a path type: `libc::c_int` → c_int, `std::os::raw::c_uint` → c_uint. */
export function lastSegment(text: string): string {
  const m = /([A-Za-z_][A-Za-z0-9_]*)\s*(<.*>)?\s*$/.exec(text);
  return m ? m[1]! : text;
}

/** A Rust type node → FormType (`aliases`: the file's `type X = Y`, already lowered). */
export function lowerType(n: Node | null, aliases: ReadonlyMap<string, FormType>, typeParams: ReadonlySet<string> = new Set(), depth = 0): FormType | null {
  if (!n || depth > 16) return null;
  switch (n.type) {
    case 'primitive_type':
    case 'type_identifier':
    case 'scoped_type_identifier': {
      const name = lastSegment(n.text);
      if (typeParams.has(name)) return { k: 'typeParam', name };
      return aliases.get(name) ?? intType(name) ?? { k: 'unknown', name };
    }
    case 'array_type': {
      const elem = lowerType(n.childForFieldName('element'), aliases, typeParams, depth + 1);
      const lenNode = n.childForFieldName('length');
      const count = lenNode && /^\d+$/.test(lenNode.text.replace(/_/g, '').replace(/usize$/, '')) ? Number(lenNode.text.replace(/_|usize/g, '')) : null;
      if (!elem) return null;
      if (elem.k === 'int' && elem.int.bits === 8) return { k: 'bytes', size: count, name: n.text };
      return { k: 'array', elem, count, name: n.text };
    }
    case 'reference_type':
    case 'pointer_type': {
      const to = lowerType(n.childForFieldName('type'), aliases, typeParams, depth + 1) ?? { k: 'unknown', name: '_' };
      return { k: 'pointer', to, name: n.text };
    }
    case 'generic_type': {
      // MaybeUninit<T>, Wrapping<T>: the size is T's.
      const base = lastSegment(n.childForFieldName('type')?.text ?? '');
      const arg = n.childForFieldName('type_arguments')?.namedChildren.find((c) => c !== null && c.type !== 'lifetime') ?? null;
      if (base === 'MaybeUninit' || base === 'Wrapping') return lowerType(arg, aliases, typeParams, depth + 1);
      return { k: 'unknown', name: n.text };
    }
    case 'tuple_type':
    case 'unit_type':
      return { k: 'unknown', name: n.text };
    default:
      return null;
  }
}
