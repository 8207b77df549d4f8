/**
 * `port-range-lens pressure`: how full this machine's ephemeral range is, per protocol and
 * destination, now (or watched over time), and `--serve` for Prometheus. docs/pressure.md.
 * Exit 0 ok, 1 the machine's sockets or sysctls cannot be read, 2 usage error or --serve
 * cannot bind.
 */
import { bool, list, parseArgs, str, UsageError, type FlagSpec } from './args';
import { samplePressure, pressureText, type PressureOptions, type PressureSample } from '../pressure/report';
import { declaredRanges } from '../pressure/workspace';
import { parseListen, serveMetrics } from '../pressure/metrics';
import { SourceError } from '../pressure/sources';
import { SysctlError } from '../../../engine/src/sysctl';

export const PRESSURE_FLAGS: FlagSpec[] = [
  { name: 'netns-range', type: 'string' },
  { name: 'reserved', type: 'string' },
  { name: 'ranges', type: 'string', multiple: true },
  { name: 'workspace', type: 'string' },
  { name: 'interval', type: 'string' },
  { name: 'watch', type: 'boolean' },
  { name: 'serve', type: 'string' },
  { name: 'source', type: 'string', choices: ['auto', 'ss', 'proc'] },
  { name: 'format', type: 'string', choices: ['text', 'json'] },
  { name: 'help', type: 'boolean', short: 'h' },
];

export const PRESSURE_USAGE = `usage: port-range-lens pressure [flags]

How full this machine's ephemeral port range is, per protocol and destination: ports in use,
TIME-WAIT, capacity (netns range minus reserved ports, the allocator's sharing rules), fraction.

  --netns-range auto|LO-HI     the range to judge against (default auto = /proc/sys/net/ipv4)
  --reserved auto|none|LIST    reserved ports, e.g. 40000-40004,40007 (default auto)
  --ranges LO-HI[,LO-HI..]     also report usage of these slices (e.g. your IP_LOCAL_PORT_RANGE values)
  --workspace DIR              also report the slices the analyzer finds in DIR's sources
  --interval S                 sample twice, S seconds apart: rate of new connections and
                               time to exhaustion (default 2 with --watch)
  --watch                      keep sampling every interval until interrupted
  --serve HOST:PORT            serve /metrics for Prometheus until SIGTERM (docs/pressure.md)
  --source auto|ss|proc        socket list from ss -tuan or /proc/net (default auto: ss, else /proc)
  --format text|json           output format (default text; json: one object per sample)
`;

function parseRanges(values: string[]): { lo: number; hi: number }[] {
  const out: { lo: number; hi: number }[] = [];
  for (const item of values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d{1,5})-(\d{1,5})$/.exec(item);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2]) : NaN;
    if (!m || lo < 1 || hi > 65535 || lo > hi) throw new UsageError(`--ranges: ${JSON.stringify(item)} is not LO-HI with 1 <= LO <= HI <= 65535`);
    out.push({ lo, hi });
  }
  return out;
}

interface Parsed {
  opts: PressureOptions;
  workspace?: string;
  interval: number | null;
  watch: boolean;
  serve: { host: string; port: number } | null;
  format: 'text' | 'json';
}

export function pressureArgs(argv: readonly string[]): Parsed | 'help' {
  const a = parseArgs(argv, PRESSURE_FLAGS);
  if (bool(a, 'help')) return 'help';
  const nsText = str(a, 'netns-range') ?? 'auto';
  let netnsRange: PressureOptions['netnsRange'] = 'auto';
  if (nsText !== 'auto') {
    const r = parseRanges([nsText]);
    if (r.length !== 1) throw new UsageError('--netns-range must be auto or one LO-HI');
    netnsRange = r[0]!;
  }
  const reservedText = str(a, 'reserved') ?? 'auto';
  const reserved = reservedText === 'none' ? '' : reservedText;
  if (reserved !== 'auto' && reserved !== '' && !/^(\d{1,5}(-\d{1,5})?)(,\d{1,5}(-\d{1,5})?)*$/.test(reserved)) {
    throw new UsageError(`--reserved must be auto or the /proc list syntax, e.g. 40000-40004,40007 (got ${JSON.stringify(reserved)})`);
  }
  const iText = str(a, 'interval');
  let interval: number | null = null;
  if (iText !== undefined) {
    interval = Number(iText);
    if (!/^\d+(\.\d+)?$/.test(iText) || interval < 0.1 || interval > 3600) throw new UsageError(`--interval must be seconds in [0.1, 3600] (got ${JSON.stringify(iText)})`);
  }
  const watch = bool(a, 'watch');
  if (watch && interval === null) interval = 2;
  const serveText = str(a, 'serve');
  const serve = serveText === undefined ? null : parseListen(serveText);
  if (serveText !== undefined && !serve) throw new UsageError(`--serve must be HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464 (got ${JSON.stringify(serveText)})`);
  if (serve && watch) throw new UsageError('--serve and --watch do not go together (Prometheus does the watching)');
  return {
    opts: { netnsRange, reserved, ranges: parseRanges(list(a, 'ranges')), source: (str(a, 'source') ?? 'auto') as PressureOptions['source'] },
    workspace: str(a, 'workspace'),
    interval,
    watch,
    serve,
    format: (str(a, 'format') ?? 'text') as 'text' | 'json',
  };
}

const sleep = (ms: number, stop: { stopped: boolean; wake?: () => void }) =>
  new Promise<void>((res) => {
    const t = setTimeout(res, ms);
    stop.wake = () => { clearTimeout(t); res(); };
  });

export async function runPressure(argv: string[]): Promise<number> {
  // A UsageError goes to the one wrapper (cli/command.ts runSubcommand): stderr, exit 2, and one JSON object with --format json.
  const p: Parsed | 'help' = pressureArgs(argv);
  if (p === 'help') {
    process.stdout.write(PRESSURE_USAGE);
    return 0;
  }
  const { opts, format } = p;
  let declaredAt: Map<string, string[]> | undefined;
  try {
    if (p.workspace !== undefined) {
      const first = samplePressure({ ...opts, ranges: [] }, null); // the netns range the analyzer judges against
      const found = await declaredRanges(p.workspace, first.report.netnsRange);
      declaredAt = new Map(found.map((d) => [`${d.lo}-${d.hi}`, d.at]));
      const have = new Set(opts.ranges.map((r) => `${r.lo}-${r.hi}`));
      opts.ranges = [...opts.ranges, ...found.filter((d) => !have.has(`${d.lo}-${d.hi}`)).map(({ lo, hi }) => ({ lo, hi }))];
    }
    const emit = (s: PressureSample) => process.stdout.write(format === 'json' ? JSON.stringify(s.report) + '\n' : pressureText(s, declaredAt));
    if (p.serve) {
      samplePressure(opts, null); // fail now, not at the first scrape, when nothing can be read
      await serveMetrics(p.serve, () => samplePressure(opts, null), (addr) => process.stderr.write(`port-range-lens pressure: serving http://${addr}/metrics (SIGTERM stops)\n`));
      return 0;
    }
    opts.trackRates = p.interval !== null;
    let prev = samplePressure(opts, null);
    if (p.interval === null) {
      emit(prev);
      return 0;
    }
    const stop: { stopped: boolean; wake?: () => void } = { stopped: false };
    const onSignal = () => { stop.stopped = true; stop.wake?.(); };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      do {
        await sleep(p.interval * 1000, stop);
        if (stop.stopped) break;
        const next = samplePressure(opts, prev);
        if (p.watch && format === 'text' && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
        if (p.watch && format === 'text') process.stdout.write(`${new Date().toISOString()}\n`);
        emit(next);
        prev = next;
      } while (p.watch && !stop.stopped);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return 0;
  } catch (e) {
    if (e instanceof SourceError || e instanceof SysctlError) {
      process.stderr.write(`port-range-lens pressure: ${e.message}\n`);
      return 1;
    }
    if (e instanceof Error && /^cannot serve/.test(e.message)) {
      process.stderr.write(`port-range-lens pressure: ${e.message}\n`);
      return 2;
    }
    if (e instanceof Error && p.workspace !== undefined && !(e instanceof TypeError)) {
      process.stderr.write(`port-range-lens pressure: --workspace ${p.workspace}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
