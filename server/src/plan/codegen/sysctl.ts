/**
 * The sysctl lines that set up the netns the plan was made for: the port range and the
 * reserved ports (the /proc syntax: no spaces, spec §3.1, §3.3).
 */
import type { PlanResult } from '../../../../engine/src/plan/types';

export function sysctlLines(plan: PlanResult): string[] {
  const out = [`sysctl -w net.ipv4.ip_local_port_range="${plan.netnsRange.lo} ${plan.netnsRange.hi}"`];
  if (plan.reserved) out.push(`sysctl -w net.ipv4.ip_local_reserved_ports=${plan.reserved}`);
  return out;
}
