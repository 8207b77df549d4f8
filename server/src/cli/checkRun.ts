/**
 * The work of `check`, without presentation: walk the paths (files/walk.ts), read each file
 * (files/read.ts), analyse those that can hold a call site, and collect call sites, per-file
 * notes and I/O errors into one CheckReport. Every bound that was hit (file size, a file the
 * analyzer could not finish, the analyzer's own limits) becomes a 'limit' note: the report is
 * then `truncated` and the run fails unless --fail-on never.
 */
import { relative } from 'node:path';
import type { AnalysisResult } from '../analysis/index';
import { bytesMayContainCallSite, mayContainCallSite } from '../analysis/gate';
import { languageForPath } from '../analysis/fileLanguage';
import type { CallSite, Severity } from '../analysis/callSite';
import { readSourceFile, MAX_FILE_BYTES } from '../files/read';
import { walkFilesSync } from '../files/walk';
import { resolveConfig } from '../config/resolve';
import { VERSION } from '../version';
import type { CheckOptions } from './checkArgs';
import { buildStamp, contentHash, openCheckCache, type CheckCache } from './checkCache';
import { createProgress, progressWanted } from './progress';
import type { AnalysisJob } from './checkPool';
import { CHECK_ANALYZER_OPTIONS, ParserLoadError, checkAnalyzer } from './checkAnalyzer';
import { analysisQueue, inWalkOrder } from './checkQueue';

export interface FileNote {
  file: string;
  /** skipped = not checked by rule (binary, dangling link…); limit = a bound was hit (incomplete);
   *  info = said by the analyzer, result complete. */
  kind: 'skipped' | 'limit' | 'info';
  id: string;
  message: string;
}

export interface IoError { file: string; code: string; message: string }

export interface CheckReport {
  sites: { site: CallSite; display: string }[];
  /** Source lines of the files with call sites (for SARIF fingerprints). */
  texts: Map<string, string[]>;
  /** Files read and analysed or pre-filtered (not skipped). */
  files: number;
  notes: FileNote[];
  errors: IoError[];
  counts: Record<Severity, number>;
  byCode: Record<string, number>;
  /** A limit was hit somewhere: the results may be incomplete. */
  truncated: boolean;
  exitCode: 0 | 1 | 2;
  /** Said on stderr, never in the output (an unwritable cache directory). */
  warnings: string[];
}

export { ParserLoadError };

export async function runCheckWork(opts: CheckOptions): Promise<CheckReport> {
  const cwd = process.cwd();
  const notes: FileNote[] = [];
  const errors: IoError[] = [];
  const files: string[] = [];
  for (const e of walkFilesSync(opts.paths, { accept: (p) => languageForPath(p) !== null })) {
    if (e.kind === 'file') files.push(e.path);
    else if (e.kind === 'note') notes.push({ file: e.path, kind: 'skipped', id: e.id, message: e.message });
    else errors.push({ file: e.path, code: e.code, message: e.message });
  }
  // The parser is loaded only when a file needs it, with only the grammars needed.
  const analyzer = checkAnalyzer();
  const progress = createProgress(files.length, 'checking', {
    enabled: opts.progress && progressWanted(opts.format) && files.length >= 200,
  });
  const sites: CheckReport['sites'] = [];
  const texts = new Map<string, string[]>();
  let checked = 0;
  // The key of the cache: the version and the whole resolved configuration (checkCache.ts).
  const cache: CheckCache | null = opts.cacheDir === null ? null
    : openCheckCache({ dir: opts.cacheDir, version: `${VERSION} ${buildStamp()}`, config: resolveConfig(opts.config), extra: CHECK_ANALYZER_OPTIONS });
  const binaryNote = (file: string): FileNote => ({ file, kind: 'skipped', id: 'binary', message: 'binary file: skipped' });
  /** One file's result into the report (text: its source, for SARIF's fingerprints). */
  const take = (file: string, r: Pick<AnalysisResult, 'callSites' | 'notes' | 'error'>, text: string): void => {
    const own = r.notes ?? [];
    for (const n of own) notes.push({ file, kind: n.kind === 'limit' ? 'limit' : 'info', id: n.id, message: n.message });
    // A file the analyzer could not finish is a limit too (unless it said which one).
    if (r.error && !own.some((n) => n.kind === 'limit')) notes.push({ file, kind: 'limit', id: 'not-analysed', message: `not analysed: ${r.error}` });
    if (r.callSites.length) texts.set(file, text.split('\n'));
    const display = relative(cwd, file) || file;
    for (const s of r.callSites) sites.push({ site: s, display });
  };
  // Each file's contribution to the report runs in walk order, whenever its analysis (on this
  // thread or a worker's, checkQueue.ts) is in: the report never depends on which came first.
  const order = inWalkOrder();
  const inline = async (job: AnalysisJob): Promise<AnalysisResult> => (await analyzer.get(job.language)).analyze(job.file, job.text, job.language, job.config);
  const work = analysisQueue(opts.jobs, inline);
  try {
    // Walk order: read each file once, skip those that cannot hold a call site, and hand the
    // rest to the analysis (the parser and each grammar load on first use).
    for (const file of files) {
      const pause = work.breathe();
      if (pause) await pause;
      const known = cache?.unchanged(file);
      if (known === 'clean') { checked++; progress.tick(); continue; }
      if (known === 'binary') { order.now(() => notes.push(binaryNote(file))); progress.tick(); continue; }
      // An unchanged file whose result is stored: no read (SARIF needs the lines: it reads).
      const stored = known && opts.format !== 'sarif' ? cache!.get(known.slice(1), languageForPath(file)!, file) : null;
      if (stored) { checked++; order.now(() => take(file, stored, '')); progress.tick(); continue; }
      let read;
      try {
        read = readSourceFile(file, MAX_FILE_BYTES, cache !== null);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        errors.push({ file, code: err.code ?? 'EIO', message: err.code === 'EACCES' ? 'permission denied' : err.message });
        progress.tick();
        continue;
      }
      progress.tick();
      if (read.kind === 'too-large') {
        const message = `larger than 5 MB (${read.size} bytes, limit ${MAX_FILE_BYTES}): not analysed`;
        order.now(() => notes.push({ file, kind: 'limit', id: 'file-too-large', message }));
        continue;
      }
      if (read.kind === 'binary') {
        if (read.stat) cache?.record(file, read.stat, 'binary');
        order.now(() => notes.push(binaryNote(file)));
        continue;
      }
      checked++;
      // Most files cannot contain a call site: look at the bytes before decoding or parsing.
      const language = languageForPath(file)!;
      const text = bytesMayContainCallSite(read.bytes, language) ? read.bytes.toString('utf8') : '';
      if (!mayContainCallSite(text, language)) {
        if (read.stat) cache?.record(file, read.stat, 'clean');
        continue;
      }
      const hash = cache ? contentHash(read.bytes) : '';
      const stat = read.stat;
      const hit = cache?.get(hash, language, file) ?? null;
      const result: Promise<Pick<AnalysisResult, 'callSites' | 'notes' | 'error'>> = hit ? Promise.resolve(hit) : work.submit({ file, text, language, config: opts.config });
      order.after(result, (r) => {
        // A result the analyzer could not finish (parse timeout, internal error) is not stored.
        if (!hit && cache && !r.error) cache.put(hash, language, file, { callSites: r.callSites, ...(r.notes ? { notes: r.notes } : {}) });
        if (stat) cache?.record(file, stat, r.error ? null : r.callSites.length || r.notes?.length ? `#${hash}` : 'clean');
        take(file, r, text);
      });
    }
    await work.flush();
    await order.end();
    if (process.env.PRL_CHECK_TRACE === '1') {
      const c = work.counts();
      process.stderr.write(`check: ${c.main + c.workers} files analysed on ${c.threads} thread(s): ${c.workers} on workers, ${c.main} on the main thread\n`);
    }
  } finally {
    await work.close();
    progress.done();
    analyzer.dispose();
  }
  const warnings = cache?.close() ?? [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  const byCode: Record<string, number> = {};
  for (const { site } of sites) {
    for (const d of site.diagnostics) {
      counts[d.severity]++;
      byCode[d.code] = (byCode[d.code] ?? 0) + 1;
    }
  }
  const truncated = notes.some((n) => n.kind === 'limit');
  const failing = opts.failOn === 'never' ? 0
    : (opts.failOn === 'warning' ? counts.error + counts.warning : counts.error) + (truncated ? 1 : 0);
  const exitCode = errors.length ? 2 : failing > 0 ? 1 : 0;
  return { sites, texts, files: checked, notes, errors, counts, byCode, truncated, exitCode, warnings };
}
