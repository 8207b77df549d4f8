/**
 * What a code generator needs to know about one slice of a plan, and the shape every
 * language's generator has (one small file per language next to this one).
 */
import type { PlanPattern, PlanProto, PlanResult, PlanSlice } from '../../../../engine/src/plan/types';
import { SUPPRESS_MARKER } from '../../diagnostics/suppression';

export const CODE_LANGUAGES = ['c', 'cpp', 'python', 'go', 'rust'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

export interface SnippetSpec {
  worker: number;
  workers: number;
  lo: number;
  hi: number;
  usablePorts: number;
  reservedInside: number;
  proto: PlanProto;
  pattern: PlanPattern;
  family: 4 | 6;
  kernel: string;
  netns: { lo: number; hi: number };
}

export type Generator = (s: SnippetSpec) => string;

export function snippetSpec(plan: PlanResult, slice: PlanSlice): SnippetSpec {
  return {
    worker: slice.worker, workers: plan.slices.length, lo: slice.lo, hi: slice.hi, usablePorts: slice.usablePorts,
    reservedInside: slice.reservedInside, proto: plan.proto, pattern: plan.pattern, family: plan.family,
    kernel: plan.kernel, netns: plan.netnsRange,
  };
}

/** The pattern's steps, in the order the recommended code performs them (spec §2.7). */
export interface Steps {
  /** IP_BIND_ADDRESS_NO_PORT before bind: the port is chosen at connect() and shared by 4-tuple. */
  noPort: boolean;
  /** bind(wildcard, 0) after the option. */
  bindZero: boolean;
  /** What picks the port after the option is set. */
  last: 'connect' | 'listen' | 'sendto' | null;
  /** Name of the generated function (snake_case; generators re-case it). */
  name: string;
}

export function steps(s: SnippetSpec): Steps {
  switch (s.pattern) {
    case 'no-port-connect': return { noPort: true, bindZero: true, last: 'connect', name: 'egress_connect' };
    case 'connect': return { noPort: false, bindZero: false, last: 'connect', name: 'egress_connect' };
    case 'bind': return { noPort: false, bindZero: true, last: null, name: 'egress_bind' };
    case 'listen': return { noPort: false, bindZero: false, last: 'listen', name: 'egress_listen' };
    case 'sendto': return { noPort: false, bindZero: false, last: 'sendto', name: 'egress_sendto' };
  }
}

/** The one-paragraph header every snippet starts with (without comment markers). */
export function headerLines(s: SnippetSpec): string[] {
  const st = steps(s);
  const how = [st.noPort ? 'IP_BIND_ADDRESS_NO_PORT' : '', 'IP_LOCAL_PORT_RANGE', st.bindZero ? 'bind(addr, 0)' : '', st.last ? `${st.last}()` : '']
    .filter(Boolean).join(' + ');
  return [
    `Port Range Lens plan: worker ${s.worker} of ${s.workers}, ports ${s.lo}-${s.hi} (${s.usablePorts} usable), ${s.proto.toUpperCase()}, Linux ${s.kernel}, netns ${s.netns.lo}-${s.netns.hi}.`,
    `Pattern: ${how}; the option is set before the port is chosen.`,
  ];
}

/** A suppression line for the reserved ports the plan deliberately left inside the slice, or null. */
export function reservedSuppression(s: SnippetSpec): string | null {
  if (s.reservedInside === 0) return null;
  return `${SUPPRESS_MARKER} reserved-ports-overlap -- the plan counted the ${s.reservedInside} reserved ports inside this slice out`;
}

export const SOCK_TYPE = { tcp: 'SOCK_STREAM', udp: 'SOCK_DGRAM' } as const;
