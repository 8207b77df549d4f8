/**
 * The server side of the simulate commands' dialogue: code facts + the user's answers +
 * the file's configuration → fully specified engine params (SimulationSetupRequest), the
 * check of each text the user types (ValidateInputRequest), and what the status bar and
 * "Show this machine's netns port range" show (EnvironmentRequest). The client only asks
 * and shows; every default and parser lives here or in the engine.
 */
import { defaultDestination, MAX_SOCKETS } from '../../engine/src/simulate';
import { KERNEL_PROFILES, kernelProfile } from '../../engine/src/kernels';
import { readNetnsFromProc } from '../../engine/src/sysctl';
import { parseRangeText } from '../../engine/src/uapi';
import type { NetnsConfig } from '../../engine/src/scenarioTypes';
import type { ResolvedConfig } from './config/resolve';
import type { Environment, InputKind, Proto, SimOp, SimulateAnswers, SimulateParams, SimulationSetup, SocketFacts, ValidateInputResult } from './protocol';

export const OPS: SimOp[] = ['connect', 'bind', 'listen', 'sendto'];
export const PROTOS: Proto[] = ['tcp', 'udp', 'sctp', 'mptcp'];

/** An IP_LOCAL_PORT_RANGE value typed as "LO-HI": the engine's one reader (lo > hi allowed: the simulation shows the EINVAL). */
export const parseSocketRange = parseRangeText;

export function parseDestinations(text: string): string[] {
  const list = text.split(/[\s,]+/).filter(Boolean);
  for (const d of list) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[0-9.]+|[0-9a-fA-F:]+):\d{1,5}$/.test(d)) throw new Error(`"${d}" is not addr:port (e.g. 192.0.2.1:80, [2001:db8::1]:443)`);
  }
  if (!list.length) throw new Error('at least one destination');
  return list;
}

export function defaultOp(proto: Proto): SimOp {
  return proto === 'udp' ? 'sendto' : 'connect';
}

export function needsDestination(op: SimOp): boolean {
  return op === 'connect' || op === 'sendto';
}

/** sendto() autobinds only datagram sockets; UDP cannot listen(). */
export function validOps(proto: Proto): SimOp[] {
  return OPS.filter((o) => !(o === 'sendto' && (proto === 'tcp' || proto === 'mptcp')) && !(o === 'listen' && proto === 'udp'));
}

/** The netns a simulation runs in: the file's resolved target (or the window's configuration). */
export function simulationNetns(r: ResolvedConfig, facts: SocketFacts | null): { netns: NetnsConfig; kernel: string } {
  const range = facts?.netnsRange ?? r.netns;
  const reserved = typeof facts?.reserved === 'string' ? facts.reserved : r.reservedText;
  const netns: NetnsConfig = { portRange: { lo: range.lo, hi: range.hi } };
  if (reserved) netns.reservedPorts = reserved;
  return { netns, kernel: facts?.kernel || r.kernel.version };
}

/** Params from code facts + answers + defaults: the pure core of both simulate commands. */
export function buildParams(facts: SocketFacts | null, answers: SimulateAnswers, env: { netns: NetnsConfig; kernel: string }): SimulateParams {
  const proto = answers.proto ?? facts?.proto ?? 'tcp';
  const op = answers.op ?? facts?.op ?? defaultOp(proto);
  let range: SimulateParams['range'] = null;
  if (answers.range !== undefined) range = parseSocketRange(answers.range);
  else if (facts && facts.lo !== null && facts.hi !== null && (!facts.rejected || answers.asWritten)) range = { lo: facts.lo, hi: facts.hi };
  else if (facts && (facts.lo === null || facts.hi === null)) {
    // Not statically known: the netns range stands in (the client asks the user first).
    const r = env.netns.portRange!;
    range = { lo: r.lo, hi: r.hi };
  }
  const family = answers.family ?? facts?.family ?? 4;
  const destinations = answers.destinations ?? (facts?.destinations.length ? facts.destinations : needsDestination(op) ? [defaultDestination(family)] : []);
  return {
    proto, family, op, range,
    count: answers.count ?? 'exhaust',
    destinations,
    kernel: answers.kernel ?? env.kernel,
    seed: answers.seed ?? 1,
    netns: env.netns,
    reuseAddr: facts?.reuseAddr ?? false,
    bindAddressNoPort: facts?.bindAddressNoPort ?? false,
  };
}

export function simulationSetup(facts: SocketFacts | null, answers: SimulateAnswers, r: ResolvedConfig): SimulationSetup {
  const params = buildParams(facts, answers, simulationNetns(r, facts));
  return { params, ops: validOps(params.proto), protos: PROTOS, kernels: [...KERNEL_PROFILES], needsDestination: needsDestination(params.op) };
}

/** The one check of each text the simulate dialogue asks for. */
export function validateInput(kind: InputKind, text: string): ValidateInputResult {
  try {
    switch (kind) {
      case 'range': return { error: null, value: parseSocketRange(text) };
      case 'destinations': return { error: null, value: parseDestinations(text) };
      case 'kernel': kernelProfile(text.trim()); return { error: null, value: text.trim() };
      case 'count': {
        const n = Number(text);
        if (!/^\d+$/.test(text.trim()) || n < 1 || n > MAX_SOCKETS) throw new Error(`an integer in 1..${MAX_SOCKETS}`);
        return { error: null, value: n };
      }
      case 'seed': {
        if (!/^\d+$/.test(text.trim()) || Number(text) > 0xffffffff) throw new Error('an integer in 0..4294967295');
        return { error: null, value: Number(text) };
      }
    }
    return { error: `unknown input kind ${String(kind)}` };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function describeNetns(n: NetnsConfig): string {
  const r = n.portRange;
  const parts = [
    r ? `ip_local_port_range ${r.lo}–${r.hi} (${r.hi - r.lo + 1} ports)` : 'ip_local_port_range unknown',
    `reserved ports: ${n.reservedPorts ? n.reservedPorts : 'none'}`,
  ];
  if (n.ipUnprivilegedPortStart !== undefined) parts.push(`ip_unprivileged_port_start ${n.ipUnprivilegedPortStart}`);
  if (n.ipAutobindReuse !== undefined) parts.push(`ip_autobind_reuse ${n.ipAutobindReuse}`);
  if (n.tcpTwReuse !== undefined) parts.push(`tcp_tw_reuse ${n.tcpTwReuse}`);
  return parts.join(' · ');
}

/** What a file is judged against, and this machine's netns as /proc shows it. */
export function environment(r: ResolvedConfig, netnsSetting: string, procDir?: string): Environment {
  let machine: Environment['machine'];
  try {
    const netns = readNetnsFromProc(procDir);
    machine = { ok: true, netns, description: describeNetns(netns) };
  } catch (e) {
    machine = { ok: false, error: (e as Error).message };
  }
  return {
    netnsRange: { ...r.netns }, netnsSource: r.netnsSource, netnsSetting,
    reserved: r.reservedText, kernel: r.kernel.version,
    problems: r.problems.map((p) => p.message), machine,
  };
}
