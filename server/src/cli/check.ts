/**
 * `port-range-lens check [paths...]`: analyse C/C++, Python and Go files and report every
 * IP_LOCAL_PORT_RANGE call site like a compiler (text), as one JSON object, or as SARIF 2.1.0.
 * Exit 0 = nothing at the --fail-on level, 1 = findings, 2 = usage or I/O error.
 */
import { closeSync, fstatSync, openSync, readSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createAnalyzer, languageForPath, mayContainCallSite, type Analyzer } from '../analysis/index';
import type { CallSite, Language, Severity } from '../analysis/callSite';
import { DEFAULT_CONFIG, type Config } from '../config/schema';
import { resolveConfig, ConfigError } from '../config/resolve';
import { toSarif } from './sarif';
import { UsageError, bool, parseArgs, str, type FlagSpec } from './args';
import { createProgress, progressWanted } from './progress';
import { portsText } from '../features/summary';

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
  --list                      text: also print every call site without a finding, with its
                              decoded range ("ok" lines; json and sarif list every call site anyway)
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
  list: boolean;
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
  { name: 'list', type: 'boolean' },
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
    list: bool(p, 'list'),
  };
}

interface Collected {
  files: string[];
  /** `before`: the index of the file this note comes before in walk order. */
  notes: { file: string; reason: string; before?: number }[];
  ioErrors: { file: string; reason: string }[];
}

/** Git's heuristic: a NUL byte in the first 8 KB means binary. */
export function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

/** Files of a directory in name order, without a stat per file (the entry says its type). */
function collect(paths: string[]): Collected {
  const out: Collected = { files: [], notes: [], ioErrors: [] };
  // Only needed when the same file can be reached twice: several paths, or a symbolic link.
  const seen = paths.length > 1 ? new Set<string>() : null;
  const note = (file: string, reason: string) => out.notes.push({ file, reason, before: out.files.length });
  const visitDir = (p: string, depth: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(p, { withFileTypes: true });
    } catch (e) {
      out.ioErrors.push({ file: p, reason: (e as Error).message });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (SKIP_DIRS.has(e.name)) continue;
      const child = join(p, e.name);
      if (depth + 1 > 64) { note(child, 'directory nesting deeper than 64 levels: skipped'); continue; }
      if (e.isDirectory()) visitDir(child, depth + 1);
      else if (e.isFile()) {
        if (!languageForPath(child)) continue;
        if (seen) {
          const abs = resolve(child);
          if (seen.has(abs)) continue;
          seen.add(abs);
        }
        out.files.push(child);
      } else visit(child, false, depth + 1); // a symbolic link (followed) or something else
    }
  };
  const visit = (p: string, explicit: boolean, depth: number) => {
    if (depth > 64) { note(p, 'directory nesting deeper than 64 levels: skipped'); return; }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      out.ioErrors.push({ file: p, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message });
      return;
    }
    if (st.isDirectory()) { visitDir(p, depth); return; }
    if (!st.isFile()) return;
    if (!languageForPath(p)) {
      if (explicit) note(p, 'not a C/C++, Python or Go file: skipped');
      return;
    }
    if (seen) {
      const abs = resolve(p);
      if (seen.has(abs)) return;
      seen.add(abs);
    }
    out.files.push(p);
  };
  for (const p of paths) visit(p, true, 0);
  return out;
}

/** One buffer re-used for every read: most source files are small. */
let readBuf = Buffer.allocUnsafe(256 * 1024);

/**
 * Reads a file with one open and as few reads as it takes (no stat unless it is large).
 * Returns the bytes (a view of a shared buffer: copy before keeping), 'large' with its
 * size when it is over the limit, or throws the I/O error.
 */
function readSource(file: string): Buffer | { large: number } {
  const fd = openSync(file, 'r');
  try {
    let len = 0;
    for (;;) {
      if (len === readBuf.length) {
        const size = fstatSync(fd).size;
        if (size > MAX_FILE_BYTES) return { large: size };
        const bigger = Buffer.allocUnsafe(Math.max(readBuf.length * 2, size + 1));
        readBuf.copy(bigger, 0, 0, len);
        readBuf = bigger;
      }
      const want = readBuf.length - len;
      const n = readSync(fd, readBuf, len, want, null);
      len += n;
      if (len > MAX_FILE_BYTES) return { large: fstatSync(fd).size };
      // A regular file reads short only at its end: no second call to see 0.
      if (n < want) break;
    }
    return readBuf.subarray(0, len);
  } finally {
    closeSync(fd);
  }
}

/** "sockopt" in any letter case (the same test as mayContainCallSite), on the bytes. */
function bytesMayContainCallSite(buf: Buffer): boolean {
  // Every call site names a *sockopt* function: find "kopt"/"KOPT"/... cheaply via the
  // letter 'k' or 'K', then compare the 7 bytes around it case-insensitively.
  for (const k of [0x6b, 0x4b]) {
    let i = buf.indexOf(k, 3);
    while (i >= 0 && i + 3 < buf.length) {
      if (
        (buf[i - 3]! | 0x20) === 0x73 && (buf[i - 2]! | 0x20) === 0x6f && (buf[i - 1]! | 0x20) === 0x63 &&
        (buf[i + 1]! | 0x20) === 0x6f && (buf[i + 2]! | 0x20) === 0x70 && (buf[i + 3]! | 0x20) === 0x74
      ) return true;
      i = buf.indexOf(k, i + 1);
    }
  }
  return false;
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

/**
 * The --list line of a call site without a finding: what it asks for, in the same words as
 * a finding's suffix, e.g. `ok setsockopt IP_LOCAL_PORT_RANGE: lo=40000 hi=40511 · 512 ports,
 * effective 40000-40511 (socket)`.
 */
function okText(c: CallSite): string {
  const head = `ok ${c.op}sockopt IP_LOCAL_PORT_RANGE: `;
  if (c.op === 'get') return `${head}reads the raw stored value`;
  const v = c.value;
  if (!v || v.lo === null || v.hi === null) return `${head}value not statically known`;
  let text = `lo=${v.lo} hi=${v.hi}`;
  if (v.lo > 0 && v.hi > 0 && v.lo <= v.hi) text += ` · ${portsText(v.hi - v.lo + 1)}`;
  if (c.effective) text += `, effective ${rangeText(c.effective.lo, c.effective.hi)} (${c.effective.rule})`;
  return head + text;
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
  // The parser is loaded only when a file needs it, with only the grammars needed.
  let analyzer: Analyzer | null = null;
  const analyzerFor = async (language: Language): Promise<Analyzer> => {
    analyzer ??= await createAnalyzer({ incremental: false, prune: true, grammars: [] });
    await analyzer.prepare([language]);
    return analyzer;
  };
  const progress = createProgress(files.length, 'checking', {
    enabled: opts.progress && progressWanted(opts.format) && files.length >= 200,
  });
  const sites: { site: CallSite; display: string }[] = [];
  const texts = new Map<string, string[]>();
  const analysisErrors: { file: string; reason: string }[] = [];
  const readErrors: { file: string; reason: string }[] = [];
  const binaryNotes: { file: string; reason: string }[] = [];
  let binaries = 0;
  let large = 0;
  try {
    // Walk order: read each file once, skip those that cannot hold a call site, and
    // analyse the rest right away (the parser and each grammar load on first use).
    for (const [index, file] of files.entries()) {
      progress.tick();
      let buf: Buffer | { large: number };
      try {
        buf = readSource(file);
      } catch (e) {
        // Unreadable: still skipped with a note when it is too large anyway (stat needs no read permission).
        let size = -1;
        try { size = statSync(file).size; } catch { /* the read error is the one to report */ }
        if (size > MAX_FILE_BYTES) buf = { large: size };
        else { readErrors.push({ file, reason: (e as Error).message }); continue; }
      }
      if (!Buffer.isBuffer(buf)) {
        notes.push({ file, reason: `larger than 5 MB (${buf.large} bytes): skipped`, before: index });
        large++;
        continue;
      }
      if (looksBinary(buf)) { binaryNotes.push({ file, reason: 'binary file: skipped' }); binaries++; continue; }
      // Most files cannot contain a call site: look at the bytes before decoding or parsing.
      if (!bytesMayContainCallSite(buf)) continue;
      const text = buf.toString('utf8');
      if (!mayContainCallSite(text)) continue;
      const language = languageForPath(file)!;
      let a: Analyzer;
      try {
        a = await analyzerFor(language);
      } catch (e) {
        process.stderr.write(`port-range-lens check: cannot load the parser: ${(e as Error).message}\n`);
        return 2;
      }
      const r = a.analyze(file, text, language, opts.config);
      if (r.error) analysisErrors.push({ file, reason: r.error });
      if (r.callSites.length) texts.set(file, text.split('\n'));
      const display = relative(cwd, file) || file;
      for (const s of r.callSites) sites.push({ site: s, display });
    }
  } finally {
    progress.done();
    (analyzer as Analyzer | null)?.dispose();
  }
  // Same order as a stat-first walk: size notes with the walk's notes, then binaries; stat errors, then read errors.
  notes.sort((a, b) => a.before! - b.before!); // stable: walk notes before a size note of the same file
  for (const n of notes) delete n.before;
  notes.push(...binaryNotes);
  ioErrors.push(...readErrors);
  const checked = files.length - large;

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
        files: checked - binaries,
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
    // One file at a time (its call sites are consecutive): the findings in their order and,
    // with --list, an "ok" line per call site without one, merged in by line and column.
    for (let i = 0; i < sites.length;) {
      const display = sites[i]!.display;
      const findings: { line: number; column: number; text: string }[] = [];
      const oks: { line: number; column: number; text: string }[] = [];
      for (; i < sites.length && sites[i]!.display === display; i++) {
        const site = sites[i]!.site;
        const suffix = decodedSuffix(site);
        for (const d of site.diagnostics) {
          findings.push({
            line: d.span.line, column: d.span.column,
            text: `${display}:${d.span.line + 1}:${d.span.column + 1}: ${d.severity} ${d.code}: ${d.message}${suffix}`,
          });
        }
        if (opts.list && site.diagnostics.length === 0) {
          oks.push({ line: site.span.line, column: site.span.column, text: `${display}:${site.span.line + 1}:${site.span.column + 1}: ${okText(site)}` });
        }
      }
      oks.sort((a, b) => a.line - b.line || a.column - b.column);
      let k = 0;
      for (const f of findings) {
        while (k < oks.length && (oks[k]!.line < f.line || (oks[k]!.line === f.line && oks[k]!.column <= f.column))) lines.push(oks[k++]!.text);
        lines.push(f.text);
      }
      while (k < oks.length) lines.push(oks[k++]!.text);
    }
    for (const n of notes) lines.push(`${relative(cwd, n.file) || n.file}: note: ${n.reason}`);
    const total = counts.error + counts.warning + counts.information + counts.hint;
    lines.push(
      `${sites.length} call site${sites.length === 1 ? '' : 's'} in ${checked - binaries} file${checked - binaries === 1 ? '' : 's'}: ` +
      `${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ` +
      `${counts.information} information, ${counts.hint} hint${counts.hint === 1 ? '' : 's'}` + (total === 0 ? '' : ''),
    );
    process.stdout.write(lines.join('\n') + '\n');
  }
  for (const e of [...ioErrors, ...analysisErrors]) process.stderr.write(`port-range-lens check: ${e.file}: ${e.reason}\n`);
  if (ioErrors.length) return 2;
  return failing > 0 ? 1 : 0;
}
