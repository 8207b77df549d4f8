/**
 * A code lens above each setsockopt call: "Simulate this socket · 512 ports", running
 * portRangeLens.simulateSocket with { uri, line, character } of the call.
 */
import type { CodeLens } from 'vscode-languageserver-types';
import type { CallSite } from '../analysis/callSite';
import type { FeatureEnv } from './env';
import { portsText, summarize } from './summary';

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
    const s = summarize(site, env);
    const title = s.effective ? `Simulate this socket · ${portsText(s.effective.usable)}` : 'Simulate this socket';
    const args: SimulateSocketArgs = { uri, line: site.span.line, character: site.span.column };
    const at = { line: site.span.line, character: site.span.column };
    out.push({ range: { start: at, end: at }, command: { title, command: SIMULATE_SOCKET_COMMAND, arguments: [args] } });
  }
  return out;
}
