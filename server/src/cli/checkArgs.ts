/** `check`'s flags, usage text and option parsing (UsageError on bad input). */
import { resolve } from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../config/schema';
import { UsageError, bool, parseArgs, str, type FlagSpec } from './args';
import { CACHE_DIR_ENV, defaultCacheDir } from './checkCache';
import { MAX_JOBS, defaultJobs } from './checkPool';

export const CHECK_USAGE = `usage: port-range-lens check [paths...] [options]

Finds every setsockopt/getsockopt of IP_LOCAL_PORT_RANGE in C, C++, Python, Go and Rust files,
decodes the range and reports what the kernel will do with it.

options:
  --format text|json|sarif    output format (default text)
  --netns-range LO-HI|auto    net.ipv4.ip_local_port_range to judge against (default 32768-60999;
                              auto = this machine's /proc)
  --reserved LIST|auto        net.ipv4.ip_local_reserved_ports, e.g. 40000-40004,40007
  --kernel X.Y                target kernel (default 6.18)
  --host-byte-order little|big  (default little)
  --small-range N             small-range threshold in usable ports (default 64)
  --fail-on error|warning|never  exit 1 when a finding at this level exists, or a limit was hit
                              (a file not analysed completely); never = exit 0 for both (default error)
  --sarif-root DIR            sarif: URIs of files under DIR are relative to it (%SRCROOT%),
                              others are absolute file:// URIs (default: the working directory)
  --list                      text: also print every call site without a finding, with its
                              decoded range ("ok" lines; json and sarif list every call site anyway)
  --cache                     keep each file's result in the cache directory, keyed by its
                              content, the version and the configuration; unchanged files are
                              not analysed again (same output as without --cache)
  --cache-dir DIR             the cache directory (implies --cache; default $${CACHE_DIR_ENV},
                              else $XDG_CACHE_HOME/port-range-lens, else ~/.cache/port-range-lens)
  --jobs N                    analyse on up to N threads when at least 16 files need analysing
                              (default: the number of CPUs, at most 8, or 1 below 4 CPUs;
                              1 = all on the main thread; same output whatever N)
  --no-progress               never draw the progress bar
  -h, --help                  this help
  -V, --version               print the version

exit status: 0 = nothing at the --fail-on level, 1 = findings or a limit hit, 2 = usage or I/O error
`;

export interface CheckOptions {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  failOn: 'error' | 'warning' | 'never';
  config: Config;
  progress: boolean;
  list: boolean;
  /** Absolute directory that SARIF URIs are relative to. */
  sarifRoot: string;
  /** --cache: the cache directory; null = no cache. */
  cacheDir: string | null;
  /** --jobs: analysis threads at most (1 = the main thread only; checkPool.ts). */
  jobs: number;
}

const FLAGS: FlagSpec[] = [
  { name: 'format', type: 'string', choices: ['text', 'json', 'sarif'] },
  { name: 'fail-on', type: 'string', choices: ['error', 'warning', 'never'] },
  { name: 'netns-range', type: 'string' },
  { name: 'reserved', type: 'string' },
  { name: 'kernel', type: 'string' },
  { name: 'host-byte-order', type: 'string', choices: ['little', 'big'] },
  { name: 'small-range', type: 'string' },
  { name: 'sarif-root', type: 'string' },
  { name: 'no-progress', type: 'boolean' },
  { name: 'list', type: 'boolean' },
  { name: 'cache', type: 'boolean' },
  { name: 'cache-dir', type: 'string' },
  { name: 'jobs', type: 'string' },
];

export function parseCheckArgs(argv: string[]): CheckOptions {
  const p = parseArgs(argv, FLAGS, { allowPositionals: true });
  const config: Config = { ...DEFAULT_CONFIG, severity: {} };
  const netns = str(p, 'netns-range');
  if (netns !== undefined) config.netnsRange = netns;
  const reserved = str(p, 'reserved');
  if (reserved !== undefined) config.reservedPorts = reserved;
  const kernel = str(p, 'kernel');
  if (kernel !== undefined) config.kernel = kernel;
  const hbo = str(p, 'host-byte-order');
  if (hbo !== undefined) config.hostByteOrder = hbo as 'little' | 'big';
  const small = str(p, 'small-range');
  if (small !== undefined) {
    if (!/^\d+$/.test(small)) throw new UsageError(`--small-range: "${small}" is not a number`);
    config.smallRangeThreshold = Number(small);
  }
  return {
    paths: p.positionals.length ? p.positionals : ['.'],
    format: (str(p, 'format') ?? 'text') as CheckOptions['format'],
    failOn: (str(p, 'fail-on') ?? 'error') as CheckOptions['failOn'],
    config,
    progress: !bool(p, 'no-progress'),
    list: bool(p, 'list'),
    sarifRoot: resolve(str(p, 'sarif-root') ?? '.'),
    cacheDir: cacheDir(str(p, 'cache-dir'), bool(p, 'cache')),
    jobs: jobs(str(p, 'jobs')),
  };
}

function jobs(flag: string | undefined): number {
  if (flag === undefined) return defaultJobs();
  if (!/^\d+$/.test(flag) || Number(flag) < 1 || Number(flag) > MAX_JOBS) throw new UsageError(`--jobs: "${flag}" is not a number from 1 to ${MAX_JOBS}`);
  return Number(flag);
}

function cacheDir(flag: string | undefined, on: boolean): string | null {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError('--cache-dir: empty directory name');
    return resolve(flag);
  }
  return on ? defaultCacheDir() : null;
}
