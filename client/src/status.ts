/**
 * The status bar item: the netns range and kernel profile the diagnostics are judged
 * against, e.g. "$(server-process) 32768–60999 · Linux 6.18". Click: show this machine's range.
 */
import * as vscode from 'vscode';
import { readMachineNetns } from './netns';
import { statusText } from './statusText';

const LANGUAGES = new Set(['c', 'cpp', 'python', 'go']);

export class PortRangeStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('portRangeLens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'Port Range Lens';
    this.item.command = 'portRangeLens.showNetnsRange';
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('portRangeLens')) this.update();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
  }

  update(): void {
    const cfg = vscode.workspace.getConfiguration('portRangeLens');
    const { text, tooltip } = statusText(cfg.get<string>('netnsRange', '32768-60999'), cfg.get<string>('kernel', '6.18'), () => {
      const r = readMachineNetns();
      return r.ok && r.netns.portRange ? `${r.netns.portRange.lo}-${r.netns.portRange.hi}` : null;
    });
    this.item.text = text;
    this.item.tooltip = tooltip;
    const lang = vscode.window.activeTextEditor?.document.languageId;
    if (lang && LANGUAGES.has(lang)) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subs) s.dispose();
  }
}
