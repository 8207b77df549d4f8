/**
 * The analysis of each open document, cached per version: from the cache, from the run
 * already under way, or a new run in the analysis worker (analysisHost.ts). Each analysis
 * carries its file's FeatureEnv (the folder's settings + the file's directives, resolved
 * once by config/resolve.ts), so every feature presents what the diagnostics judged.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CancellationToken } from 'vscode-languageserver/node';
import { languageForPath, type AnalysisResult } from '../analysis/index';
import type { AnalysisHost } from '../analysisHost';
import type { CallSite, Language } from '../analysis/callSite';
import type { Config } from '../config/schema';
import { featureEnv, type FeatureEnv } from '../features/env';
import { filePathOf } from './settingsStore';

import { MAX_FILE_BYTES } from '../files/read';

export interface Analysis {
  version: number;
  language: Language;
  sites: CallSite[];
  lines: string[];
  env: FeatureEnv;
  /** Set when the file was not (fully) analysed: why. */
  error?: string;
}

const LANGUAGE_IDS: Record<string, Language> = { c: 'c', cpp: 'cpp', python: 'python', go: 'go', rust: 'rust' };

export function languageOf(doc: TextDocument): Language | null {
  return LANGUAGE_IDS[doc.languageId] ?? languageForPath(doc.uri);
}

const SUPERSEDED: AnalysisResult = { callSites: [], error: 'superseded by a newer version' };

export class DocumentAnalyses {
  private cache = new Map<string, Analysis>();
  private inflight = new Map<string, { version: number; gen: number; promise: Promise<Analysis | null> }>();
  /** Bumped on every settings change: results computed under older settings are not cached. */
  private gen = 0;

  constructor(
    private readonly host: AnalysisHost,
    private readonly configFor: (uri: string) => Config,
    private readonly docsUrl: () => string,
    private readonly log: (msg: string) => void,
  ) {}

  /** Settings changed: forget every result. */
  invalidate(): void {
    this.gen++;
    this.cache.clear();
    this.inflight.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.inflight.delete(uri);
    this.host.forget(filePathOf(uri));
  }

  /** The analysis of the document's current version. Never rejects. */
  of(doc: TextDocument): Promise<Analysis | null> {
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version) return Promise.resolve(hit);
    const running = this.inflight.get(doc.uri);
    if (running && running.version === doc.version && running.gen === this.gen) return running.promise;
    const language = languageOf(doc);
    if (!language) return Promise.resolve(null);
    const text = doc.getText();
    const { version, uri } = doc;
    const gen = this.gen;
    const config = this.configFor(uri);
    // An older version still waiting in the queue is not worth analysing any more.
    if (running) this.host.supersede(filePathOf(uri), SUPERSEDED);
    const run: Promise<AnalysisResult> =
      text.length > MAX_FILE_BYTES
        ? Promise.resolve({ callSites: [], error: `not analysed: larger than ${MAX_FILE_BYTES} bytes` })
        : this.host.analyze(filePathOf(uri), text, language, config);
    const promise: Promise<Analysis | null> = run.then((r) => {
      if (r === SUPERSEDED) return null;
      if (r.error) this.log(`${uri}: ${r.error}`);
      const a: Analysis = { version, language, sites: r.callSites, lines: text.split('\n'), env: featureEnv(config, this.docsUrl(), text), ...(r.error ? { error: r.error } : {}) };
      const cur = this.inflight.get(uri);
      if (cur && cur.promise === promise) this.inflight.delete(uri);
      if (gen === this.gen) {
        const prev = this.cache.get(uri);
        if (!prev || prev.version <= version) this.cache.set(uri, a);
      }
      return a;
    }, (e) => {
      this.log(`analysis of ${uri} failed: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    });
    this.inflight.set(uri, { version, gen, promise });
    return promise;
  }

  /** The analysis for a request, or null if the request is cancelled meanwhile. */
  async forRequest(doc: TextDocument, token: CancellationToken, ready: Promise<void>): Promise<Analysis | null> {
    await unlessCancelled(ready, token);
    if (token.isCancellationRequested) return null;
    const a = await unlessCancelled(this.of(doc), token);
    return !a || token.isCancellationRequested ? null : a;
  }
}

/** Waits for a promise unless the request is cancelled first (then resolves undefined). */
export function unlessCancelled<T>(p: Promise<T>, token: CancellationToken | undefined): Promise<T | undefined> {
  if (!token) return p;
  if (token.isCancellationRequested) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      resolve(undefined);
    });
    p.then((v) => {
      sub.dispose();
      resolve(v);
    }, () => {
      sub.dispose();
      resolve(undefined);
    });
  });
}
