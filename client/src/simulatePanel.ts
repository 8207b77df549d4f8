/**
 * The simulation webview: one panel per socket (keyed by document + call line), re-used
 * when the command runs again, restored after a reload by the panel serializer from the
 * state the page saved (setState). Strict CSP with a nonce; resources only from dist/.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { isFromSimulationPage, type SimulateParams, type SimulationReport, type ToSimulationPage, type VerifyOutcome } from '../../server/src/protocol';
import { makeNonce, pageHtml } from './webview/html';

export const PANEL_VIEW_TYPE = 'portRangeLens.simulation';
/** workspaceState key: the reports of open panels by panel title (see deserializeWebviewPanel). */
const OPEN_PANELS_KEY = 'portRangeLens.openSimulations';

interface PanelEntry {
  panel: vscode.WebviewPanel;
  key: string;
  label: string;
  report: SimulationReport | null;
  ready: boolean;
  /** The panel's title, kept here: a disposed panel's title getter throws ("Webview is disposed"). */
  title: string;
  /** The kernel run of this report: in progress, its result, or why it failed. */
  verify: { report: SimulationReport; state: 'running' | 'done' | 'failed'; result?: VerifyOutcome; error?: string } | null;
}

interface SavedState {
  key?: string;
  label?: string;
  report?: SimulationReport;
}

/** What the last shown panel holds (read by the end-to-end tests through a command). */
export interface PanelSnapshot {
  key: string;
  label: string;
  title: string;
  visible: boolean;
  report: SimulationReport | null;
  panels: number;
  verify: PanelEntry['verify'];
}

export class SimulationPanels implements vscode.Disposable {
  private readonly entries = new Map<string, PanelEntry>();
  private last: PanelEntry | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private disposing = false;

  /** `verifier` runs a simulation's sockets on the server machine's kernel (VerifyRequest). */
  constructor(private readonly context: vscode.ExtensionContext, private readonly verifier?: (p: SimulateParams) => Promise<VerifyOutcome>) {}

  private get distUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist');
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [this.distUri], retainContextWhenHidden: false, enableFindWidget: true };
  }

  /** Shows `report` in the panel for `key`, creating it or re-using (and revealing) it. */
  show(key: string, label: string, report: SimulationReport): void {
    let e = this.entries.get(key);
    if (!e) {
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, `Simulate ${label}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, this.options());
      e = this.attach(panel, key, label, report);
    } else {
      e.label = label;
      e.report = report;
      e.panel.title = e.title = `Simulate ${label}`;
      e.panel.reveal(undefined, false);
      this.post(e);
    }
    this.last = e;
    this.remember(e);
  }

  /**
   * The page's setState is saved with the editor layout, which a web workbench (code-server)
   * may persist before the report arrived and cannot flush on unload; the extension's own
   * workspaceState is written at once, so a reload finds the report here by panel title.
   */
  private remember(e: PanelEntry): void {
    const open = { ...this.context.workspaceState.get<Record<string, SavedState>>(OPEN_PANELS_KEY, {}) };
    if (e.report) open[e.panel.title] = { key: e.key, label: e.label, report: e.report };
    void this.context.workspaceState.update(OPEN_PANELS_KEY, open);
  }

  private forget(title: string): void {
    const open = { ...this.context.workspaceState.get<Record<string, SavedState>>(OPEN_PANELS_KEY, {}) };
    if (!(title in open)) return;
    delete open[title];
    void this.context.workspaceState.update(OPEN_PANELS_KEY, open);
  }

  private attach(panel: vscode.WebviewPanel, key: string, label: string, report: SimulationReport | null): PanelEntry {
    const e: PanelEntry = { panel, key, label, report, ready: false, title: panel.title, verify: null };
    this.entries.set(key, e);
    panel.webview.options = this.options();
    panel.iconPath = undefined;
    panel.webview.html = this.html(panel.webview, label);
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(e, m), undefined, this.disposables);
    panel.onDidDispose(
      () => {
        if (this.entries.get(e.key) === e) this.entries.delete(e.key);
        if (this.last === e) this.last = null;
        // A panel closed by the user is gone for good; one disposed by a window reload is not.
        if (!this.disposing) this.forget(e.title);
      },
      undefined,
      this.disposables,
    );
    return e;
  }

  private html(webview: vscode.Webview, label: string): string {
    return pageHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((n) => randomBytes(n)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.distUri, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.distUri, 'webview.css')).toString(),
      title: `Simulate ${label}`,
    });
  }

  private send(e: PanelEntry, msg: ToSimulationPage): void {
    void e.panel.webview.postMessage(msg);
  }

  private post(e: PanelEntry): void {
    if (!e.ready || !e.report) return;
    this.send(e, { type: 'report', key: e.key, label: e.label, report: e.report });
    if (e.verify?.report === e.report) this.sendVerify(e);
    else if (vscode.workspace.getConfiguration('portRangeLens').get<boolean>('verifyAutomatically') === true) void this.verify(e);
  }

  private sendVerify(e: PanelEntry): void {
    const v = e.verify;
    if (!v) return;
    if (v.state === 'running') this.send(e, { type: 'verifying' });
    else if (v.state === 'done' && v.result) this.send(e, { type: 'verified', result: v.result });
    else this.send(e, { type: 'verifyFailed', error: v.error ?? 'unknown error' });
  }

  /** "Verify on this machine's kernel": the server runs the report's sockets for real. */
  private async verify(e: PanelEntry): Promise<void> {
    const report = e.report;
    if (!report || !this.verifier || e.verify?.state === 'running') return;
    e.verify = { report, state: 'running' };
    this.sendVerify(e);
    try {
      const result = await this.verifier(report.params);
      if (e.verify?.report === report) e.verify = { report, state: 'done', result };
    } catch (err) {
      if (e.verify?.report === report) e.verify = { report, state: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
    if (e.report === report) this.sendVerify(e);
  }

  private async onMessage(e: PanelEntry, msg: unknown): Promise<void> {
    if (!isFromSimulationPage(msg)) return;
    if (msg.type === 'ready') {
      e.ready = true;
      this.post(e);
    } else if (msg.type === 'verify') {
      await this.verify(e);
    } else if (msg.type === 'copy' && e.report) {
      // Copy what the extension holds, not text sent by the page.
      const text = msg.what === 'json' ? JSON.stringify(e.report, null, 2) : e.report.cli;
      await vscode.env.clipboard.writeText(text);
      this.send(e, { type: 'copied', what: msg.what });
    }
  }

  /** The verify button of the last shown panel, as the page's click does; resolves with what it shows. */
  async verifyLast(): Promise<PanelEntry['verify']> {
    const e = this.last;
    if (!e) return null;
    await this.verify(e);
    return e.verify;
  }

  serializer(): vscode.WebviewPanelSerializer<SavedState> {
    return {
      deserializeWebviewPanel: async (panel, pageState) => {
        // The page's own state first; else what the extension remembered for this title.
        const remembered = this.context.workspaceState.get<Record<string, SavedState>>(OPEN_PANELS_KEY, {})[panel.title];
        const state = pageState?.report ? pageState : remembered ?? pageState;
        const key = typeof state?.key === 'string' && state.key ? state.key : `restored-${Date.now()}`;
        const label = typeof state?.label === 'string' ? state.label : 'simulation';
        const old = this.entries.get(key);
        if (old && old.panel !== panel) old.panel.dispose();
        // The page restores itself from its saved state, or from the report posted once it is ready.
        const e = this.attach(panel, key, label, state?.report ?? null);
        this.last = e;
      },
    };
  }

  snapshot(): PanelSnapshot | null {
    const e = this.last;
    if (!e) return null;
    return { key: e.key, label: e.label, title: e.panel.title, visible: e.panel.visible, report: e.report, panels: this.entries.size, verify: e.verify };
  }

  dispose(): void {
    this.disposing = true;
    for (const e of this.entries.values()) e.panel.dispose();
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }
}
