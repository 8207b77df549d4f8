/**
 * Calls whose value comes from a loop over a constant table are reported once per entry
 * (DecodedValue.entry, same call span): the hover and the inlay hint list every entry's
 * value at that call, so the reader sees the whole table where it is used.
 */
import type { CallSite, Span } from '../analysis/callSite';

const MAX_LISTED = 16;

function sameSpan(a: Span, b: Span): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/** Every entry site of the call `site` belongs to (itself included), in entry order; [] when not a table call. */
export function entrySites(sites: readonly CallSite[], site: CallSite): CallSite[] {
  if (!site.value?.entry) return [];
  return sites
    .filter((s) => s.value?.entry && sameSpan(s.span, site.span) && sameSpan(s.value.span, site.value!.span))
    .sort((a, b) => a.value!.entry!.index - b.value!.entry!.index);
}

/** The entry's short name: `RANGES[2]` of `RANGES[2] = {41000, 40999}`, else the whole label. */
export function entryName(site: CallSite): string {
  const label = site.value?.entry?.label ?? '';
  const i = label.indexOf(' = ');
  return i > 0 ? label.slice(0, i) : label;
}

/** At most MAX_LISTED items and a "+N more" tail. */
export function listed<T>(items: readonly T[]): { shown: readonly T[]; more: number } {
  return { shown: items.slice(0, MAX_LISTED), more: Math.max(0, items.length - MAX_LISTED) };
}
