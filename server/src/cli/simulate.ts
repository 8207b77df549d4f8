/**
 * `port-range-lens simulate`: runs the engine for one socket pattern and prints the
 * effective range, the ports handed out, the exhaustion point and errno, the parity split
 * and the capacity per destination, with and without IP_LOCAL_PORT_RANGE.
 */
import { inetSkGetLocalPortRange } from '../../../engine/src/range';
import { kernelProfile } from '../../../engine/src/kernels';
import type { Family, NetnsConfig, OpResult, Proto, ScenarioResult } from '../../../engine/src/scenarioTypes';
import {
  defaultDestination, describeRule, exhaustBound, MAX_SOCKETS, runSimulation, SimulationError, validateSimulationParams,
  type SimOp, type SimulationParams, type SimulationReport,
} from '../../../engine/src/simulate';
import { packRange } from '../../../engine/src/uapi';
import { bool, list, parseArgs, str, UsageError, type FlagSpec } from './args';
import { runSubcommand, type CommandBody } from './command';
import { netnsFromFlags, parsePortPair, splitList } from './netnsFlags';
import { createProgress, progressWanted } from './progress';
import { verifyOnKernel, type KernelVerdict } from '../kernel/verify';
import { verifyText } from './verifyText';

export const SIMULATE_FLAGS: FlagSpec[] = [
  { name: 'proto', type: 'string', choices: ['tcp', 'udp', 'sctp', 'mptcp'] },
  { name: 'op', type: 'string', choices: ['connect', 'bind', 'listen', 'sendto'] },
  { name: 'range', type: 'string' },
  { name: 'netns-range', type: 'string' },
  { name: 'reserved', type: 'string' },
  { name: 'autobind-reuse', type: 'string', choices: ['0', '1'] },
  { name: 'count', type: 'string' },
  { name: 'dst', type: 'string', multiple: true },
  { name: 'kernel', type: 'string' },
  { name: 'seed', type: 'string' },
  { name: 'family', type: 'string', choices: ['4', '6'] },
  { name: 'reuseaddr', type: 'boolean' },
  { name: 'no-port', type: 'boolean' },
  { name: 'format', type: 'string', choices: ['text', 'json'] },
  { name: 'verify', type: 'boolean' },
  { name: 'fail-on', type: 'string', choices: ['limit', 'never'] },
];

export const SIMULATE_USAGE = `usage: port-range-lens simulate [flags]

Simulates the Linux kernel's ephemeral port search for N sockets doing the same thing,
with and without IP_LOCAL_PORT_RANGE.

  --proto tcp|udp|sctp|mptcp   protocol (default tcp)
  --op connect|bind|listen|sendto
                               operation that picks the port (default connect)
  --range LO-HI                the socket's IP_LOCAL_PORT_RANGE; 0 = unset half
                               ("40000-0" lo only, "0-40511" hi only); omit = option unset
  --netns-range LO-HI|auto     net.ipv4.ip_local_port_range (default 32768-60999; auto = this machine)
  --reserved LIST|auto         net.ipv4.ip_local_reserved_ports, e.g. 40000-40004,40007
  --autobind-reuse 0|1         net.ipv4.ip_autobind_reuse (default 0)
  --count N|exhaust            number of sockets (at most ${MAX_SOCKETS}), or until the first
                               failure (default exhaust; a run cut at ${MAX_SOCKETS} sockets says so)
  --dst HOST:PORT[,..]         destinations for connect/sendto; socket i uses i mod n
                               (default 127.0.0.1:5000, or [::1]:5000 with --family 6)
  --kernel X.Y                 kernel version profile (default 6.18; e.g. 6.3, 6.8)
  --seed S                     seed of the simulated kernel randomness (default 1)
  --family 4|6                 address family (default 4)
  --reuseaddr                  set SO_REUSEADDR on every socket
  --no-port                    IP_BIND_ADDRESS_NO_PORT + bind(wildcard, 0) before connect
  --verify                     also run the pattern on this machine's kernel (private
                               network namespace, loopback only) and compare
  --format text|json           output format (default text)
  --fail-on limit|never        limit (default): exit 1 when an exhaust run stopped at the
                               socket limit before its first failure; never: exit 0
  -h, --help                   this help
  -V, --version                print the version

exit status: 0 = the simulation ran (exhaustion is a result), 1 = stopped at the socket limit
(the result is incomplete) or internal error, 2 = usage error
`;

/** Turns flags into SimulationParams (UsageError on bad input). */
export function simulateParamsFromArgs(argv: readonly string[]): { params: SimulationParams; format: 'text' | 'json'; failOn: 'limit' | 'never'; verify: boolean } {
  const a = parseArgs(argv, SIMULATE_FLAGS);
  const family = Number(str(a, 'family') ?? '4') as Family;
  const proto = (str(a, 'proto') ?? 'tcp') as Proto;
  const op = (str(a, 'op') ?? 'connect') as SimOp;
  const rangeText = str(a, 'range');
  const range = rangeText === undefined ? null : parsePortPair(rangeText, 'range');
  if (range && range.lo !== 0 && range.hi !== 0 && range.lo > range.hi) {
    throw new UsageError(`--range ${rangeText}: lo > hi, setsockopt(IP_LOCAL_PORT_RANGE) would fail with EINVAL`);
  }
  const netns: NetnsConfig = netnsFromFlags(a);
  const abr = str(a, 'autobind-reuse');
  if (abr !== undefined) netns.ipAutobindReuse = Number(abr) as 0 | 1;
  const countText = str(a, 'count') ?? 'exhaust';
  let count: number | 'exhaust';
  if (countText === 'exhaust') count = 'exhaust';
  else {
    if (!/^\d+$/.test(countText)) throw new UsageError(`--count must be a positive integer or "exhaust" (got ${JSON.stringify(countText)})`);
    count = Number(countText);
    if (count < 1 || count > MAX_SOCKETS) throw new UsageError(`--count must be in [1, ${MAX_SOCKETS}] (got ${countText})`);
  }
  const dstFlags = list(a, 'dst').flatMap((d) => splitList(d));
  const destinations = dstFlags.length ? dstFlags : op === 'connect' || op === 'sendto' ? [defaultDestination(family)] : [];
  const seedText = str(a, 'seed') ?? '1';
  if (!/^\d{1,15}$/.test(seedText)) throw new UsageError(`--seed must be a non-negative integer (got ${JSON.stringify(seedText)})`);
  const kernel = str(a, 'kernel') ?? '6.18';
  try {
    kernelProfile(kernel);
  } catch (e) {
    throw new UsageError(`--kernel: ${(e as Error).message}`);
  }
  const params: SimulationParams = {
    proto, family, op, range, count, destinations, kernel, seed: Number(seedText), netns,
    reuseAddr: bool(a, 'reuseaddr'), bindAddressNoPort: bool(a, 'no-port'),
  };
  try {
    validateSimulationParams(params);
  } catch (e) {
    if (e instanceof SimulationError) throw new UsageError(e.message);
    throw e;
  }
  return { params, format: (str(a, 'format') ?? 'text') as 'text' | 'json', failOn: (str(a, 'fail-on') ?? 'limit') as 'limit' | 'never', verify: bool(a, 'verify') };
}

/** One entry of the JSON `results` array. */
function jsonResult(x: OpResult): object {
  return { index: x.index, op: x.op, port: x.port, errno: x.errno, ...(x.dst ? { dst: x.dst } : {}) };
}

/** The JSON document (exactly one object; version 2). `kernel` is there only with --verify. */
export function simulationJson(r: SimulationReport, verdict?: KernelVerdict): object {
  const w = r.withOption;
  return {
    version: 2,
    effective: { lo: r.effective.lo, hi: r.effective.hi, rule: r.effective.rule },
    results: w.results.map(jsonResult),
    stats: {
      successes: w.stats.successes,
      firstFailure: w.stats.firstFailure,
      parity: w.stats.parity,
      portsUsed: w.stats.portsUsed,
      perDestination: w.stats.perDestination ?? [],
    },
    withoutOption: { stats: r.withoutOption.stats },
    netnsRange: r.netnsRange,
    reserved: r.reserved,
    kernelProfile: r.params.kernel,
    seed: r.params.seed,
    cli: r.cli,
    ...(verdict ? { kernel: verdict } : {}),
    truncated: !!r.limit,
    limit: r.limit ?? null,
    noExhaustion: r.noExhaustion ?? null,
  };
}

function portsLine(res: ScenarioResult, max = 16): string {
  const ports = res.results.filter((x) => x.port !== null && x.errno === null).map((x) => x.port as number);
  if (ports.length === 0) return '(none)';
  if (ports.length <= max) return ports.join(' ');
  return `${ports.slice(0, max - 2).join(' ')} … ${ports.slice(-2).join(' ')} (${ports.length} in order)`;
}

function outcome(res: ScenarioResult): string {
  const s = res.stats;
  const f = s.firstFailure;
  return f ? `${s.successes} succeeded, then ${f.errno} at socket #${f.index}` : `${s.successes} succeeded, no failure`;
}

/** The readable summary. */
export function simulationText(r: SimulationReport): string {
  const p = r.params;
  const lines: string[] = [];
  const n = (lo: number, hi: number) => `${lo}-${hi} (${hi - lo + 1} port${hi === lo ? '' : 's'})`;
  lines.push(`${p.proto.toUpperCase()} ${p.op} on IPv${p.family}, kernel ${p.kernel}, seed ${p.seed}, ${p.count === 'exhaust' ? 'until exhaustion' : `${p.count} sockets`}` +
    `${p.reuseAddr ? ', SO_REUSEADDR' : ''}${p.bindAddressNoPort ? ', IP_BIND_ADDRESS_NO_PORT' : ''}`);
  lines.push(`netns range     ${n(r.netnsRange.lo, r.netnsRange.hi)}; reserved: ${r.reserved || 'none'}`);
  lines.push(`option          ${p.range ? `${p.range.lo}-${p.range.hi} (packed 0x${packRange(p.range.lo, p.range.hi).toString(16).toUpperCase().padStart(8, '0')})` : 'unset'}`);
  lines.push(`effective       ${n(r.effective.lo, r.effective.hi)}: ${describeRule(r.effective.rule)}`);
  const block = (title: string, res: ScenarioResult) => {
    const s = res.stats;
    lines.push('');
    lines.push(title);
    lines.push(`  result        ${outcome(res)}`);
    lines.push(`  ports         ${portsLine(res)}`);
    lines.push(`  parity        even ${s.parity.even} / odd ${s.parity.odd}; distinct ports ${s.portsUsed}`);
    const pd = s.perDestination ?? [];
    if (pd.length) {
      const shown = pd.slice(0, 8).map((d) => `${d.dst} ${d.successes}${d.firstFailure ? ` (then ${d.firstFailure.errno})` : ''}`);
      lines.push(`  capacity      ${shown.join('; ')}${pd.length > 8 ? `; … ${pd.length - 8} more` : ''}`);
    }
  };
  block(p.range ? 'with the option' : 'sockets', r.withOption);
  if (p.range) block('without the option', r.withoutOption);
  if (r.noExhaustion) lines.push('', `stopped         ${r.noExhaustion}`);
  if (r.limit) lines.push('', `incomplete      ${r.limit.message}`);
  lines.push('');
  lines.push(`reproduce: ${r.cli}`);
  return lines.join('\n') + '\n';
}

export const SIMULATE_COMMAND: CommandBody = {
  name: 'simulate',
  usage: SIMULATE_USAGE,
  async run(argv) {
    const { params, format, failOn, verify } = simulateParamsFromArgs(argv);
    const ns = validateSimulationParams(params);
    const eff = inetSkGetLocalPortRange(kernelProfile(params.kernel), ns.portRange, params.range ? packRange(params.range.lo, params.range.hi) : 0);
    const per = params.count === 'exhaust' ? Math.min(MAX_SOCKETS, exhaustBound(eff.hi - eff.lo + 1, params.destinations.length)) : params.count;
    const progress = createProgress(per * (params.range ? 2 : 1), 'simulating', { enabled: progressWanted(format) });
    const report = runSimulation(params, progress, { keepOps: false });
    progress.done();
    let checked = null;
    if (verify) {
      const kp = createProgress(1, 'kernel run', { enabled: progressWanted(format) });
      checked = await verifyOnKernel(params, { progress: kp });
      kp.done();
    }
    if (format === 'json') writeJson(report, checked?.kernel);
    else process.stdout.write(simulationText(report) + (checked ? verifyText(checked) : ''));
    if (report.limit) process.stderr.write(`port-range-lens simulate: ${report.limit.message}\n`);
    return report.limit && failOn !== 'never' ? 1 : 0;
  },
};

/**
 * simulationJson(r), written in slices: millions of results would make one string (and a
 * second copy of every result) too large.
 */
function writeJson(r: SimulationReport, verdict?: KernelVerdict): void {
  const all = r.withOption.results;
  const head = JSON.stringify(simulationJson({ ...r, withOption: { ...r.withOption, results: [] } }, verdict));
  const at = head.indexOf('"results":[]') + '"results":['.length;
  process.stdout.write(head.slice(0, at));
  for (let i = 0; i < all.length; i += 20_000) {
    process.stdout.write((i ? ',' : '') + all.slice(i, i + 20_000).map((x) => JSON.stringify(jsonResult(x))).join(','));
  }
  process.stdout.write(head.slice(at) + '\n');
}

/** Entry of `simulate`; returns the exit code (2 = usage error). */
export function runSimulate(argv: string[]): Promise<number> {
  return runSubcommand(SIMULATE_COMMAND, argv);
}
