/**
 * The background check of every source file of the workspace that is not open, so the
 * Problems view lists call sites in closed files. Superseded by a newer scan (settings
 * change) or cancelled from the editor's progress; each file is judged with its folder's
 * settings and its own directives, like an open document.
 */
import { pathToFileURL } from 'node:url';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { languageForPath, mayContainCallSite } from '../analysis/index';
import type { AnalysisHost } from '../analysisHost';
import type { Config } from '../config/schema';
import { documentDiagnostics } from '../features/diagnostics';
import { featureEnv } from '../features/env';
import { walkFiles } from '../files/walk';
import { readSourceFileAsync } from '../files/read';
import { filePathOf } from './settingsStore';

export interface ScanDeps {
  host: AnalysisHost;
  configFor(uri: string): Config;
  docsUrl(): string;
  isOpen(uri: string): boolean;
  publish(uri: string, diagnostics: LspDiagnostic[]): void;
  progress(): Promise<WorkDoneProgressServerReporter | null>;
  log(msg: string): void;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export class WorkspaceScan {
  /** Files the scan published diagnostics for. */
  private readonly scanned = new Set<string>();
  private generation = 0;

  constructor(private readonly d: ScanDeps) {}

  stop(): void {
    this.generation++;
  }

  /** A watched file was deleted. */
  deleted(uri: string): void {
    if (this.scanned.delete(uri)) this.d.publish(uri, []);
  }

  /** Scans `folders` (paths); with enabled=false only clears what an earlier scan published. */
  async run(folders: readonly string[], enabled: boolean): Promise<void> {
    const gen = ++this.generation;
    const live = () => gen === this.generation;
    const previously = new Set(this.scanned);
    this.scanned.clear();
    if (!enabled || folders.length === 0) {
      for (const uri of previously) if (!this.d.isOpen(uri)) this.d.publish(uri, []);
      return;
    }
    const progress = await this.d.progress();
    progress?.begin('Port Range Lens', 0, 'scanning workspace', true);
    let files = 0;
    let withFindings = 0;
    try {
      // Collect first so the progress can show a percentage.
      const all: string[] = [];
      // The one walker of `check` (server/src/files/walk.ts): same skip rules, each real directory once.
      for await (const e of walkFiles(folders, { accept: (p) => languageForPath(p) !== null })) {
        if (!live()) break;
        if (e.kind === 'file') all.push(e.path);
        else this.d.log(`scan: ${e.message}`);
      }
      for (const path of all) {
        if (!live() || progress?.token.isCancellationRequested) break;
        files++;
        if (files % 20 === 0) {
          progress?.report(Math.round((100 * files) / all.length), `${files}/${all.length} files`);
          await yieldToEventLoop();
        }
        const uri = pathToFileURL(path).href;
        if (this.d.isOpen(uri)) continue; // open documents are checked from the editor's text
        const n = await this.checkFile(uri, path, live);
        if (n === null) continue;
        if (n > 0) withFindings++;
        else if (previously.has(uri)) this.d.publish(uri, []);
      }
      if (live()) {
        for (const uri of previously) if (!this.scanned.has(uri) && !this.d.isOpen(uri)) this.d.publish(uri, []);
        this.d.log(`workspace scan: ${files} files, ${withFindings} with findings`);
      }
    } finally {
      progress?.done();
    }
  }

  /** Re-checks one closed file from disk (closed in the editor, or changed on disk). */
  async rescan(uri: string): Promise<void> {
    const n = await this.checkFile(uri, filePathOf(uri), () => true);
    if (n === 0 && this.scanned.delete(uri)) this.d.publish(uri, []);
  }

  /** Publishes the file's findings; returns their number, or null when not checked. */
  private async checkFile(uri: string, path: string, live: () => boolean): Promise<number | null> {
    const language = languageForPath(path);
    if (!language) return null;
    try {
      if (this.d.isOpen(uri)) return null;
      // The one reader of `check` (server/src/files/read.ts): binaries and files over the size limit are not analysed.
      const read = await readSourceFileAsync(path);
      if (read.kind !== 'bytes') {
        if (read.kind === 'too-large') this.d.log(`scan ${path}: not analysed, ${read.size} bytes is over the size limit`);
        return null;
      }
      const text = read.bytes.toString('utf8');
      if (!live() || this.d.isOpen(uri)) return null;
      const config = this.d.configFor(uri);
      // Most files never mention a sockopt call: no need to ship them to the worker.
      const r = mayContainCallSite(text, language) ? await this.d.host.analyze(path, text, language, config, false) : { callSites: [], error: undefined };
      if (!live() || this.d.isOpen(uri)) return null;
      if (r.error) this.d.log(`scan ${path}: ${r.error}`);
      const diags = documentDiagnostics(uri, r.callSites, text.split('\n'), featureEnv(config, this.d.docsUrl(), text));
      if (diags.length) {
        this.scanned.add(uri);
        this.d.publish(uri, diags);
      }
      return diags.length;
    } catch (e) {
      this.d.log(`scan ${path}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }
}
