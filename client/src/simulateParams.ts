/**
 * The pure part of the simulate commands: parsing the user's answers and combining
 * them with what the code says into engine params (no vscode import; unit-tested).
 */
import type { SimulateParams, SocketFacts } from '../../server/src/protocol';
import type { NetnsConfig, Proto } from '../../engine/src/scenarioTypes';
import { defaultDestination } from '../../engine/src/simulate';

export type SimOp = SimulateParams['op'];

/** What the user may be asked; passing them as command args skips every prompt. */
export interface SimulateAnswers {
  op?: SimOp;
  proto?: Proto;
  family?: 4 | 6;
  count?: number | 'exhaust';
  destinations?: string[];
  kernel?: string;
  seed?: number;
  /** "LO-HI", for "Simulate a port range…" or when the code's value is not statically known. */
  range?: string;
  /**
   * When the kernel rejects the call (SocketFacts.rejected): true = simulate the value as if
   * the call had succeeded; default false = what the kernel does, the socket without the option.
   */
  asWritten?: boolean;
}

export interface SimulateSocketArgs {
  uri?: string;
  line?: number;
  character?: number;
  /** Non-interactive: answers for every prompt (missing fields take their defaults). */
  answers?: SimulateAnswers;
}

export const OPS: SimOp[] = ['connect', 'bind', 'listen', 'sendto'];
export const PROTOS: Proto[] = ['tcp', 'udp', 'sctp', 'mptcp'];

/** "LO-HI" → {lo, hi}; throws a readable error otherwise. */
export function parseRange(text: string): { lo: number; hi: number } {
  const m = /^\s*(\d{1,5})\s*[-:,\s]\s*(\d{1,5})\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a port range (expected LO-HI, e.g. 40000-40511)`);
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (lo > 65535 || hi > 65535) throw new Error(`ports must be in 0..65535 (got ${lo}-${hi})`);
  return { lo, hi };
}

export function parseDestinations(text: string): string[] {
  const list = text.split(/[\s,]+/).filter(Boolean);
  for (const d of list) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[0-9.]+|[0-9a-fA-F:]+):\d{1,5}$/.test(d)) throw new Error(`"${d}" is not addr:port (e.g. 192.0.2.1:80, [2001:db8::1]:443)`);
  }
  return list;
}

/** The default operation for a protocol when the code does not show one. */
export function defaultOp(proto: Proto): SimOp {
  return proto === 'udp' ? 'sendto' : 'connect';
}

export function needsDestination(op: SimOp): boolean {
  return op === 'connect' || op === 'sendto';
}

/** Params from code facts + answers + defaults; the pure core of both commands. */
export function buildParams(
  facts: SocketFacts | null,
  answers: SimulateAnswers,
  env: { netns: NetnsConfig; kernel: string },
): SimulateParams {
  const proto = answers.proto ?? facts?.proto ?? 'tcp';
  const op = answers.op ?? facts?.op ?? defaultOp(proto);
  let range: SimulateParams['range'] = null;
  if (answers.range !== undefined) range = parseRange(answers.range);
  else if (facts && facts.lo !== null && facts.hi !== null && (!facts.rejected || answers.asWritten)) range = { lo: facts.lo, hi: facts.hi };
  const family = answers.family ?? facts?.family ?? 4;
  const destinations = answers.destinations ?? (facts?.destinations.length ? facts.destinations : needsDestination(op) ? [defaultDestination(family)] : []);
  return {
    proto,
    family,
    op,
    range,
    count: answers.count ?? 'exhaust',
    destinations,
    kernel: answers.kernel ?? env.kernel,
    seed: answers.seed ?? 1,
    netns: env.netns,
    reuseAddr: facts?.reuseAddr ?? false,
    bindAddressNoPort: facts?.bindAddressNoPort ?? false,
  };
}

