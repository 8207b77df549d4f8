/**
 * The language server: LSP wiring only. Text → analyzer (in a worker thread, see
 * analysisHost.ts; call sites cached per document version) → features/ (pure: CallSite →
 * LSP shapes). Runs over node IPC (VS Code) or stdio (`node dist/server.js --stdio`).
 *
 * Robustness: every handler is wrapped (an exception becomes an empty answer and a log
 * line, never a dead server); documents over MAX_FILE_BYTES are not analysed; an analysis
 * over its time budget is abandoned by restarting the worker; the workspace scan stops
 * when superseded or cancelled. Requests wait only for the analysis of the version they
 * ask about, and honour cancellation while waiting.
 */
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ResponseError,
  ErrorCodes,
  type CancellationToken,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { languageForPath, mayContainCallSite, type AnalysisResult } from './analysis/index';
import { AnalysisHost } from './analysisHost';
import type { CallSite, Language } from './analysis/callSite';
import { DEFAULT_CONFIG } from './config';
import { featureEnv, settingsFromClient, type ServerSettings } from './settings';
import type { FeatureEnv } from './features/env';
import { documentDiagnostics } from './features/diagnostics';
import { hoverAt } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { codeActions } from './features/codeActions';
import { codeLenses } from './features/codeLens';
import { SimulateRequest, SocketFactsRequest, type SimulateParams, type SocketFactsParams } from './protocol';
import { fileTarget, simulate, socketFactsAt } from './simulate';

/** Files above this size are neither analysed nor scanned (bounded work per file). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Re-analysis waits this long after the last keystroke. */
const DEBOUNCE_MS = 150;
/** The background scan stops after this many files (bounded work per workspace). */
const MAX_SCAN_FILES = 20_000;
/**
 * Parse trees kept for incremental re-parsing. Only documents being edited profit from one,
 * and every cached tree holds tree-sitter (wasm) memory that is never returned to the OS:
 * 8 instead of the analyzer's default 64 saves ~50 MB with 200 open files.
 */
const TREE_CACHE_SIZE = 8;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

interface Analysis {
  version: number;
  language: Language;
  sites: CallSite[];
  lines: string[];
}

/** Budget of one analysis; beyond it the worker is restarted and the file reported as not analysed. */
const ANALYSIS_TIMEOUT_MS = 30_000;
const host = new AnalysisHost({
  script: __filename,
  wasmDir: __dirname,
  queryDir: join(__dirname, 'queries'),
  cacheSize: TREE_CACHE_SIZE,
  timeoutMs: ANALYSIS_TIMEOUT_MS,
  log: (m) => log(m),
});
// Loading the parser runtime, grammars and queries starts at once, overlapping the
// process start and the initialize handshake (start-to-first-diagnostics budget).
host.warmUp();
const cache = new Map<string, Analysis>();
/** The analysis being computed per document (uri → version + promise). */
const inflight = new Map<string, { version: number; configGen: number; promise: Promise<Analysis | null> }>();
/** Bumped on every settings change: results computed under older settings are not cached. */
let configGen = 0;
const timers = new Map<string, NodeJS.Timeout>();
/** Files the workspace scan published diagnostics for (cleared when settings change). */
const scanned = new Set<string>();

const defaultDocsUrl = pathToFileURL(join(__dirname, '..', 'docs', 'diagnostics.md')).href;
let settings: ServerSettings = settingsFromClient(undefined);
let env: FeatureEnv = featureEnv(DEFAULT_CONFIG, defaultDocsUrl);
let workspaceFolders: string[] = [];
let caps = { configuration: false, workDoneProgress: false, inlayRefresh: false, lensRefresh: false, dynamicConfig: false, dynamicWatch: false };
let scanGeneration = 0;
let lastProblems = '';
/** Resolves once the client's settings are known (first workspace/configuration answer): no analysis runs before. */
let markSettingsReady: () => void = () => undefined;
const settingsReady = new Promise<void>((r) => (markSettingsReady = r));

function log(msg: string): void {
  connection.console.log(`[port-range-lens] ${msg}`);
}

function errText(e: unknown): string {
  return e instanceof Error ? `${e.message}` : String(e);
}

/** Wraps a request handler: exceptions become `fallback` and a log line. */
function safe<P, R>(name: string, fallback: R, fn: (p: P, token: CancellationToken) => R | Promise<R>) {
  return async (p: P, token: CancellationToken): Promise<R> => {
    try {
      if (token?.isCancellationRequested) return fallback;
      return await fn(p, token);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      log(`${name} failed: ${errText(e)}`);
      return fallback;
    }
  };
}

function languageOf(doc: TextDocument): Language | null {
  switch (doc.languageId) {
    case 'c': return 'c';
    case 'cpp': return 'cpp';
    case 'python': return 'python';
    case 'go': return 'go';
  }
  return languageForPath(doc.uri);
}

function filePathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/**
 * The analysis of the document's current version: from the cache, from the run already
 * under way, or a new run in the worker. Never rejects.
 */
function analysisOf(doc: TextDocument): Promise<Analysis | null> {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return Promise.resolve(hit);
  const running = inflight.get(doc.uri);
  if (running && running.version === doc.version && running.configGen === configGen) return running.promise;
  const language = languageOf(doc);
  if (!language) return Promise.resolve(null);
  const text = doc.getText();
  const version = doc.version;
  const gen = configGen;
  const lines = text.split('\n');
  // An older version still waiting in the queue is not worth analysing any more.
  if (running) host.supersede(filePathOf(doc.uri), SUPERSEDED);
  const run: Promise<AnalysisResult> =
    text.length > MAX_FILE_BYTES
      ? Promise.resolve({ callSites: [], error: `not analysed: larger than ${MAX_FILE_BYTES} bytes` })
      : host.analyze(filePathOf(doc.uri), text, language, env.config);
  const promise: Promise<Analysis | null> = run.then((r) => {
    if (r === SUPERSEDED) return null;
    if (r.error) log(`${doc.uri}: ${r.error}`);
    const a: Analysis = { version, language, sites: r.callSites, lines };
    const cur = inflight.get(doc.uri);
    if (cur && cur.promise === promise) inflight.delete(doc.uri);
    if (gen === configGen) {
      const prev = cache.get(doc.uri);
      if (!prev || prev.version <= version) cache.set(doc.uri, a);
    }
    return a;
  }, (e) => {
    log(`analysis of ${doc.uri} failed: ${errText(e)}`);
    return null;
  });
  inflight.set(doc.uri, { version, configGen: gen, promise });
  return promise;
}

const SUPERSEDED: AnalysisResult = { callSites: [], error: 'superseded by a newer version' };

/** Waits for a promise unless the request is cancelled first (then resolves undefined). */
function unlessCancelled<T>(p: Promise<T>, token: CancellationToken | undefined): Promise<T | undefined> {
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

/** The analysis for a request: the document's current version, or null if cancelled meanwhile. */
async function requestAnalysis(doc: TextDocument, token: CancellationToken): Promise<Analysis | null> {
  await unlessCancelled(settingsReady, token);
  if (token.isCancellationRequested) return null;
  const a = await unlessCancelled(analysisOf(doc), token);
  if (!a || token.isCancellationRequested) return null;
  return a;
}

async function publish(doc: TextDocument): Promise<void> {
  await settingsReady;
  const a = await analysisOf(doc);
  const cur = documents.get(doc.uri);
  // Only the newest version is published; a newer edit has its own run scheduled.
  if (!a || !cur || cur.version !== a.version) return;
  void connection.sendDiagnostics({ uri: doc.uri, version: a.version, diagnostics: documentDiagnostics(doc.uri, a.sites, a.lines, env) });
}

function validateSoon(doc: TextDocument, delay = DEBOUNCE_MS): void {
  const t = timers.get(doc.uri);
  if (t) clearTimeout(t);
  timers.set(doc.uri, setTimeout(() => {
    timers.delete(doc.uri);
    const cur = documents.get(doc.uri);
    if (!cur) return;
    publish(cur).catch((e) => log(`validate ${doc.uri} failed: ${errText(e)}`));
  }, delay));
}

// ---- configuration ---------------------------------------------------------------

async function pullSettings(): Promise<void> {
  let raw: unknown = undefined;
  if (caps.configuration) {
    try {
      const [section] = await connection.workspace.getConfiguration([{ section: 'portRangeLens' }]);
      // A client that has no such section (null) keeps what initializationOptions said.
      raw = section ?? pushedSettings;
    } catch (e) {
      log(`workspace/configuration failed: ${errText(e)}`);
    }
  } else raw = pushedSettings;
  applySettings(raw);
}

let pushedSettings: unknown = undefined;

function applySettings(raw: unknown): void {
  settings = settingsFromClient(raw);
  const docsUrl = settings.diagnosticsDocsUrl || defaultDocsUrl;
  const e = featureEnv(settings.config, docsUrl);
  env = e;
  const problems = [...settings.problems, ...e.errors];
  const key = problems.join('\n');
  if (problems.length && key !== lastProblems) {
    void connection.window.showWarningMessage(`Port Range Lens settings: ${problems.join('; ')}`);
  }
  lastProblems = key;
}

async function reconfigure(): Promise<void> {
  await pullSettings();
  configGen++;
  cache.clear();
  inflight.clear();
  await Promise.all(documents.all().map((doc) => publish(doc).catch((e) => log(`re-check ${doc.uri} failed: ${errText(e)}`))));
  if (caps.inlayRefresh) connection.languages.inlayHint.refresh().catch(() => undefined);
  if (caps.lensRefresh) connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  void scanWorkspace();
}

// ---- workspace scan ----------------------------------------------------------------

async function* walk(dir: string, gen: number): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (gen !== scanGeneration) return;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) yield* walk(p, gen);
    } else if (e.isFile() && languageForPath(e.name)) yield p;
  }
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

async function scanWorkspace(): Promise<void> {
  const gen = ++scanGeneration;
  const previously = new Set(scanned);
  scanned.clear();
  if (!settings.scanWorkspace || workspaceFolders.length === 0) {
    for (const uri of previously) if (!documents.get(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    return;
  }
  let progress: WorkDoneProgressServerReporter | null = null;
  if (caps.workDoneProgress) {
    try {
      progress = await connection.window.createWorkDoneProgress();
      progress.begin('Port Range Lens', 0, 'scanning workspace', true);
    } catch {
      progress = null;
    }
  }
  let files = 0;
  let withFindings = 0;
  try {
    // Collect first so the progress can show a percentage.
    const all: string[] = [];
    for (const folder of workspaceFolders) {
      for await (const f of walk(folder, gen)) {
        all.push(f);
        if (all.length >= MAX_SCAN_FILES) break;
      }
    }
    for (const path of all) {
      if (gen !== scanGeneration || progress?.token.isCancellationRequested) break;
      const uri = pathToFileURL(path).href;
      files++;
      if (files % 20 === 0) {
        progress?.report(Math.round((100 * files) / all.length), `${files}/${all.length} files`);
        await yieldToEventLoop();
      }
      if (documents.get(uri)) continue; // open documents are checked from the editor's text
      try {
        const st = await fsp.stat(path);
        if (st.size > MAX_FILE_BYTES) continue;
        const text = await fsp.readFile(path, 'utf8');
        if (gen !== scanGeneration || documents.get(uri)) continue;
        const language = languageForPath(path)!;
        // Most files never mention a sockopt call: no need to ship them to the worker.
        const r = mayContainCallSite(text) ? await host.analyze(path, text, language, env.config, false) : { callSites: [] };
        if (gen !== scanGeneration || documents.get(uri)) continue;
        if (r.error) log(`scan ${path}: ${r.error}`);
        const diags = documentDiagnostics(uri, r.callSites, text.split('\n'), env);
        if (diags.length || previously.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: diags });
        if (diags.length) {
          scanned.add(uri);
          withFindings++;
        }
      } catch (e) {
        log(`scan ${path}: ${errText(e)}`);
      }
    }
    if (gen === scanGeneration) {
      for (const uri of previously) if (!scanned.has(uri) && !documents.get(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
      log(`workspace scan: ${files} files, ${withFindings} with findings`);
    }
  } finally {
    progress?.done();
  }
}

// ---- lifecycle ---------------------------------------------------------------------

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const c = params.capabilities;
  caps = {
    configuration: !!c.workspace?.configuration,
    workDoneProgress: !!c.window?.workDoneProgress,
    inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
    lensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    dynamicConfig: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
    dynamicWatch: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
  };
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceFolders = folders.filter((u) => u.startsWith('file:')).map((u) => filePathOf(u));
  const init = params.initializationOptions as Record<string, unknown> | undefined;
  pushedSettings = init && typeof init === 'object' && 'portRangeLens' in init ? init.portRangeLens : init;
  applySettings(pushedSettings);
  // A client that never sends `initialized` (against the protocol) still gets diagnostics.
  setTimeout(markSettingsReady, 3000).unref();
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    },
    serverInfo: { name: 'port-range-lens', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (caps.dynamicWatch) {
    // Files changed on disk (git checkout, another editor) are re-checked like the scan does.
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{c,h,cc,cpp,cxx,hpp,hh,hxx,py,pyi,go}' }],
    }).catch(() => undefined);
  }
  if (caps.dynamicConfig) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'portRangeLens' }).catch(() => undefined);
  }
  try {
    if (caps.configuration) await pullSettings();
  } finally {
    markSettingsReady();
  }
  for (const doc of documents.all()) validateSoon(doc, 0);
  void scanWorkspace().catch((e) => log(`workspace scan failed: ${errText(e)}`));
});

connection.onDidChangeConfiguration((p) => {
  if (!caps.configuration) {
    const s = (p?.settings ?? {}) as Record<string, unknown>;
    pushedSettings = s && typeof s === 'object' && 'portRangeLens' in s ? s.portRangeLens : s;
  }
  void reconfigure().catch((e) => log(`reconfigure failed: ${errText(e)}`));
});

connection.onShutdown(() => {
  scanGeneration++;
  for (const t of timers.values()) clearTimeout(t);
  host.dispose();
});

// ---- documents ---------------------------------------------------------------------

documents.onDidOpen((e) => validateSoon(e.document, 0));
documents.onDidChangeContent((e) => validateSoon(e.document));
documents.onDidClose((e) => {
  const uri = e.document.uri;
  const t = timers.get(uri);
  if (t) clearTimeout(t);
  timers.delete(uri);
  cache.delete(uri);
  inflight.delete(uri);
  host.forget(filePathOf(uri));
  void connection.sendDiagnostics({ uri, diagnostics: [] });
  // A closed workspace file keeps its findings in the Problems view: re-check it from disk.
  if (settings.scanWorkspace && uri.startsWith('file:') && workspaceFolders.some((f) => filePathOf(uri).startsWith(f))) {
    void rescanFile(uri);
  }
});

connection.onDidChangeWatchedFiles((p) => {
  if (!settings.scanWorkspace || !Array.isArray(p?.changes)) return;
  for (const ch of p.changes.slice(0, MAX_SCAN_FILES)) {
    if (typeof ch?.uri !== 'string' || documents.get(ch.uri)) continue;
    if (ch.type === FileChangeType.Deleted) {
      if (scanned.delete(ch.uri)) void connection.sendDiagnostics({ uri: ch.uri, diagnostics: [] });
    } else if (workspaceFolders.some((f) => filePathOf(ch.uri).startsWith(f))) void rescanFile(ch.uri);
  }
});

async function rescanFile(uri: string): Promise<void> {
  const path = filePathOf(uri);
  const language = languageForPath(path);
  if (!language) return;
  try {
    const st = await fsp.stat(path);
    if (st.size > MAX_FILE_BYTES || documents.get(uri)) return;
    const text = await fsp.readFile(path, 'utf8');
    const r = await host.analyze(path, text, language, env.config, false);
    const diags = documentDiagnostics(uri, r.callSites, text.split('\n'), env);
    if (documents.get(uri)) return;
    if (diags.length) {
      scanned.add(uri);
      void connection.sendDiagnostics({ uri, diagnostics: diags });
    } else if (scanned.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  } catch {
    /* deleted or unreadable: nothing to show */
  }
}

// ---- features ----------------------------------------------------------------------

function docOf(p: { textDocument?: { uri?: unknown } } | undefined): TextDocument | undefined {
  const uri = p?.textDocument?.uri;
  return typeof uri === 'string' ? documents.get(uri) : undefined;
}

function isPosition(v: unknown): v is { line: number; character: number } {
  const p = v as { line: number; character: number };
  return typeof v === 'object' && v !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}

connection.onHover(safe('hover', null, async (p, token) => {
  const doc = docOf(p);
  if (!doc || !isPosition(p.position)) return null;
  const a = await requestAnalysis(doc, token);
  return a ? hoverAt(a.sites, p.position, env) : null;
}));

connection.languages.inlayHint.on(safe('inlayHint', [], async (p, token) => {
  const doc = docOf(p);
  if (!doc) return [];
  const a = await requestAnalysis(doc, token);
  return a ? inlayHints(a.sites, env, p.range) : [];
}));

connection.onCodeLens(safe('codeLens', [], async (p, token) => {
  const doc = docOf(p);
  if (!doc) return [];
  const a = await requestAnalysis(doc, token);
  return a ? codeLenses(doc.uri, a.sites, env) : [];
}));

connection.onCodeAction(safe('codeAction', [], async (p, token) => {
  const doc = docOf(p);
  if (!doc || !p.range) return [];
  const a = await requestAnalysis(doc, token);
  if (!a) return [];
  const diagnostics = Array.isArray(p.context?.diagnostics) ? p.context.diagnostics : [];
  return codeActions({ uri: doc.uri, language: a.language, lines: a.lines, sites: a.sites, env, range: p.range, diagnostics });
}));

connection.onRequest(SocketFactsRequest, safe('socketFacts', null, async (p: SocketFactsParams, token) => {
  const doc = typeof p?.uri === 'string' ? documents.get(p.uri) : undefined;
  if (!doc || !isPosition(p.position)) return null;
  const a = await requestAnalysis(doc, token);
  // The file's own directives (netns-range, reserved, kernel) over the settings: the simulation's defaults.
  return a ? socketFactsAt(a.sites, p.position, fileTarget(env.config, a.lines.join('\n'))) : null;
}));

connection.onRequest(SimulateRequest, async (p: SimulateParams, token: CancellationToken) => {
  if (token.isCancellationRequested) throw new ResponseError(ErrorCodes.PendingResponseRejected, 'cancelled');
  try {
    return simulate(p);
  } catch (e) {
    // Bad params or an engine refusal: a clear error to the client, the server stays up.
    throw new ResponseError(ErrorCodes.InvalidParams, errText(e));
  }
});

process.on('uncaughtException', (e) => log(`uncaught: ${errText(e)}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${errText(e)}`));

documents.listen(connection);
connection.listen();
