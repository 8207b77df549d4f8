/**
 * The language server: LSP wiring only. Text → analyzer (worker thread, analysisHost.ts;
 * cached per version in lsp/documentAnalyses.ts) → features/ (pure: CallSite + the file's
 * resolved configuration → LSP shapes). Settings per workspace folder: lsp/settingsStore.ts;
 * the background scan of closed files: lsp/workspaceScan.ts. Runs over node IPC (VS Code) or
 * stdio (`node dist/server.js --stdio`, behind lsp/framing.ts).
 *
 * Robustness: every handler is wrapped (an exception becomes an empty answer and a log
 * line, never a dead server); an analysis over its time budget is abandoned by restarting
 * the worker; a malformed stdio frame gets a -32700 error and reading resumes.
 */
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, StreamMessageReader, StreamMessageWriter,
  DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType, ResponseError, ErrorCodes,
  type CancellationToken, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisHost } from './analysisHost';
import { clearResolveCache } from './config/resolve';
import { documentDiagnostics } from './features/diagnostics';
import { hoverAt } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { codeActions } from './features/codeActions';
import { codeLenses } from './features/codeLens';
import { DocumentAnalyses } from './lsp/documentAnalyses';
import { FramingGuard } from './lsp/framing';
import { SettingsStore, filePathOf } from './lsp/settingsStore';
import { WorkspaceScan } from './lsp/workspaceScan';
import { registerCustomRequests } from './lsp/customRequests';
import { VERSION } from './version';

/** Re-analysis waits this long after the last keystroke. */
const DEBOUNCE_MS = 150;
/** Budget of one analysis; beyond it the worker is restarted and the file reported as not analysed. */
const ANALYSIS_TIMEOUT_MS = 30_000;
/** Parse trees kept for incremental re-parsing (each holds wasm memory never returned to the OS). */
const TREE_CACHE_SIZE = 8;

function stdioConnection() {
  const guard = new FramingGuard((framed) => process.stdout.write(framed), (m) => process.stderr.write(`${m}\n`));
  process.stdin.pipe(guard);
  return createConnection(ProposedFeatures.all, new StreamMessageReader(guard), new StreamMessageWriter(process.stdout));
}

const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const log = (msg: string) => connection.console.log(`[port-range-lens] ${msg}`);
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

const host = new AnalysisHost({ script: __filename, wasmDir: __dirname, queryDir: join(__dirname, 'queries'), cacheSize: TREE_CACHE_SIZE, timeoutMs: ANALYSIS_TIMEOUT_MS, log });
// Loading the parser runtime, grammars and queries starts at once, overlapping the handshake.
host.warmUp();

const store = new SettingsStore();
const defaultDocsUrl = pathToFileURL(join(__dirname, '..', 'docs', 'diagnostics.md')).href;
const docsUrl = () => store.windowSettings().editor.diagnosticsDocsUrl || defaultDocsUrl;
const configFor = (uri: string) => store.forUri(uri).config;
const analyses = new DocumentAnalyses(host, configFor, docsUrl, log);
const scan = new WorkspaceScan({
  host, configFor, docsUrl, log,
  isOpen: (uri) => !!documents.get(uri),
  publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
  progress: async () => {
    if (!caps.workDoneProgress) return null;
    return connection.window.createWorkDoneProgress().catch(() => null);
  },
});
let workspaceFolders: string[] = [];
let caps = { configuration: false, workspaceFolders: false, workDoneProgress: false, inlayRefresh: false, lensRefresh: false, dynamicConfig: false, dynamicWatch: false };
let lastProblems = '';
const timers = new Map<string, NodeJS.Timeout>();
/** Resolves once the client's settings are known (first workspace/configuration answer): no analysis runs before. */
let markSettingsReady: () => void = () => undefined;
const settingsReady = new Promise<void>((r) => (markSettingsReady = r));

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

async function publish(doc: TextDocument): Promise<void> {
  await settingsReady;
  const a = await analyses.of(doc);
  const cur = documents.get(doc.uri);
  // Only the newest version is published; a newer edit has its own run scheduled.
  if (!a || !cur || cur.version !== a.version) return;
  for (const p of a.env.resolved.problems) if (p.source === 'directive') log(`${doc.uri}: ${p.message}`);
  void connection.sendDiagnostics({ uri: doc.uri, version: a.version, diagnostics: documentDiagnostics(doc.uri, a.sites, a.lines, a.env) });
}

function validateSoon(doc: TextDocument, delay = DEBOUNCE_MS): void {
  const t = timers.get(doc.uri);
  if (t) clearTimeout(t);
  timers.set(doc.uri, setTimeout(() => {
    timers.delete(doc.uri);
    const cur = documents.get(doc.uri);
    if (cur) publish(cur).catch((e) => log(`validate ${doc.uri} failed: ${errText(e)}`));
  }, delay));
}

// ---- configuration ---------------------------------------------------------------

async function pullSettings(): Promise<void> {
  let problems = store.problems();
  if (caps.configuration) {
    try {
      const folderUris = workspaceFolders.map((f) => pathToFileURL(f).href);
      problems = await store.pull((items) => connection.workspace.getConfiguration(items), folderUris);
    } catch (e) {
      log(`workspace/configuration failed: ${errText(e)}`);
    }
  }
  const key = problems.join('\n');
  if (problems.length && key !== lastProblems) void connection.window.showWarningMessage(`Port Range Lens settings: ${problems.join('; ')}`);
  lastProblems = key;
}

async function reconfigure(): Promise<void> {
  await pullSettings();
  clearResolveCache();
  analyses.invalidate();
  await Promise.all(documents.all().map((doc) => publish(doc).catch((e) => log(`re-check ${doc.uri} failed: ${errText(e)}`))));
  if (caps.inlayRefresh) connection.languages.inlayHint.refresh().catch(() => undefined);
  if (caps.lensRefresh) connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  void scan.run(workspaceFolders, store.windowSettings().editor.scanWorkspace);
}

// ---- lifecycle ---------------------------------------------------------------------

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const c = params.capabilities;
  caps = {
    configuration: !!c.workspace?.configuration,
    workspaceFolders: !!c.workspace?.workspaceFolders,
    workDoneProgress: !!c.window?.workDoneProgress,
    inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
    lensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    dynamicConfig: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
    dynamicWatch: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
  };
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceFolders = folders.filter((u) => u.startsWith('file:')).map((u) => filePathOf(u));
  store.push(params.initializationOptions);
  // A client that never sends `initialized` (against the protocol) still gets diagnostics.
  setTimeout(markSettingsReady, 3000).unref();
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'port-range-lens', version: VERSION },
  };
});

connection.onInitialized(async () => {
  if (caps.dynamicWatch) {
    // Files changed on disk (git checkout, another editor) are re-checked like the scan does.
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{c,h,cc,cpp,cxx,hpp,hh,hxx,py,pyi,go,rs}' }],
    }).catch(() => undefined);
  }
  if (caps.dynamicConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'portRangeLens' }).catch(() => undefined);
  if (caps.workspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => filePathOf(f.uri)));
      workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...e.added.map((f) => filePathOf(f.uri))];
      void reconfigure().catch((err) => log(`reconfigure failed: ${errText(err)}`));
    });
  }
  try {
    if (caps.configuration) await pullSettings();
  } finally {
    markSettingsReady();
  }
  for (const doc of documents.all()) validateSoon(doc, 0);
  void scan.run(workspaceFolders, store.windowSettings().editor.scanWorkspace).catch((e) => log(`workspace scan failed: ${errText(e)}`));
});

connection.onDidChangeConfiguration((p) => {
  if (!caps.configuration) store.push(p?.settings ?? {});
  void reconfigure().catch((e) => log(`reconfigure failed: ${errText(e)}`));
});

connection.onShutdown(() => {
  scan.stop();
  for (const t of timers.values()) clearTimeout(t);
  host.dispose();
});

// ---- documents ---------------------------------------------------------------------

const inWorkspace = (uri: string) => uri.startsWith('file:') && workspaceFolders.some((f) => filePathOf(uri).startsWith(f));

documents.onDidOpen((e) => validateSoon(e.document, 0));
documents.onDidChangeContent((e) => validateSoon(e.document));
documents.onDidClose((e) => {
  const uri = e.document.uri;
  const t = timers.get(uri);
  if (t) clearTimeout(t);
  timers.delete(uri);
  analyses.forget(uri);
  void connection.sendDiagnostics({ uri, diagnostics: [] });
  // A closed workspace file keeps its findings in the Problems view: re-check it from disk.
  if (store.windowSettings().editor.scanWorkspace && inWorkspace(uri)) void scan.rescan(uri);
});

connection.onDidChangeWatchedFiles((p) => {
  if (!store.windowSettings().editor.scanWorkspace || !Array.isArray(p?.changes)) return;
  for (const ch of p.changes) {
    if (typeof ch?.uri !== 'string' || documents.get(ch.uri)) continue;
    if (ch.type === FileChangeType.Deleted) scan.deleted(ch.uri);
    else if (inWorkspace(ch.uri)) void scan.rescan(ch.uri);
  }
});

// ---- features ----------------------------------------------------------------------

function docOf(p: { textDocument?: { uri?: unknown } } | undefined): TextDocument | undefined {
  const uri = p?.textDocument?.uri;
  return typeof uri === 'string' ? documents.get(uri) : undefined;
}

export function isPosition(v: unknown): v is { line: number; character: number } {
  const p = v as { line: number; character: number };
  return typeof v === 'object' && v !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}

const analysisFor = (doc: TextDocument, token: CancellationToken) => analyses.forRequest(doc, token, settingsReady);

connection.onHover(safe('hover', null, async (p, token) => {
  const doc = docOf(p);
  if (!doc || !isPosition(p.position)) return null;
  const a = await analysisFor(doc, token);
  return a ? hoverAt(a.sites, p.position, a.env) : null;
}));

connection.languages.inlayHint.on(safe('inlayHint', [], async (p, token) => {
  const doc = docOf(p);
  const a = doc ? await analysisFor(doc, token) : null;
  return a ? inlayHints(a.sites, a.env, p.range) : [];
}));

connection.onCodeLens(safe('codeLens', [], async (p, token) => {
  const doc = docOf(p);
  const a = doc ? await analysisFor(doc, token) : null;
  return a && doc ? codeLenses(doc.uri, a.sites, a.env) : [];
}));

connection.onCodeAction(safe('codeAction', [], async (p, token) => {
  const doc = docOf(p);
  if (!doc || !p.range) return [];
  const a = await analysisFor(doc, token);
  if (!a) return [];
  const diagnostics = Array.isArray(p.context?.diagnostics) ? p.context.diagnostics : [];
  return codeActions({ uri: doc.uri, language: a.language, lines: a.lines, sites: a.sites, env: a.env, range: p.range, diagnostics });
}));

registerCustomRequests(connection, {
  analysisAt: async (uri, token) => {
    const doc = documents.get(uri);
    return doc ? analysisFor(doc, token) : null;
  },
  openAnalyses: async (token) => (await Promise.all(documents.all().map((doc) => analysisFor(doc, token)))).filter((a): a is NonNullable<typeof a> => !!a),
  configFor,
  safe,
  errText,
  isPosition,
});

process.on('uncaughtException', (e) => log(`uncaught: ${errText(e)}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${errText(e)}`));

documents.listen(connection);
connection.listen();
