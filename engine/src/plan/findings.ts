/**
 * What the planner warns about, each read off the plan and its simulations: a kernel
 * without the option, a slice that cannot hold the stated need, a slice made small (by
 * reserved ports or by sharing), a pattern that holds ports exclusively, a slice whose
 * simulated capacity falls short of its usable ports.
 */
import type { KernelProfile } from '../kernels';
import { sharesPortsAcrossDestinations } from './capacity';
import type { PlanFinding, PlanPattern, PlanProto, PlanSlice } from './types';

export interface FindingContext {
  kernel: KernelProfile;
  proto: PlanProto;
  pattern: PlanPattern;
  destinations: string[];
  need: number | null;
  smallRangeThreshold: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function planFindings(ctx: FindingContext, slices: readonly PlanSlice[]): PlanFinding[] {
  const out: PlanFinding[] = [];
  const k = ctx.kernel;
  if (!k.hasLocalPortRange) {
    out.push({
      code: 'kernel-without-option', severity: 'error', worker: null,
      message: `Linux ${k.version} has no IP_LOCAL_PORT_RANGE (added in 6.3, back-ported to 6.1.32): setsockopt fails with ENOPROTOOPT and every worker draws from the whole netns range, so each capacity is one worker alone on that range`,
    });
  }
  const shared = sharesPortsAcrossDestinations(ctx.proto, ctx.pattern);
  if (ctx.proto === 'tcp' && ctx.pattern === 'bind') {
    out.push({
      code: 'exclusive-bind', severity: 'warning', worker: null,
      message: 'bind(addr, 0) without IP_BIND_ADDRESS_NO_PORT holds each port exclusively: a slice holds one connection per port in total instead of one per port per destination; use the no-port-connect pattern (IP_BIND_ADDRESS_NO_PORT + bind + connect)',
    });
  } else if (!shared && ctx.destinations.length > 1) {
    out.push({
      code: 'exclusive-udp', severity: 'information', worker: null,
      message: `${ctx.proto === 'udp' ? 'UDP sockets' : 'these sockets'} own their port: the ${plural(ctx.destinations.length, 'destination')} share one slice's ports, so the capacity per destination is a part of the slice, not all of it`,
    });
  }
  for (const s of slices) {
    const who = `worker ${s.worker} (${s.lo}-${s.hi})`;
    if (ctx.need !== null) {
      const dsts = Object.entries(s.capacityPerDestination);
      const short = dsts.length ? dsts.filter(([, c]) => c < ctx.need!) : s.capacityTotal < ctx.need ? [['', s.capacityTotal] as [string, number]] : [];
      if (short.length) {
        const [dst, cap] = short.reduce((a, b) => (b[1] < a[1] ? b : a));
        const want = shared ? ctx.need : ctx.need * Math.max(1, ctx.destinations.length);
        out.push({
          code: 'need-exceeds-capacity', severity: 'error', worker: s.worker,
          message: `${who} holds ${cap} ${ctx.pattern === 'listen' ? 'listeners' : `connections${dst ? ` to ${dst}` : ''}`} but ${ctx.need} are needed; it would need about ${want} usable ports (it has ${s.usablePorts})`,
        });
      }
    }
    if (ctx.smallRangeThreshold > 0 && s.usablePorts < ctx.smallRangeThreshold) {
      if (s.reservedInside > 0) {
        out.push({
          code: 'reserved-shrinks-slice', severity: 'warning', worker: s.worker,
          message: `${who} spans ${s.hi - s.lo + 1} ports but ${s.reservedInside} of them are reserved (ip_local_reserved_ports): only ${s.usablePorts} usable, below ${ctx.smallRangeThreshold}`,
        });
      } else {
        out.push({
          code: 'small-slice', severity: 'warning', worker: s.worker,
          message: `${who} has only ${plural(s.usablePorts, 'usable port')} (below ${ctx.smallRangeThreshold}): fewer workers or a wider netns range give each more`,
        });
      }
    } else if (s.reservedInside >= s.usablePorts) {
      out.push({
        code: 'reserved-shrinks-slice', severity: 'information', worker: s.worker,
        message: `${who}: ${s.reservedInside} of its ${s.hi - s.lo + 1} ports are reserved, so it is twice as wide as its ${s.usablePorts} usable ports`,
      });
    }
    const reached = shared ? Math.min(...Object.values(s.capacityPerDestination)) : s.capacityTotal;
    if (k.hasLocalPortRange && reached < s.usablePorts) {
      const odd = (s.hi - s.lo + 1) % 2 === 1;
      const why = odd && (ctx.pattern === 'bind' || ctx.pattern === 'listen' || !k.connectStep1WithSockRange) && ctx.proto === 'tcp'
        ? ': the step-2 scan of an odd-sized range misses a port (quirk Q1)'
        : '';
      out.push({
        code: 'capacity-below-usable', severity: 'information', worker: s.worker,
        message: `${who}: the simulated kernel reached ${reached} of its ${s.usablePorts} usable ports${shared ? ' per destination' : ''}${why}`,
      });
    }
  }
  return out;
}
