/**
 * The simulation's defaults for "Simulate this socket": the file's own target as the analyzer
 * judged it (SocketFacts.netnsRange / reserved / kernel: per-file directives such as
 * `port-range-lens: reserved 50000-50003` over the settings) replaces the settings-only
 * defaults. Pure (no vscode import), unit-tested in test/webview/socketFacts.test.ts.
 */
import type { SocketFacts } from '../../server/src/protocol';
import type { NetnsConfig } from '../../engine/src/scenarioTypes';

export interface SimulationEnv {
  netns: NetnsConfig;
  kernel: string;
}

export function withFileTarget(env: SimulationEnv, facts: SocketFacts | null): SimulationEnv {
  if (!facts) return env;
  const netns: NetnsConfig = { ...env.netns };
  if (facts.netnsRange) netns.portRange = { lo: facts.netnsRange.lo, hi: facts.netnsRange.hi };
  if (typeof facts.reserved === 'string') {
    if (facts.reserved) netns.reservedPorts = facts.reserved;
    else delete netns.reservedPorts;
  }
  return { netns, kernel: facts.kernel || env.kernel };
}
