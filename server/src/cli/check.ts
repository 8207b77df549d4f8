/**
 * `port-range-lens check [paths...]`: analyse C/C++, Python and Go files and report every
 * IP_LOCAL_PORT_RANGE call site like a compiler (text), as one JSON object, or as SARIF 2.1.0.
 * Exit 0 = nothing at the --fail-on level, 1 = findings, 2 = usage or I/O error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createAnalyzer, languageForPath, mayContainCallSite, type Analyzer } from '../analysis/index';
import type { CallSite, Severity } from '../analysis/callSite';
import { DEFAULT_CONFIG, type Config } from '../config';
import { resolveConfig, ConfigError } from '../configResolve';
import { toSarif } from './sarif';
import { UsageError, bool, parseArgs, str, type FlagSpec } from './args';
import { createProgress, progressWanted } from './progress';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export const CHECK_USAGE = `usage: port-range-lens check [paths...] [options]

Finds every setsockopt/getsockopt of IP_LOCAL_PORT_RANGE in C/C++, Python and Go files,
decodes the range and reports what the kernel will do with it.

options:
  --format text|json|sarif    output format (default text)
  --netns-range LO-HI|auto    net.ipv4.ip_local_port_range to judge against (default 32768-60999;
                              auto = this machine's /proc)
  --reserved LIST|auto        net.ipv4.ip_local_reserved_ports, e.g. 40000-40004,40007
  --kernel X.Y                target kernel (default 6.18)
  --host-byte-order little|big  (default little)
  --small-range N             small-range threshold in usable ports (default 64)
  --fail-on error|warning|never  exit 1 when a finding at this level exists (default error)
  --no-progress               never draw the progress bar
  -h, --help                  this help

exit status: 0 = nothing at the --fail-on level, 1 = findings, 2 = usage or I/O error
`;

interface CheckOptions {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  failOn: 'error' | 'warning' | 'never';
  config: Config;
  progress: boolean;
}

const FLAGS: FlagSpec[] = [
  { name: 'format', type: 'string', choices: ['text', 'json', 'sarif'] },
  { name: 'fail-on', type: 'string', choices: ['error', 'warning', 'never'] },
  { name: 'netns-range', type: 'string' },
  { name: 'reserved', type: 'string' },
  { name: 'kernel', type: 'string' },
  { name: 'host-byte-order', type: 'string', choices: ['little', 'big'] },
  { name: 'small-range', type: 'string' },
  { name: 'no-progress', type: 'boolean' },
  { name: 'help', type: 'boolean', short: 'h' },
];

function parseCheckArgs(argv: string[]): CheckOptions | 'help' {
  const p = parseArgs(argv, FLAGS, { allowPositionals: true });
  if (bool(p, 'help')) return 'help';
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
  };
}

interface Collected {
  files: string[];
  notes: { file: string; reason: string }[];
  ioErrors: { file: string; reason: string }[];
}

/** Git's heuristic: a NUL byte in the first 8 KB means binary. */
export function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

function collect(paths: string[]): Collected {
  const out: Collected = { files: [], notes: [], ioErrors: [] };
  const seen = new Set<string>();
  const visit = (p: string, explicit: boolean, depth: number) => {
    if (depth > 64) { out.notes.push({ file: p, reason: 'directory nesting deeper than 64 levels: skipped' }); return; }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      out.ioErrors.push({ file: p, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message });
      return;
    }
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch (e) {
        out.ioErrors.push({ file: p, reason: (e as Error).message });
        return;
      }
      for (const n of names) {
        if (SKIP_DIRS.has(n)) continue;
        visit(join(p, n), false, depth + 1);
      }
      return;
    }
    if (!st.isFile()) return;
    const abs = resolve(p);
    if (seen.has(abs)) return;
    seen.add(abs);
    if (!languageForPath(p)) {
      if (explicit) out.notes.push({ file: p, reason: 'not a C/C++, Python or Go file: skipped' });
      return;
    }
    if (st.size > MAX_FILE_BYTES) { out.notes.push({ file: p, reason: `larger than 5 MB (${st.size} bytes): skipped` }); return; }
    out.files.push(p);
  };
  for (const p of paths) visit(p, true, 0);
  return out;
}

function rangeText(lo: number, hi: number): string {
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}

function decodedSuffix(c: CallSite): string {
  const v = c.value;
  const parts: string[] = [];
  if (v && v.lo !== null && v.hi !== null) parts.push(`lo=${v.lo} hi=${v.hi}`);
  else if (c.op === 'set') parts.push('value not statically known');
  if (c.effective) parts.push(`effective ${rangeText(c.effective.lo, c.effective.hi)} (${c.effective.rule})`);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

function jsonCallSite(c: CallSite, display: string) {
  return {
    file: display,
    line: c.span.line + 1,
    column: c.span.column + 1,
    endLine: c.span.endLine + 1,
    endColumn: c.span.endColumn + 1,
    language: c.language,
    op: c.op,
    level: { text: c.level.text, value: c.level.value },
    optname: { text: c.optname.text, value: c.optname.value },
    value: c.value
      ? { lo: c.value.lo, hi: c.value.hi, packed: c.value.packed, byteOrder: c.value.byteOrder, optlen: c.value.optlen }
      : null,
    effective: c.effective ? { lo: c.effective.lo, hi: c.effective.hi, rule: c.effective.rule } : null,
    diagnostics: c.diagnostics.map((d) => ({
      code: d.code, severity: d.severity, message: d.message, line: d.span.line + 1, column: d.span.column + 1,
    })),
  };
}

export async function runCheck(argv: string[]): Promise<number> {
  let opts: CheckOptions | 'help';
  try {
    opts = parseCheckArgs(argv);
  } catch (e) {
    process.stderr.write(`port-range-lens check: ${(e as Error).message}\n\n${CHECK_USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(CHECK_USAGE);
    return 0;
  }
  try {
    resolveConfig(opts.config);
  } catch (e) {
    process.stderr.write(`port-range-lens check: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    return 2;
  }
  const cwd = process.cwd();
  const { files, notes, ioErrors } = collect(opts.paths);
  let analyzer: Analyzer;
  try {
    analyzer = await createAnalyzer({ incremental: false });
  } catch (e) {
    process.stderr.write(`port-range-lens check: cannot load the parser: ${(e as Error).message}\n`);
    return 2;
  }
  const progress = createProgress(files.length, 'checking', {
    enabled: opts.progress && progressWanted(opts.format) && files.length >= 200,
  });
  const sites: { site: CallSite; display: string }[] = [];
  const texts = new Map<string, string[]>();
  const analysisErrors: { file: string; reason: string }[] = [];
  let binaries = 0;
  try {
    files.forEach((file) => {
      progress.tick();
      let buf: Buffer;
      try {
        buf = readFileSync(file);
      } catch (e) {
        ioErrors.push({ file, reason: (e as Error).message });
        return;
      }
      if (looksBinary(buf)) { notes.push({ file, reason: 'binary file: skipped' }); binaries++; return; }
      // Most files cannot contain a call site: look for the bytes before decoding or parsing.
      if (buf.indexOf('sockopt') < 0 && buf.indexOf('SOCKOPT') < 0 && buf.indexOf('Sockopt') < 0) return;
      const text = buf.toString('utf8');
      if (!mayContainCallSite(text)) return;
      const r = analyzer.analyze(file, text, languageForPath(file)!, opts.config);
      if (r.error) analysisErrors.push({ file, reason: r.error });
      if (r.callSites.length) texts.set(file, text.split('\n'));
      const display = relative(cwd, file) || file;
      for (const s of r.callSites) sites.push({ site: s, display });
    });
  } finally {
    progress.done();
    analyzer.dispose();
  }

  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  const byCode: Record<string, number> = {};
  for (const { site } of sites) {
    for (const d of site.diagnostics) {
      counts[d.severity]++;
      byCode[d.code] = (byCode[d.code] ?? 0) + 1;
    }
  }
  const failing = opts.failOn === 'never' ? 0 : opts.failOn === 'warning' ? counts.error + counts.warning : counts.error;

  if (opts.format === 'json') {
    const out = {
      version: 1,
      callSites: sites.map(({ site, display }) => jsonCallSite(site, display)),
      summary: {
        files: files.length - binaries,
        callSites: sites.length,
        diagnostics: counts,
        byCode,
        skipped: notes,
        errors: [...ioErrors, ...analysisErrors],
        failOn: opts.failOn,
        failed: failing > 0,
      },
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else if (opts.format === 'sarif') {
    const sarif = toSarif({ callSites: sites.map((s) => s.site), lines: (f) => texts.get(f), root: cwd });
    process.stdout.write(JSON.stringify(sarif, null, 2) + '\n');
  } else {
    const lines: string[] = [];
    for (const { site, display } of sites) {
      const suffix = decodedSuffix(site);
      for (const d of site.diagnostics) {
        lines.push(`${display}:${d.span.line + 1}:${d.span.column + 1}: ${d.severity} ${d.code}: ${d.message}${suffix}`);
      }
    }
    for (const n of notes) lines.push(`${relative(cwd, n.file) || n.file}: note: ${n.reason}`);
    const total = counts.error + counts.warning + counts.information + counts.hint;
    lines.push(
      `${sites.length} call site${sites.length === 1 ? '' : 's'} in ${files.length - binaries} file${files.length - binaries === 1 ? '' : 's'}: ` +
      `${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ` +
      `${counts.information} information, ${counts.hint} hint${counts.hint === 1 ? '' : 's'}` + (total === 0 ? '' : ''),
    );
    process.stdout.write(lines.join('\n') + '\n');
  }
  for (const e of [...ioErrors, ...analysisErrors]) process.stderr.write(`port-range-lens check: ${e.file}: ${e.reason}\n`);
  if (ioErrors.length) return 2;
  return failing > 0 ? 1 : 0;
}
