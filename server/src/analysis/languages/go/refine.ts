/**
 * Go's SiteHooks.refine (core/siteHooks.ts), what only Go adds to a site judged by core/sites.ts:
 * the value as x/sys/unix passes it (labels from decode.ts), 51 reached through a constant
 * named like another option at another level (not this option), getsockopt without a value,
 * and the socket context of the Control closure or raw fd (socket.ts).
 */
import type { Operand } from '../../callSite';
import type { Expr } from '../../core/form';
import { traced } from '../../core/sites';
import type { SiteAt } from '../../core/siteHooks';
import type { RawCallSite } from '../types';
import { bytesLabels, intendedOf, readBackLabels, type Labels } from './decode';
import type { GoLowered } from './lower';
import type { GoEval } from './nodes';
import { socketContext, type Matches } from './socket';

const RANGE_NAME = /^ip_?local_?port_?range$/i;

/** 51 through names that do not say "port range" (const hopLimit = 51): another option's 51. */
function otherName(view: GoEval, e: Expr, depth = 0): boolean {
  if (e.k !== 'name' || e.name.includes('.') || depth > 8) return false;
  if (RANGE_NAME.test(e.name)) return false;
  const b = view.ev.binding(e.name, e.at.start, view.unit.scopeAt(e.at.start));
  const inner = b && b.values.length === 1 ? b.values[0]! : null;
  return (inner ? otherName(view, inner, depth + 1) : false) || !/range/i.test(e.name);
}

export function refineSite(site: RawCallSite, at: SiteAt, g: GoLowered, view: GoEval, ms: Matches): RawCallSite | null {
  const s = g.sockopts.get(at.call);
  if (!s) return site;
  const { call, chain, shape } = at;
  const unit = g.unit;
  const outer = chain.length ? chain[chain.length - 1]! : call;
  const opt = traced(call.args[shape.opt]!, [...chain], unit, call) ?? call.args[shape.opt]!;
  const out: RawCallSite = { ...site, facts: { ...site.facts }, optname: { ...site.optname } };
  if (otherName(view, opt) && out.level.value !== null && out.level.value !== 0) return null;
  if (s.kind !== 'c') delete out.facts.optlenExpr;
  const fdNode = chain.length ? null : s.node.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment')[shape.fd] ?? null;
  const outerNode = chain.length ? view.root.namedDescendantForIndex(outer.at.start, outer.at.end - 1) : s.node;
  const fdOuter = chain.length ? traced(call.args[shape.fd]!, [...chain], unit, call) : null;
  const fdOuterNode = fdOuter ? view.root.namedDescendantForIndex(fdOuter.at.start, Math.max(fdOuter.at.start, fdOuter.at.end - 1)) : fdNode;
  if (outerNode) out.socket = socketContext(view, ms, outerNode, fdOuterNode ?? null);
  if (s.kind === 'get') return { ...out, value: null };
  if (!out.value || s.kind === 'c') return out;
  const scope = unit.scopeAt(call.at.start);
  const frame = new Map(at.frame);
  const val = call.args[shape.val]!;
  let labels: Labels;
  if (s.kind === 'string') labels = bytesLabels(at.ev, val, frame, scope, call.at.start) ?? { order: 'unknown', form: 'bytes', intended: null };
  else if (s.kind === 'byte') labels = { order: 'host', form: 'byte', intended: null };
  else labels = readBackLabels(at.ev, val, frame, scope, call.at.start) ?? { order: 'host', form: 'int', intended: intendedOf(at.ev, val, frame, scope) };
  const value = { ...out.value, byteOrder: labels.order, form: labels.form };
  if (s.kind === 'byte') value.intendedLo = value.intendedHi = null;
  else if (labels.intended && labels.intended.lo !== null && labels.intended.hi !== null) {
    value.intendedLo = Number(labels.intended.lo);
    value.intendedHi = Number(labels.intended.hi);
  }
  if (!chain.length && s.written) value.span = s.written.span;
  const written: Operand | undefined = chain.length ? out.facts.valueExpr : s.written ? { text: s.written.text, value: null, span: s.written.span } : undefined;
  if (written) out.facts.valueExpr = { ...written, value: value.packed };
  return { ...out, value };
}
