/**
 * The optval of a C call decoded as the kernel reads it: integers, arrays of u16, structs
 * {lo, hi}, byte swaps, and the optlen the call passes.
 */
import type { Node } from 'web-tree-sitter';
import type { DecodedValue } from '../../callSite';
import { UINT, promote, toNumber, wrap, type Folded, type IntType } from '../../core/numeric';
import { spanOf } from '../../core/tree';
import { CFile } from './fold';
import { Decoded, Halves, identifiersIn, nameSide, shiftOr } from './shiftOr';
import { CType, Env, HI_NAME, LO_NAME, UNKNOWN_TYPE, VarSym, namedArgs, operand, stripCasts, stripParens } from './syntax';

export function decodeValue(f: CFile, call: Node, valueArg: Node, optlenArg: Node | null, env: Env, op: 'set' | 'get'): Decoded {
  const span = spanOf(valueArg);
  let optlen: number | null = null;
  if (optlenArg) {
    if (op === 'set') optlen = toNumber(f.fold(optlenArg, env).value);
    else {
      const p = stripParens(optlenArg);
      if (p?.type === 'pointer_expression' && p.child(0)?.type === '&') optlen = toNumber(f.fold(p.childForFieldName('argument'), env).value);
    }
  }
  const unknownValue = (form: string): DecodedValue => ({
    lo: null, hi: null, packed: null, byteOrder: 'unknown', optlen, form, span,
  });
  if (op === 'get') return { value: { ...unknownValue('buffer'), byteOrder: 'host' } };

  const core = stripCasts(valueArg);
  let targetType: CType = UNKNOWN_TYPE;
  let sym: VarSym | null = null;
  let literal: Node | null = null;
  if (core?.type === 'pointer_expression' && core.child(0)?.type === '&') {
    const t = stripParens(core.childForFieldName('argument'));
    if (t?.type === 'identifier') {
      sym = f.lookupVar(t.text, t, env.fn);
      if (sym) targetType = f.typeOfVar(sym);
    } else if (t?.type === 'compound_literal_expression') {
      const td = t.childForFieldName('type');
      targetType = td ? f.typeOf(td.childForFieldName('type'), td.childForFieldName('declarator')) : UNKNOWN_TYPE;
      literal = t.childForFieldName('value');
    }
  } else if (core?.type === 'identifier') {
    sym = f.lookupVar(core.text, core, env.fn);
    const t = sym ? f.typeOfVar(sym) : UNKNOWN_TYPE;
    if (t.kind === 'array') targetType = t;
    else sym = null; // a pointer variable: what it points to is not followed
  }
  if (!sym && !literal) return { value: unknownValue('pointer') };
  const symEnv: Env = sym && !sym.isParam ? { bind: env.bind, fn: f.functionAt(sym.declarator) } : env;
  const little = f.input.hostByteOrder === 'little';

  // Two evaluations: as the kernel reads it, and as written (byte swaps as identity).
  const run = <T>(intent: boolean, fn: () => T): { r: T; swapped: boolean } => {
    f.sawSwap = false;
    const r = f.withEnv(symEnv, () => f.withMode(intent, fn));
    const swapped = f.sawSwap;
    f.sawSwap = false;
    return { r, swapped };
  };

  const wholeNode = literal ? (namedArgs(literal).length === 1 ? namedArgs(literal)[0]! : null) : sym ? f.valueNode(sym, valueArg) : null;
  const finishInt = (bytes: number, form: string): Decoded => {
    const shifts: { node: Node; left: Folded }[] = [];
    f.shiftSink = (node, left, right) => {
      if (left.type && !promote(left.type).unsigned && right.value !== null && right.value >= 16n) shifts.push({ node, left });
    };
    let kernel: { r: Folded; swapped: boolean };
    let written: { r: Folded; swapped: boolean };
    try {
      kernel = run(false, () => f.ev.fold(wholeNode));
    } finally {
      f.shiftSink = null;
    }
    written = run(true, () => f.ev.fold(wholeNode));
    const it: IntType = targetType.kind === 'int' ? targetType.int : UINT;
    const raw = kernel.r.value;
    let packed: number | null = null;
    if (raw !== null) {
      const v = wrap(raw, it);
      // The first 4 bytes of a wider integer: its low half on little-endian, high half on big-endian.
      const first4 = bytes > 4 ? (little ? BigInt.asUintN(32, v) : BigInt.asUintN(32, v >> BigInt((bytes - 4) * 8))) : BigInt.asUintN(32, v);
      packed = bytes < 4 ? Number(BigInt.asUintN(bytes * 8, v)) : Number(first4);
    }
    let intendedLo: number | null = null;
    let intendedHi: number | null = null;
    let lo = packed === null ? null : packed & 0xffff;
    let hi = packed === null ? null : packed >>> 16;
    const halves = shiftOr(f, wholeNode, symEnv);
    let names: { upper: 'lo' | 'hi' | null; lower: 'lo' | 'hi' | null } = { upper: null, lower: null };
    if (halves) {
      const u = f.fold(halves.upper, halves.env, true).value;
      const l = f.fold(halves.lower, halves.env, true).value;
      intendedHi = toNumber(u);
      intendedLo = toNumber(l);
      const argNames = (halves as Halves & { argNames?: Map<string, string> }).argNames;
      // A parameter passed a named value is judged by the caller's name; passed a literal, by its own.
      const nm = (n: Node) => identifiersIn(n).map((x) => {
        const a = argNames?.get(x);
        return a !== undefined && /[A-Za-z_]/.test(a) ? a : x;
      });
      names = { upper: nameSide(nm(halves.upper)), lower: nameSide(nm(halves.lower)) };
    } else if (written.r.value !== null) {
      const w = BigInt.asUintN(32, wrap(written.r.value, it));
      intendedLo = Number(w & 0xffffn);
      intendedHi = Number(w >> 16n);
    }
    if (written.r.value !== null && (written.r.value < 0n || written.r.value > 0xffffffffn) && intendedHi === null) {
      intendedHi = Number(written.r.value >> 16n);
    }
    let swappedByNames = names.upper === 'lo' || names.lower === 'hi';
    let form2 = halves ? 'shift-or' : form;
    if (halves && !swappedByNames && intendedLo !== null && intendedHi !== null && lo !== null && hi !== null &&
        lo !== 0 && hi !== 0 && lo > hi && !names.upper && !names.lower && !kernel.swapped) {
      // Constants packed the wrong way round: the smaller one went into the upper half.
      swappedByNames = true;
    }
    if (swappedByNames && intendedLo !== null && intendedHi !== null) {
      const t = intendedLo;
      intendedLo = intendedHi;
      intendedHi = t;
      form2 = 'shift-or-swapped';
    }
    const byteOrder = kernel.swapped && little ? 'network' : 'host';
    if (bytes === 2) { lo = packed; hi = 0; }
    const signed0 = shifts.find((s) => s.node.tree === f.input.tree) ?? shifts[0];
    // A shift inside another function (a value helper) is reported at this call's value.
    const elsewhere = signed0 && signed0.node.tree === f.input.tree && f.functionAt(signed0.node)?.node.id !== env.fn?.node.id &&
      f.functionAt(signed0.node)?.node.id !== symEnv.fn?.node.id;
    const signed = signed0 && elsewhere
      ? { node: valueArg, left: signed0.left, where: `${signed0.node.text} in ${f.functionAt(signed0.node)?.name ?? 'a helper'}()` }
      : signed0;
    return {
      value: { lo, hi, packed, byteOrder, optlen, intendedLo, intendedHi, form: form2, span },
      signedShift: signed
        ? 'where' in signed
          ? { text: signed.where, value: toNumber(signed.left.value), span }
          : operand(
            signed.node.tree === f.input.tree ? signed.node : valueArg,
            toNumber(signed.left.value),
            signed.node.tree === f.input.tree ? spanOf(signed.node) : span,
          )
        : undefined,
      valueOperand: operand(valueArg, packed),
    };
  };

  if (targetType.kind === 'int') return finishInt(targetType.size, 'int');
  if (targetType.kind === 'unknown' && wholeNode && !literal) return finishInt(4, 'int');

  // struct {u16 a, b} and u16[2] / u32[2]: halves in memory order.
  const parts: { name: string; node: Node | null; type: CType }[] = [];
  const init = literal ?? (sym ? sym.init : null);
  const items = init?.type === 'initializer_list' ? namedArgs(init) : [];
  if (targetType.kind === 'struct' && targetType.fields.length >= 1) {
    targetType.fields.forEach((fd, i) => {
      let node: Node | null = null;
      const des = items.find((it) => it.type === 'initializer_pair' && it.childForFieldName('designator')?.text.replace(/^\./, '') === fd.name);
      if (des) node = des.childForFieldName('value');
      else if (items.length && !items.some((it) => it.type === 'initializer_pair')) node = items[i] ?? null;
      const assigned = sym?.parts.get(fd.name);
      if (assigned && assigned.length === 1 && !node) node = assigned[0]!;
      else if (assigned && assigned.length) node = null;
      parts.push({ name: fd.name, node, type: fd.type });
    });
    // {0} / {} leave the other fields zero.
    if (items.length && !items.some((it) => it.type === 'initializer_pair')) {
      for (let i = items.length; i < parts.length; i++) if (!parts[i]!.node && !sym?.parts.get(parts[i]!.name)) parts[i]!.node = null;
    }
  } else if (targetType.kind === 'array') {
    const n = targetType.n ?? items.length;
    for (let i = 0; i < Math.min(n, 2); i++) {
      let node: Node | null = items[i] && items[i]!.type !== 'initializer_pair' ? items[i]! : null;
      const assigned = sym?.parts.get(`[${i}]`);
      if (assigned && assigned.length === 1 && !node) node = assigned[0]!;
      parts.push({ name: `[${i}]`, node, type: targetType.elem });
    }
  } else {
    return { value: unknownValue('unknown') };
  }
  const form = targetType.kind === 'struct' ? 'struct' : 'array';
  const elemSize = parts[0]?.type.size ?? null;
  const zeroFill = items.length > 0 || (literal !== null);
  const foldPart = (p: { node: Node | null; type: CType } | undefined, intent: boolean): { v: bigint | null; swapped: boolean } => {
    if (!p) return { v: null, swapped: false };
    if (!p.node) return { v: zeroFill ? 0n : null, swapped: false };
    const { r, swapped } = run(intent, () => f.ev.fold(p.node));
    return { v: r.value === null ? null : p.type.kind === 'int' ? wrap(r.value, p.type.int) : r.value, swapped };
  };
  if (elemSize === 2 && parts.length >= 2) {
    const a = foldPart(parts[0], false);
    const b = foldPart(parts[1], false);
    const aw = foldPart(parts[0], true);
    const bw = foldPart(parts[1], true);
    // Memory order: on little-endian the first u16 is the low half of the u32 the kernel reads.
    const [loP, hiP, loW, hiW, loName, hiName] = little
      ? [a.v, b.v, aw.v, bw.v, parts[0]!.name, parts[1]!.name]
      : [b.v, a.v, bw.v, aw.v, parts[1]!.name, parts[0]!.name];
    const lo = toNumber(loP);
    const hi = toNumber(hiP);
    const packed = lo !== null && hi !== null ? ((hi << 16) | lo) >>> 0 : null;
    let intendedLo = toNumber(loW);
    let intendedHi = toNumber(hiW);
    const swappedLayout = form === 'struct' && HI_NAME.test(loName) && LO_NAME.test(hiName) && !LO_NAME.test(loName);
    if (swappedLayout) { const t = intendedLo; intendedLo = intendedHi; intendedHi = t; }
    // Raw values before the u16 truncation, for half-overflow.
    const rawLo = f.fold(parts[little ? 0 : 1]!.node, symEnv, true).value;
    const rawHi = f.fold(parts[little ? 1 : 0]!.node, symEnv, true).value;
    if (rawLo !== null && (rawLo > 0xffffn || rawLo < 0n)) intendedLo = toNumber(rawLo);
    if (rawHi !== null && (rawHi > 0xffffn || rawHi < 0n)) intendedHi = toNumber(rawHi);
    const swapped = (a.swapped || b.swapped) && little;
    return {
      value: {
        lo, hi, packed, byteOrder: swapped ? 'network' : 'host', optlen, intendedLo, intendedHi,
        form: swappedLayout ? `${form}-swapped` : form, span,
      },
      valueOperand: operand(valueArg, packed),
    };
  }
  if (elemSize !== null && elemSize >= 4 && parts.length >= 1) {
    // u32[2] etc.: the kernel reads the first element's first 4 bytes.
    const a = foldPart(parts[0], false);
    const v = a.v === null ? null : Number(BigInt.asUintN(32, little ? a.v : a.v >> BigInt((elemSize - 4) * 8)));
    return {
      value: { lo: v === null ? null : v & 0xffff, hi: v === null ? null : v >>> 16, packed: v, byteOrder: a.swapped && little ? 'network' : 'host', optlen, form, span },
      valueOperand: operand(valueArg, v),
    };
  }
  return { value: unknownValue(form) };
}
