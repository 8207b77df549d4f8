/** The status bar text and tooltip (pure, so it is testable without VS Code). */
import type { Environment } from '../../server/src/protocol';

const FROM: Record<Environment['netnsSource'], string> = {
  config: 'setting portRangeLens.netnsRange',
  proc: 'this machine (/proc/sys/net/ipv4/ip_local_port_range)',
  directive: 'this file\'s port-range-lens: netns-range directive',
};

export function statusText(env: Pick<Environment, 'netnsRange' | 'netnsSource' | 'kernel' | 'problems'>): { text: string; tooltip: string } {
  const shown = `${env.netnsRange.lo}–${env.netnsRange.hi}`;
  const warn = env.problems.length ? ` Settings problems: ${env.problems.join('; ')}.` : '';
  return {
    text: `${env.problems.length ? '$(warning)' : '$(server-process)'} ${shown} · Linux ${env.kernel}`,
    tooltip: `Port Range Lens judges IP_LOCAL_PORT_RANGE against netns range ${shown} (from ${FROM[env.netnsSource]}) and kernel ${env.kernel}.${warn} Click to show this machine's range.`,
  };
}
