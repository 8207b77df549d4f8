/**
 * The option a Python call sets (socket.IP_LOCAL_PORT_RANGE does not exist; 51 and named
 * fallbacks) and the value it passes, decoded as the kernel reads it.
 */
import type { Node } from 'web-tree-sitter';
import type { ByteOrder, DecodedValue, SyntacticFacts } from '../../callSite';
import type { OptInfo } from '../../core/driver';
import { orderLabel, decoded } from '../../core/halves';
import { args, spanOf, operand, IP_LOCAL_PORT_RANGE } from '../../core/tree';
import { wrapBits, toNum, kernelRead } from '../../core/numeric';
import { intendedOf } from './calls';
import { ev, evInt } from './evaluate';
import { Ctx, lookup, positional } from './scope';
import { OTHER_OPTION_51, RANGE_NAME, Scope } from './values';

// ---------------------------------------------------------------- option / level classification


export function classifyOpt(ctx: Ctx, n: Node, scope: Scope, depth = 0): OptInfo {
  const value = evInt(ctx, n, scope);
  const num = value === null ? null : Number(value);
  const base: OptInfo = { value: num, isRange: false, name: null, facts: {} };
  if (n.type === 'integer') {
    base.isRange = num === IP_LOCAL_PORT_RANGE;
    if (base.isRange) base.facts.magicNumber = operand(n, num);
    base.name = numericOptionName(num);
    return base;
  }
  if (n.type === 'parenthesized_expression' && args(n)[0] && depth < 8) return classifyOpt(ctx, args(n)[0], scope, depth + 1);
  if (n.type === 'attribute') {
    const attr = n.childForFieldName('attribute')?.text ?? '';
    const obj = ev(ctx, n.childForFieldName('object'), scope);
    base.name = attr;
    if (attr === RANGE_NAME) {
      base.isRange = true;
      if (obj?.k === 'module' && obj.name === 'socket') {
        base.value = IP_LOCAL_PORT_RANGE; // the intent; at run time this is an AttributeError
        base.facts.missingConstant = operand(n, IP_LOCAL_PORT_RANGE);
      }
      return base;
    }
    base.isRange = num === IP_LOCAL_PORT_RANGE && !OTHER_OPTION_51.has(attr) && !(obj?.k === 'module' && obj.name === 'socket');
    return base;
  }
  if (n.type === 'call') {
    const f = n.childForFieldName('function');
    const a = positional(args(n.childForFieldName('arguments')));
    if (f?.text === 'getattr' && a.length >= 2) {
      const nameV = ev(ctx, a[1], scope);
      if (nameV?.k === 'str' && nameV.v === RANGE_NAME) {
        base.isRange = true;
        base.name = RANGE_NAME;
        if (a[2] && num !== null && num !== IP_LOCAL_PORT_RANGE) base.facts.fallbackDefine = operand(a[2], num);
        return base;
      }
      if (nameV?.k === 'str') base.name = nameV.v;
      return base;
    }
    base.isRange = num === IP_LOCAL_PORT_RANGE;
    return base;
  }
  if (n.type === 'identifier') {
    const b = lookup(n.text, scope);
    base.name = n.text;
    if (n.text === RANGE_NAME) {
      base.isRange = true;
      if (b?.kind === 'missing') {
        // `from socket import IP_LOCAL_PORT_RANGE` does not exist either (ImportError)
        base.value = IP_LOCAL_PORT_RANGE;
        base.facts.missingConstant = operand(b.node, IP_LOCAL_PORT_RANGE);
      }
      if (b?.kind === 'expr') {
        const inner = classifyOpt(ctx, b.node, b.scope, depth + 1);
        Object.assign(base.facts, inner.facts);
        delete base.facts.magicNumber; // a named constant, even if it is 51
        if (num !== null && num !== IP_LOCAL_PORT_RANGE) base.facts.fallbackDefine = operand(definitionNode(b.node), num);
      }
      return base;
    }
    if (b?.kind === 'expr' && depth < 8) {
      const inner = classifyOpt(ctx, b.node, b.scope, depth + 1);
      inner.facts = { ...inner.facts };
      delete inner.facts.magicNumber;
      return { ...inner, value: num ?? inner.value, name: inner.name ?? n.text, otherName: inner.otherName || !/range/i.test(n.text) };
    }
    base.isRange = num === IP_LOCAL_PORT_RANGE && !OTHER_OPTION_51.has(n.text) && b?.kind !== 'value';
    return base;
  }
  base.isRange = num === IP_LOCAL_PORT_RANGE;
  return base;
}

/** The assignment statement a right-hand side belongs to (for fallbackDefine's span). */
function definitionNode(rhs: Node): Node {
  let p: Node = rhs;
  for (let i = 0; i < 4 && p.parent && (p.parent.type === 'assignment' || p.parent.type === 'expression_list'); i++) p = p.parent;
  return p;
}

function numericOptionName(v: number | null): string | null {
  if (v === IP_LOCAL_PORT_RANGE) return RANGE_NAME;
  if (v === 24) return 'IP_BIND_ADDRESS_NO_PORT';
  return null;
}

// ---------------------------------------------------------------- value decoding at a call

export function decodeValue(ctx: Ctx, valueNode: Node | null, lenNode: Node | null, scope: Scope, facts: SyntacticFacts): DecodedValue | null {
  if (!valueNode) return null;
  facts.valueExpr = operand(valueNode, null);
  const v = ev(ctx, valueNode, scope);
  const span = spanOf(valueNode);
  if (v === null) {
    return null;
  }
  if (v.k === 'int') {
    facts.pythonIntForm = true;
    // CPython: PyArg_ParseTuple "i" -> a C int passed by address with optlen sizeof(int) = 4.
    const packed = Number(wrapBits(v.v, 32, false));
    // valueExpr.value keeps the Python int itself (possibly negative or >= 2^31): CPython raises
    // TypeError exactly when it is outside the C int range [-2^31, 2^31).
    facts.valueExpr = operand(valueNode, toNum(v.v));
    const order: ByteOrder = v.net ? orderLabel('network', ctx.host) : 'host';
    return decoded(packed, order, 4, v.net === 'htonl' ? 'htonl' : 'int', intendedOf(ctx, valueNode, scope), span);
  }
  if (v.k === 'bytes') {
    let optlen: number | null = v.len;
    if (lenNode) optlen = null; // 4-argument form: setsockopt(level, opt, None, optlen) or C-style
    const packed = v.v ? kernelRead(v.v, ctx.host) : null;
    if (packed !== null) facts.valueExpr = operand(valueNode, packed);
    return decoded(packed, orderLabel(v.order, ctx.host), optlen, v.form, v.intended, span);
  }
  if (v.k === 'none' && lenNode) {
    const n = evInt(ctx, lenNode, scope);
    return decoded(null, 'unknown', n === null ? null : Number(n), 'none', null, span);
  }
  return null;
}
