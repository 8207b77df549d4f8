/**
 * The planner webview: one panel, re-used when the command runs again. Strict CSP with a
 * nonce; resources only from dist/. Copy and Insert act on the snippet the extension holds
 * (the page only names the worker and language), inserted into the last text editor.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { isFromPlanPage, PLAN_LANGUAGES, type PlanLanguage, type PlanViewOk, type ToPlanPage } from '../../server/src/protocol';
import { makeNonce, pageHtml } from './webview/html';

export const PLAN_VIEW_TYPE = 'portRangeLens.plan';

const LABELS: Record<PlanLanguage, string> = { c: 'C', cpp: 'C++', python: 'Python', go: 'Go', rust: 'Rust' };

/** What the panel shows (read by the end-to-end tests through a command). */
export interface PlanPanelSnapshot {
  title: string;
  visible: boolean;
  plan: PlanViewOk | null;
  lastAction: string | null;
}

export class PlanPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private plan: PlanViewOk | null = null;
  private ready = false;
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private lastAction: string | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    // A webview takes the focus: remember the text editor Insert should write into.
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor((e) => { if (e) this.lastEditor = e; }));
  }

  private get distUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist');
  }

  show(plan: PlanViewOk): void {
    this.plan = plan;
    const title = `Plan: ${plan.slices.length} worker${plan.slices.length === 1 ? '' : 's'}`;
    if (!this.panel) {
      this.ready = false;
      const p = vscode.window.createWebviewPanel(PLAN_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
        enableScripts: true, localResourceRoots: [this.distUri], retainContextWhenHidden: true, enableFindWidget: true,
      });
      const w = p.webview;
      w.html = pageHtml({
        cspSource: w.cspSource,
        nonce: makeNonce((n) => randomBytes(n)),
        scriptUri: w.asWebviewUri(vscode.Uri.joinPath(this.distUri, 'planWebview.js')).toString(),
        styleUri: w.asWebviewUri(vscode.Uri.joinPath(this.distUri, 'webview.css')).toString(),
        extraStyleUris: [w.asWebviewUri(vscode.Uri.joinPath(this.distUri, 'planWebview.css')).toString()],
        title,
        loading: 'Planning…',
      });
      w.onDidReceiveMessage((m: unknown) => void this.onMessage(m), undefined, this.disposables);
      p.onDidDispose(() => { this.panel = null; this.ready = false; }, undefined, this.disposables);
      this.panel = p;
    } else {
      this.panel.title = title;
      this.panel.reveal(undefined, false);
      this.post({ type: 'plan', plan, language: this.editorLanguage() });
    }
  }

  /** The planner language of the last text editor, when it is one of them. */
  private editorLanguage(): PlanLanguage | undefined {
    const id = this.lastEditor?.document.languageId;
    return (PLAN_LANGUAGES as readonly string[]).includes(id ?? '') ? (id as PlanLanguage) : undefined;
  }

  private post(m: ToPlanPage): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }

  private snippet(language: PlanLanguage, worker: number): string | null {
    return this.plan?.code[language]?.[worker] ?? null;
  }

  private done(message: string): void {
    this.lastAction = message;
    this.post({ type: 'done', message });
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!isFromPlanPage(m) || !this.plan) return;
    if (m.type === 'ready') {
      this.ready = true;
      this.post({ type: 'plan', plan: this.plan, language: this.editorLanguage() });
    } else if (m.type === 'copy') {
      const text = m.what === 'code' ? this.snippet(m.language, m.worker) : m.what === 'sysctl' ? this.plan.sysctl.join('\n') + '\n' : this.plan.cli;
      if (text === null) return;
      await vscode.env.clipboard.writeText(text);
      this.done(m.what === 'code' ? `Copied worker ${m.worker} (${LABELS[m.language]}).` : m.what === 'sysctl' ? 'sysctl lines copied.' : 'CLI command copied.');
    } else if (m.type === 'insert') {
      this.done(await this.insert(m.language, m.worker));
    }
  }

  /** Inserts a snippet at the cursor of the last text editor; returns what happened. */
  async insert(language: PlanLanguage, worker: number): Promise<string> {
    const text = this.snippet(language, worker);
    const ed = this.lastEditor && vscode.window.visibleTextEditors.includes(this.lastEditor) ? this.lastEditor : vscode.window.visibleTextEditors[0];
    if (text === null) return 'Nothing to insert.';
    if (!ed) return 'Open a file first: Insert writes at its cursor.';
    const at = ed.selection.active;
    const ok = await ed.edit((b) => b.insert(at, text));
    const where = `${vscode.workspace.asRelativePath(ed.document.uri)}:${at.line + 1}`;
    return ok ? `Inserted worker ${worker} (${LABELS[language]}) at ${where}.` : `Could not insert into ${where}.`;
  }

  snapshot(): PlanPanelSnapshot | null {
    if (!this.panel) return null;
    return { title: this.panel.title, visible: this.panel.visible, plan: this.plan, lastAction: this.lastAction };
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
