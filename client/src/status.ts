/**
 * The status bar item: the netns range and kernel the active file is judged against, as the
 * server resolved them (EnvironmentRequest: folder settings, "auto", the file's directives),
 * e.g. "$(server-process) 32768–60999 · Linux 6.18". Click: show this machine's range.
 */
import * as vscode from 'vscode';
import { EnvironmentRequest } from '../../server/src/protocol';
import type { LanguageClientLike } from './simulate';
import { statusText } from './statusText';
import { LANGUAGES } from './languages';

export class PortRangeStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('portRangeLens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subs: vscode.Disposable[] = [];
  private seq = 0;

  constructor(private readonly client: LanguageClientLike) {
    this.item.name = 'Port Range Lens';
    this.item.command = 'portRangeLens.showNetnsRange';
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('portRangeLens')) this.update();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidSaveTextDocument(() => this.update()),
    );
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !LANGUAGES.includes(doc.languageId)) {
      this.item.hide();
      return;
    }
    const seq = ++this.seq;
    this.client.sendRequest(EnvironmentRequest, { uri: doc.uri.toString() }).then((env) => {
      if (seq !== this.seq) return;
      const { text, tooltip } = statusText(env);
      this.item.text = text;
      this.item.tooltip = tooltip;
      this.item.show();
    }, () => this.item.hide());
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subs) s.dispose();
  }
}
