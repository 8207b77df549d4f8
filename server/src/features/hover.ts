/**
 * Hover on a call site (the call, the option name or the value expression): the decoded
 * value, the effective range the engine computes under the configured netns range and
 * kernel, what the kernel does with the call, and the capacity it gives.
 * Markdown, never trusted: every string that comes from the user's code is escaped.
 */
import type { Hover, MarkupContent, Position } from 'vscode-languageserver-types';
import type { CallSite } from '../analysis/callSite';
import type { FeatureEnv } from './env';
import { callSiteContaining, hex32, spanContains, toRange } from './spans';
import { portsText, ruleText, summarize, type CallSummary } from './summary';
import { entrySites, listed } from './entries';
import { inlayLabel } from './inlayHints';

/** Escapes text for CommonMark so it renders literally (no links, HTML, emphasis or code). */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => '\\' + c)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r?\n|\r/g, ' ');
}

/** Code-derived text is shortened first so a hover never carries a whole file. */
function code(s: string, max = 80): string {
  const t = s.length > max ? s.slice(0, max - 1) + '…' : s;
  return escapeMarkdown(t);
}

export type HoverPart = 'call' | 'option' | 'value';

export function hoverAt(sites: readonly CallSite[], position: Position, env: FeatureEnv): Hover | null {
  const site = callSiteContaining(sites, position);
  if (!site) return null;
  let part: HoverPart = 'call';
  let range = toRange(site.span);
  if (spanContains(site.optname.span, position)) {
    part = 'option';
    range = toRange(site.optname.span);
  } else if (site.value && spanContains(site.value.span, position)) {
    part = 'value';
    range = toRange(site.value.span);
  }
  return { contents: hoverMarkdown(site, env, part, entrySites(sites, site)), range };
}

/** A value bounded by its inputs (DecodedValue.bounded): the inputs and each half's range as written. */
function boundedText(site: CallSite): string {
  const b = site.value?.bounded;
  if (!b) return '';
  const inputs = b.inputs.map((i) => `${code(i.name, 30)} (${i.type}, searched ${i.lo}–${i.hi})`).join(', ');
  const halves = (['lo', 'hi'] as const).flatMap((k) => (b[k] ? [`${k} = ${code(b[k]!.text, 60)}: ${b[k]!.lo}..${b[k]!.hi}`] : []));
  return `  \nIt depends on ${inputs}${halves.length ? `; ${halves.join(', ')}` : ''}${b.guard ? `; checked before the call by ${code(b.guard, 60)}` : ''}.`;
}

/** The values of every entry of the table at this call (one site each). */
function entryLines(entries: readonly CallSite[], env: FeatureEnv): string[] {
  if (entries.length < 2) return [];
  const { shown, more } = listed(entries);
  const rows = shown.map((e) => `- ${code(e.value!.entry!.label, 80)}: ${escapeMarkdown(inlayLabel(e, env) ?? 'not statically known')}${e.diagnostics.length ? ` · ${escapeMarkdown(e.diagnostics.map((d) => d.code).join(', '))}` : ''}`);
  if (more) rows.push(`- … ${more} more`);
  return [`**Table entries at this call (${entries.length}):**\n${rows.join('\n')}`];
}

function netnsText(env: FeatureEnv): string {
  const r = env.resolved;
  return `${r.netns.lo}–${r.netns.hi}${r.netnsSource === 'proc' ? ' (this machine)' : ''}`;
}

function capacityLines(site: CallSite, s: CallSummary, env: FeatureEnv): string[] {
  const e = s.effective;
  if (!e) return [];
  const n = e.usable;
  const reserved = e.reserved ? ` (${e.reserved} reserved by ip\\_local\\_reserved\\_ports)` : '';
  const proto = site.socket.proto;
  const lines: string[] = [];
  if (proto === 'udp') {
    lines.push(`**Capacity:** ${n} UDP sockets in total${reserved}: UDP autobind gives each socket its own port, whatever the destination (spec §5.3)`);
  } else {
    const assumed = proto === 'unknown' ? ' (protocol not known from the code: TCP assumed)' : '';
    lines.push(`**Capacity per destination:** ${n} concurrent TCP connect() sockets to one address:port${reserved}; bind(0)/listen() take ports exclusively: ${n} in total (spec §5.1, §5.2)${assumed}`);
    if (e.ports % 2 === 1 && e.ports <= 9 && e.ports > 1) {
      lines.push(`Odd-sized range: bind(0)/listen() may reach only ${e.ports - 1} of them (quirk Q1, spec §5.7)`);
    }
  }
  return lines;
}

export function hoverMarkdown(site: CallSite, env: FeatureEnv, part: HoverPart = 'call', entries: readonly CallSite[] = []): MarkupContent {
  const s = summarize(site, env);
  const out: string[] = [];
  const fn = site.op === 'set' ? 'setsockopt' : 'getsockopt';
  out.push(`**IP\\_LOCAL\\_PORT\\_RANGE** · ${fn}${site.callee !== fn ? ` via ${code(site.callee, 60)}` : ''}`);
  out.push(...entryLines(entries, env));
  if (site.value?.entry) out.push(`Entry ${code(site.value.entry.label, 80)} (${site.value.entry.index + 1} of ${site.value.entry.count}):`);
  if (part === 'option') {
    out.push(`Option ${code(site.optname.text)} = ${site.optname.value ?? 'not statically known'} at level ${code(site.level.text)} = ${site.level.value ?? 'not statically known'}`);
  } else if (part === 'value' && site.value) {
    const text = site.facts.valueExpr?.text;
    out.push(`Value${text ? ' ' + code(text) : ''}${site.value.form ? ` (built with ${code(site.value.form, 30)})` : ''}`);
  }

  if (s.lo !== null && s.hi !== null) {
    const cells = [
      `lo ${s.lo === 0 ? '0 (unset)' : s.lo}`,
      `hi ${s.hi === 0 ? '0 (unset)' : s.hi}`,
      s.ports !== null ? portsText(s.ports) : s.lo !== 0 && s.hi !== 0 && s.lo > s.hi ? 'lo > hi' : 'half range',
      s.packed !== null ? `packed ${hex32(s.packed)} (${s.packed >>> 0})` : 'packed value not known',
    ];
    out.push(cells.join(' · '));
    const v = site.value;
    if (v) {
      const extra: string[] = [];
      if (v.byteOrder !== 'host' && v.byteOrder !== 'unknown') extra.push(`byte order: ${v.byteOrder}`);
      if (v.optlen !== null && v.optlen !== 4) extra.push(`optlen ${v.optlen} (the kernel requires 4)`);
      if ((v.intendedLo ?? null) !== null && (v.intendedLo !== s.lo || v.intendedHi !== s.hi)) {
        extra.push(`written as lo ${v.intendedLo} / hi ${v.intendedHi ?? '?'}`);
      }
      if (extra.length) out.push(extra.join(' · '));
    }
  } else if (site.op === 'set') {
    out.push('Value not statically known.' + boundedText(site));
  }

  if (site.op === 'set') {
    const e = s.effective;
    if (e) {
      out.push(
        `**Effective range** (netns ${netnsText(env)}, Linux ${env.resolved.kernel.version}): **${e.lo}–${e.hi}** · ${portsText(e.ports)}` +
          (e.notApplied
            ? `  \nThe netns range: ${escapeMarkdown(e.notApplied)}.`
            : `  \nRule: ${ruleText(e.rule)} (inet\\_sk\\_get\\_local\\_port\\_range, spec §4.1)`),
      );
    } else {
      out.push(`Netns range ${netnsText(env)}, Linux ${env.resolved.kernel.version}.`);
    }
  }

  const verdict = s.verdict;
  const what =
    verdict.kind === 'accept' ? 'accepts' :
    verdict.kind === 'ignore' ? 'accepts, then ignores it' :
    verdict.kind === 'error' ? `fails with ${verdict.errno}` : 'cannot be decided statically';
  out.push(`**Kernel:** ${what}: ${escapeMarkdown(verdict.detail)}`);
  if (site.op === 'set') out.push(...capacityLines(site, s, env));

  if (site.diagnostics.length) {
    out.push(site.diagnostics.map((d) => `- ${escapeMarkdown(d.code)}: ${code(d.message, 300)}`).join('\n'));
  }
  return { kind: 'markdown', value: out.join('\n\n') };
}
