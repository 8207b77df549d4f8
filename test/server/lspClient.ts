/**
 * A minimal LSP client over stdio for the process-level tests and the bench: starts
 * `node dist/server.js --stdio`, answers the server's requests (workspace/configuration,
 * progress creation, refreshes) and collects published diagnostics.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { Diagnostic } from 'vscode-languageserver-types';

export const ROOT = resolve(__dirname, '..', '..');
export const SERVER_JS = join(ROOT, 'dist', 'server.js');

function newestMtime(dir: string): number {
  let m = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    m = Math.max(m, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return m;
}

/** Rebuilds dist/ when a server or engine source is newer than dist/server.js. */
export function ensureBuilt(): void {
  const built = existsSync(SERVER_JS) ? statSync(SERVER_JS).mtimeMs : 0;
  const src = Math.max(newestMtime(join(ROOT, 'server', 'src')), newestMtime(join(ROOT, 'engine', 'src')));
  if (built >= src && existsSync(join(ROOT, 'dist', 'tree-sitter-c.wasm'))) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

export interface ClientOptions {
  /** The "portRangeLens" section answered to workspace/configuration (mutable). */
  settings?: Record<string, unknown>;
  /** Advertise workspace/configuration support (default true). */
  configuration?: boolean;
  workspaceFolder?: string;
  /** Several workspace folders (multi-root); overrides workspaceFolder. */
  workspaceFolders?: string[];
  /** Per-folder "portRangeLens" sections by folder URI (answered for items with that scopeUri). */
  folderSettings?: Record<string, Record<string, unknown>>;
  initializationOptions?: unknown;
  /** Extra node flags for the server process. */
  execArgv?: readonly string[];
}

export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  settings: Record<string, unknown>;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  configurationRequests = 0;
  progressCreated = 0;
  stderr = '';
  readonly logs: string[] = [];
  private waiters: (() => void)[] = [];
  private versions = new Map<string, number>();

  constructor(private opts: ClientOptions = {}) {
    this.settings = opts.settings ?? {};
    this.proc = spawn(process.execPath, [...(opts.execArgv ?? []), SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onRequest('workspace/configuration', (p: { items: { section?: string; scopeUri?: string }[] }) => {
      this.configurationRequests++;
      return p.items.map((i) => (i.section !== 'portRangeLens' ? null : { ...this.settings, ...(i.scopeUri ? this.opts.folderSettings?.[i.scopeUri] : {}) }));
    });
    this.conn.onRequest('window/workDoneProgress/create', () => {
      this.progressCreated++;
      return null;
    });
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/inlayHint/refresh', () => null);
    this.conn.onRequest('workspace/codeLens/refresh', () => null);
    this.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
    this.conn.onNotification('window/showMessage', () => undefined);
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.conn.onNotification('$/progress', () => undefined);
    this.conn.listen();
  }

  async initialize(): Promise<unknown> {
    const folders = this.opts.workspaceFolders ?? (this.opts.workspaceFolder ? [this.opts.workspaceFolder] : []);
    const r = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders.length ? pathToFileURL(folders[0]!).href : null,
      workspaceFolders: folders.length ? folders.map((f, i) => ({ uri: pathToFileURL(f).href, name: `ws${i}` })) : null,
      initializationOptions: this.opts.initializationOptions,
      capabilities: {
        workspace: {
          configuration: this.opts.configuration ?? true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          inlayHint: { refreshSupport: true },
          codeLens: { refreshSupport: true },
        },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          inlayHint: {},
        },
      },
    });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  /** Resolves when the predicate holds for the published diagnostics (or rejects after ms). */
  waitFor(pred: () => boolean, ms = 5000, what = 'diagnostics'): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-500)}`)), ms);
      const check = () => {
        if (pred()) {
          clearTimeout(timer);
          res();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  async open(uri: string, languageId: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Full-text change (the server accepts incremental ones too). */
  async change(uri: string, text: string, range?: { start: { line: number; character: number }; end: { line: number; character: number } }): Promise<number> {
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    const change = range ? { range, text } : { text };
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [change] });
    return v;
  }

  request<R = unknown>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 1000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    await new Promise<void>((r) => {
      if (this.proc.exitCode !== null) return r();
      const t = setTimeout(() => {
        this.proc.kill();
        r();
      }, 1500);
      this.proc.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
    this.conn.dispose();
  }
}
