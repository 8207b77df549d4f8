/**
 * Sizes and byte layout of the common form's types (sizeof, size_of::<T>(), optlen from a
 * type): integers, byte arrays, arrays, C struct layout with natural alignment, named types
 * through the unit; byte swaps and integers read back from bytes.
 */
import type { Endian, FormType, FormUnit } from './form';
import { bytesOf } from './numeric';
import { exact, TOP, type Value } from './value';

/** Size in bytes of a form type; null when not known (pointers are 8: LP64). */
export function sizeOf(t: FormType, unit: FormUnit, depth = 0): number | null {
  if (depth > 16) return null;
  switch (t.k) {
    case 'int':
      return t.int.bits / 8;
    case 'bytes':
      return t.size;
    case 'pointer':
      return 8;
    case 'array': {
      const e = sizeOf(t.elem, unit, depth + 1);
      return e === null || t.count === null ? null : e * t.count;
    }
    case 'struct': {
      let size = 0;
      let align = 1;
      for (const f of t.fields) {
        const s = sizeOf(f.type, unit, depth + 1);
        if (s === null) return null;
        const a = f.type.k === 'int' ? s : Math.min(8, s) || 1;
        size = Math.ceil(size / a) * a + s;
        align = Math.max(align, a);
      }
      return Math.ceil(size / align) * align;
    }
    default: {
      const named = unit.types.get(t.name);
      return named && named !== t ? sizeOf(named, unit, depth + 1) : null;
    }
  }
}

export function swap(x: bigint, bits: 16 | 32): bigint {
  return readInt(bytesOf(x, bits / 8, 'little'), 'big', 'little');
}

export function readInt(bs: readonly number[], order: Endian, host: 'little' | 'big'): bigint {
  const o = order === 'host' ? host : order;
  const seq = o === 'little' ? [...bs].reverse() : bs;
  return seq.reduce((acc, b) => (acc << 8n) | BigInt(b & 0xff), 0n);
}

/** Go len(b): the byte count when every alternative of a byte value has the same one. */
export function lengthOf(b: { k: 'bytes'; alts: number[][] } | { k: 'unknown' }): Value {
  return b.k === 'bytes' && b.alts.every((x) => x.length === b.alts[0]!.length) ? exact(b.alts[0]!.length, { bits: 64, unsigned: false }) : TOP;
}
