/**
 * Byte values for the evaluator (FormEvaluator.bytes): the bytes of an encode step, a byte
 * literal, a concatenation, a buffer built step by step (make/append/PutUint16/index stores),
 * an initialiser in memory (each element in host order by its type's size), a loop variable
 * whose entries are structs (core/tables.ts), and, through core/bytesVia.ts, a field bound once
 * or a project function's return.
 */
import type { Binding, Expr, FormScope } from './form';
import { bytesOf } from './numeric';
import { sizeOf } from './sizes';
import { bytesVia } from './bytesVia';
import { loopBytes } from './tables';
import { memberPath, type Bytes, type FormEvaluator } from './evaluator';
import { MAX_SET, valuesOf, type Value } from './value';

type Frame = Map<string, Value>;
const NO_BYTES: Bytes = { k: 'unknown' };

export function bytesOfExpr(ev: FormEvaluator, e: Expr, frame: Frame, sc: FormScope): Bytes {
  if (!ev.spend()) return NO_BYTES;
  const unit = ev.unit;
  switch (e.k) {
    case 'byteLit':
      return { k: 'bytes', alts: [e.bytes] };
    case 'encode': {
      const v = ev.value(e.value, frame, sc);
      const vs = valuesOf(v);
      if (!vs) return NO_BYTES;
      const order = e.order === 'host' ? unit.hostByteOrder : e.order;
      return { k: 'bytes', alts: vs.map((x) => bytesOf(x, e.size, order)), ...(v.k === 'set' && v.labels ? { labels: [...v.labels] } : {}) };
    }
    case 'concat': {
      let acc: number[][] = [[]];
      let labels: string[] = [''];
      let labelled = false;
      for (const p of e.parts) {
        const b = ev.bytes(p, frame, sc);
        if (b.k === 'unknown' || acc.length * b.alts.length > MAX_SET) return NO_BYTES;
        const alts: number[][] = [];
        const ls: string[] = [];
        acc.forEach((x, i) => b.alts.forEach((y, j) => {
          alts.push([...x, ...y]);
          ls.push([labels[i], b.labels?.[j]].filter(Boolean).join(', '));
        }));
        labelled ||= !!b.labels;
        acc = alts;
        labels = ls;
      }
      // Labels as for binary values: "A, A" when both parts come from one table row.
      return labelled ? { k: 'bytes', alts: acc, labels } : { k: 'bytes', alts: acc };
    }
    case 'name': {
      const loop = loopBytes(ev, e.name, e.at.start, frame, sc);
      if (loop) return loop;
      const b = ev.binding(e.name, e.at.start, sc);
      if (!b || b.escapes) return NO_BYTES;
      if (b.steps?.length) return buffer(ev, b, e.at.start, frame);
      const before = b.values.filter((v) => v.at.start < e.at.start || b.kind === 'const');
      return before.length === 1 ? ev.bytes(before[0]!, frame, sc) : NO_BYTES;
    }
    case 'addr': {
      // &b[k] of an array: its bytes from element k on (the kernel reads on past the element).
      const a = e.arg;
      const t = a.k === 'index' ? ev.typeOfExpr(a.object, sc) : null;
      const size = t?.k === 'array' ? sizeOf(t.elem, unit) : null;
      const k = a.k === 'index' && size !== null ? ev.value(a.index, frame, sc) : null;
      if (a.k === 'index' && k?.k === 'exact' && size !== null) {
        const whole = ev.bytes(a.object, frame, sc);
        return whole.k === 'bytes' ? { ...whole, alts: whole.alts.map((bs) => bs.slice(Number(k.v) * size)) } : whole;
      }
      return ev.bytes(a, frame, sc);
    }
    case 'deref':
      return ev.bytes(e.arg, frame, sc);
    case 'init': {
      // An array/struct of integers in memory: each element in host order, by its type's size.
      const t = e.type;
      const sizes = e.items.map((it, i) => {
        const ft = t?.k === 'array' ? t.elem : t?.k === 'struct' ? t.fields.find((f) => f.name === it.field)?.type ?? t.fields[i]?.type : null;
        return ft?.k === 'int' ? ft.int.bits / 8 : null;
      });
      if (sizes.includes(null)) return NO_BYTES;
      const parts: Expr[] = e.items.map((it, i) => ({ k: 'encode', value: it.value, size: sizes[i]!, order: 'host', at: it.value.at }));
      return ev.bytes({ k: 'concat', parts, at: e.at }, frame, sc);
    }
    case 'member':
    case 'index': {
      // A loop variable's struct entry (`tbl[i]`, `t->range` in a pointer walk over a table).
      const path = memberPath(e);
      const loop = path ? loopBytes(ev, path, e.at.start, frame, sc) : null;
      return loop ?? bytesVia(ev, e, frame, sc);
    }
    default: // a project function's return: core/bytesVia.ts
      return bytesVia(ev, e, frame, sc);
  }
}

/** A buffer built step by step (make/append/PutUint16/index stores) up to offset `at`. */
function buffer(ev: FormEvaluator, b: Binding, at: number, frame: Frame): Bytes {
  const init = b.values.length === 1 ? ev.bytes(b.values[0]!, frame) : null;
  if (!init || init.k === 'unknown' || init.alts.length !== 1) return NO_BYTES;
  const buf = [...init.alts[0]!];
  for (const s of b.steps!) {
    if (s.at.start >= at) break;
    if (s.k === 'append') {
      const x = ev.bytes(s.value, frame);
      if (x.k === 'unknown' || x.alts.length !== 1) return NO_BYTES;
      buf.push(...x.alts[0]!);
    } else {
      const v = valuesOf(ev.value(s.value, frame));
      if (!v || v.length !== 1) return NO_BYTES;
      const size = s.k === 'store' ? 1 : s.size;
      const order = s.k === 'store' || s.order === 'host' ? ev.unit.hostByteOrder : s.order;
      const off = s.k === 'store' ? s.index : s.offset;
      if (off + size > buf.length) return NO_BYTES; // would panic / write out of bounds
      buf.splice(off, size, ...bytesOf(v[0]!, size, order));
    }
  }
  return { k: 'bytes', alts: [buf] };
}
