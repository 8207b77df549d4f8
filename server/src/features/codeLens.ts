/**
 * A code lens above each setsockopt call: "Simulate this socket · 512 ports", running
 * portRangeLens.simulateSocket with { uri, line, character } of the call.
 */
import type { CodeLens } from 'vscode-languageserver-types';
import type { CallSite } from '../analysis/callSite';
import type { FeatureEnv } from './env';
import { portsText, summarize } from './summary';
import { entryName, entrySites } from './entries';

export const SIMULATE_SOCKET_COMMAND = 'portRangeLens.simulateSocket';

export interface SimulateSocketArgs {
  uri: string;
  line: number;
  character: number;
}

export function codeLenses(uri: string, sites: readonly CallSite[], env: FeatureEnv): CodeLens[] {
  const out: CodeLens[] = [];
  for (const site of sites) {
    if (site.op !== 'set') continue;
    // A call over a table is one site per entry: one lens for the call (it simulates the first entry).
    const entry = site.value?.entry;
    if (entry && entry.index > 0 && entrySites(sites, site).some((e) => e.value!.entry!.index < entry.index)) continue;
    const s = summarize(site, env);
    const of = entry ? ` (${entryName(site)}, 1 of ${entry.count} entries)` : '';
    const title = (s.effective ? `Simulate this socket · ${portsText(s.effective.usable)}` : 'Simulate this socket') + of;
    const args: SimulateSocketArgs = { uri, line: site.span.line, character: site.span.column };
    const at = { line: site.span.line, character: site.span.column };
    out.push({ range: { start: at, end: at }, command: { title, command: SIMULATE_SOCKET_COMMAND, arguments: [args] } });
  }
  return out;
}
