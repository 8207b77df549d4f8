/**
 * The option a Go call sets: unix/syscall constants (syscall has no IP_LOCAL_PORT_RANGE),
 * 51 and named fallbacks.
 */
import type { Node } from 'web-tree-sitter';
import type { OptInfo } from '../../core/driver';
import { operand, IP_LOCAL_PORT_RANGE } from '../../core/tree';
import { stripConv } from './calls';
import { ev, evInt } from './evaluate';
import { lookup } from './scope';
import { Ctx, OTHER_OPTION_51, RANGE_NAME, Scope } from './values';

// ---------------------------------------------------------------- option classification


export function classifyOpt(ctx: Ctx, n: Node, scope: Scope, depth = 0): OptInfo {
  const v = evInt(ctx, n, scope);
  const num = v ? Number(v.v) : null;
  const base: OptInfo = { value: num, isRange: false, name: null, facts: {} };
  const s = stripConv(n);
  if (s.type === 'int_literal') {
    base.isRange = num === IP_LOCAL_PORT_RANGE;
    if (base.isRange) { base.facts.magicNumber = operand(s, num); base.name = RANGE_NAME; }
    if (num === 24) base.name = 'IP_BIND_ADDRESS_NO_PORT';
    return base;
  }
  if (s.type === 'selector_expression') {
    const field = s.childForFieldName('field')?.text ?? '';
    const obj = ev(ctx, s.childForFieldName('operand'), scope);
    base.name = field;
    if (field === RANGE_NAME) {
      base.isRange = true;
      if (obj?.k === 'pkg' && obj.path === 'syscall') {
        base.value = IP_LOCAL_PORT_RANGE; // the intent; the program does not compile
        base.facts.missingConstant = operand(s, IP_LOCAL_PORT_RANGE);
      }
      return base;
    }
    base.isRange = num === IP_LOCAL_PORT_RANGE && !OTHER_OPTION_51.has(field) && obj?.k !== 'pkg';
    return base;
  }
  if (s.type === 'identifier') {
    const b = lookup(ctx, s.text, scope);
    base.name = s.text;
    if (b?.kind === 'expr' && depth < 8) {
      const inner = classifyOpt(ctx, b.node, b.scope, depth + 1);
      const facts = { ...inner.facts };
      delete facts.magicNumber; // a named constant, even when it is 0x33
      const isRangeName = /^ip_?local_?port_?range$/i.test(s.text);
      if (isRangeName && num !== null && num !== IP_LOCAL_PORT_RANGE) facts.fallbackDefine = operand(b.decl, num);
      return { value: num ?? inner.value, isRange: isRangeName || inner.isRange, name: isRangeName ? RANGE_NAME : inner.name ?? s.text, facts, otherName: !isRangeName && (inner.otherName || !/range/i.test(s.text)) };
    }
    base.isRange = /^ip_?local_?port_?range$/i.test(s.text) || (num === IP_LOCAL_PORT_RANGE && !OTHER_OPTION_51.has(s.text));
    return base;
  }
  base.isRange = num === IP_LOCAL_PORT_RANGE;
  return base;
}
