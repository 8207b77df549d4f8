/**
 * "Port Range Lens: Show port pressure": a live panel of this machine's port pressure (the
 * server's PressureRequest, the same numbers as `port-range-lens pressure`), refreshed every
 * few seconds while visible and paused while hidden, with the workspace's declared ranges.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { isFromPressurePage, type PressureForEditorView, type ToPressurePage } from '../../server/src/protocol';
import { makeNonce, pageHtml } from './webview/html';

export const PRESSURE_VIEW_TYPE = 'portRangeLens.pressure';
export const PRESSURE_REFRESH_MS = 3000;

/** What the panel shows (read by the end-to-end tests through a command). */
export interface PressureSnapshot {
  visible: boolean;
  samples: number;
  last: PressureForEditorView | null;
  error: string | null;
}

export class PressurePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ready = false;
  private busy = false;
  private samples = 0;
  private last: PressureForEditorView | null = null;
  private error: string | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sample: (folder?: string) => Promise<PressureForEditorView>,
    private readonly refreshMs = PRESSURE_REFRESH_MS,
  ) {}

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(PRESSURE_VIEW_TYPE, 'Port pressure', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: false });
    this.panel = panel;
    this.ready = false;
    panel.webview.html = pageHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce((n) => randomBytes(n)),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'pressure.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      title: 'Port pressure',
      loading: 'Reading this machine\'s sockets…',
    });
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isFromPressurePage(m)) return;
      this.ready = true; // a page (re)loaded after being hidden starts its history anew
      void this.refresh();
    });
    panel.onDidChangeViewState(() => this.schedule());
    panel.onDidDispose(() => {
      this.stop();
      this.panel = null;
    });
    this.schedule();
  }

  /** Refreshes only while the panel is visible: hidden = paused. */
  private schedule(): void {
    this.stop();
    if (!this.panel?.visible) return;
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async refresh(): Promise<void> {
    const panel = this.panel;
    if (!panel || !panel.visible || !this.ready || this.busy) return;
    this.busy = true;
    try {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const view = await this.sample(folder?.scheme === 'file' ? folder.toString() : undefined);
      this.last = view;
      this.samples++;
      this.error = null;
      void panel.webview.postMessage({ type: 'sample', view } satisfies ToPressurePage);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      void panel.webview.postMessage({ type: 'error', error: this.error } satisfies ToPressurePage);
    } finally {
      this.busy = false;
    }
  }

  snapshot(): PressureSnapshot {
    return { visible: !!this.panel?.visible, samples: this.samples, last: this.last, error: this.error };
  }

  dispose(): void {
    this.stop();
    this.panel?.dispose();
  }
}
