/**
 * `port-range-lens plan`: slices of the netns range for N workers (or weights), each checked
 * by the engine's simulation, with findings, sysctl lines and the code for each worker.
 * Exit 0 = a plan (findings included), 2 = bad input.
 */
import { planPortRanges } from '../../../engine/src/plan/plan';
import { PLAN_PATTERNS, PlanError, type PlanInput, type PlanPattern, type PlanProto } from '../../../engine/src/plan/types';
import { DEFAULT_CONFIG } from '../config/schema';
import { CODE_LANGUAGES, type CodeLanguage } from '../plan/codegen/index';
import { planJson, planText } from '../plan/present';
import { bool, list, parseArgs, str, UsageError, type FlagSpec } from './args';
import { netnsFromFlags, splitList } from './netnsFlags';
import { createProgress, progressWanted } from './progress';

export const PLAN_FLAGS: FlagSpec[] = [
  { name: 'workers', type: 'string' },
  { name: 'weights', type: 'string' },
  { name: 'netns-range', type: 'string' },
  { name: 'reserved', type: 'string' },
  { name: 'kernel', type: 'string' },
  { name: 'proto', type: 'string', choices: ['tcp', 'udp'] },
  { name: 'pattern', type: 'string', choices: PLAN_PATTERNS },
  { name: 'dst', type: 'string', multiple: true },
  { name: 'need', type: 'string' },
  { name: 'language', type: 'string', choices: CODE_LANGUAGES },
  { name: 'worker', type: 'string' },
  { name: 'seed', type: 'string' },
  { name: 'format', type: 'string', choices: ['text', 'json'] },
  { name: 'help', type: 'boolean', short: 'h' },
];

export const PLAN_USAGE = `usage: port-range-lens plan --workers N | --weights W,W,... [flags]

Splits the netns port range into disjoint per-worker slices for IP_LOCAL_PORT_RANGE,
balanced by usable ports (reserved ports skipped), checks each slice with the engine's
simulation of the pattern and kernel, and prints the code that sets each slice.

  --workers N                  number of equal workers
  --weights 3,1,1              one positive integer weight per worker (instead of --workers)
  --netns-range LO-HI|auto     net.ipv4.ip_local_port_range (default 32768-60999; auto = this machine)
  --reserved LIST|auto         net.ipv4.ip_local_reserved_ports, e.g. 50000-50099,50443
  --kernel X.Y                 target kernel (default 6.18)
  --proto tcp|udp              protocol (default tcp)
  --pattern P                  how the sockets get their port (default no-port-connect for TCP,
                               connect for UDP): no-port-connect (IP_BIND_ADDRESS_NO_PORT + bind +
                               connect), connect, bind (exclusive), listen, sendto (UDP)
  --dst HOST:PORT[,..]         destinations (IP literals; default 127.0.0.1:5000)
  --need N                     connections each worker needs per destination (listen: listeners)
  --language c|cpp|python|go|rust
                               the snippet printed in text output (default c; JSON has all)
  --worker K                   the worker whose snippet the text output shows (default 0)
  --seed S                     seed of the simulated kernel randomness (default 1)
  --format text|json           output format (default text)
`;

function positiveInt(text: string, flag: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new UsageError(`--${flag} must be a positive integer (got ${JSON.stringify(text)})`);
  return Number(text);
}

function workerIndex(text: string): number {
  if (!/^\d{1,6}$/.test(text)) throw new UsageError(`--worker must be a worker number, 0 for the first (got ${JSON.stringify(text)})`);
  return Number(text);
}

export interface PlanArgs {
  input: PlanInput;
  format: 'text' | 'json';
  language: CodeLanguage | null;
  worker: number;
}

export function planArgs(argv: readonly string[]): PlanArgs | 'help' {
  const a = parseArgs(argv, PLAN_FLAGS);
  if (bool(a, 'help')) return 'help';
  const workers = str(a, 'workers');
  const weights = str(a, 'weights');
  if (workers !== undefined && weights !== undefined) throw new UsageError('give --workers or --weights, not both');
  if (workers === undefined && weights === undefined) throw new UsageError('give --workers N or --weights W,W,...');
  const input: PlanInput = { netns: netnsFromFlags(a), smallRangeThreshold: DEFAULT_CONFIG.smallRangeThreshold };
  if (workers !== undefined) {
    if (!/^\d{1,9}$/.test(workers)) throw new UsageError(`--workers must be a positive integer (got ${JSON.stringify(workers)})`);
    input.workers = Number(workers);
  } else {
    input.weights = weights!.split(',').map((w) => {
      if (!/^\s*-?\d+(\.\d+)?\s*$/.test(w)) throw new UsageError(`--weights must be positive integers separated by commas, e.g. 3,1,1 (got ${JSON.stringify(weights)})`);
      return Number(w);
    });
  }
  const kernel = str(a, 'kernel');
  if (kernel !== undefined) input.kernel = kernel;
  const proto = str(a, 'proto') as PlanProto | undefined;
  if (proto) input.proto = proto;
  const pattern = str(a, 'pattern') as PlanPattern | undefined;
  if (pattern) input.pattern = pattern;
  const dsts = list(a, 'dst').flatMap(splitList);
  if (dsts.length && pattern === 'listen') throw new UsageError('--dst has no meaning with --pattern listen (listeners dial nowhere)');
  if (dsts.length) input.destinations = dsts;
  const need = str(a, 'need');
  if (need !== undefined) input.need = positiveInt(need, 'need');
  const seed = str(a, 'seed');
  if (seed !== undefined) {
    if (!/^\d{1,15}$/.test(seed)) throw new UsageError(`--seed must be a non-negative integer (got ${JSON.stringify(seed)})`);
    input.seed = Number(seed);
  }
  const worker = str(a, 'worker');
  return {
    input,
    format: (str(a, 'format') ?? 'text') as 'text' | 'json',
    language: (str(a, 'language') as CodeLanguage | undefined) ?? null,
    worker: worker === undefined ? 0 : workerIndex(worker),
  };
}

/** Runs `plan` with the arguments after the command name; UsageError for bad input. */
export async function planCommand(argv: string[]): Promise<number> {
  const parsed = planArgs(argv);
  if (parsed === 'help') {
    process.stdout.write(PLAN_USAGE);
    return 0;
  }
  const { input, format, language, worker } = parsed;
  const n = input.workers ?? input.weights?.length ?? 1;
  const progress = createProgress(n, 'simulating slices', { enabled: progressWanted(format) });
  let plan;
  try {
    plan = planPortRanges(input, progress);
  } catch (e) {
    if (e instanceof PlanError) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.done();
  }
  if (worker >= plan.slices.length) throw new UsageError(`--worker ${worker}: the plan has workers 0..${plan.slices.length - 1}`);
  if (format === 'json') process.stdout.write(JSON.stringify(planJson(plan, language ? [language] : CODE_LANGUAGES)) + '\n');
  else process.stdout.write(planText(plan, language ?? 'c', worker));
  return 0;
}
