/**
 * The status bar's port-pressure item: the busiest destination's share of its ephemeral ports
 * on this machine (PressureRequest), shown only past portRangeLens.pressureThreshold (0 = off,
 * no polling). Click: the live panel.
 */
import * as vscode from 'vscode';
import { PressureRequest } from '../../server/src/protocol';
import type { LanguageClientLike } from './simulate';
import { pressureStatus } from './webview/pressureModel';

export const PRESSURE_POLL_MS = 10_000;

function threshold(): number {
  const v = vscode.workspace.getConfiguration('portRangeLens').get<unknown>('pressureThreshold');
  return typeof v === 'number' && v >= 0 && v <= 1 ? v : 0.8;
}

export class PressureStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('portRangeLens.pressure', vscode.StatusBarAlignment.Right, 99);
  private timer: NodeJS.Timeout | null = null;
  private readonly sub: vscode.Disposable;
  /** Last text shown (read by the end-to-end tests), null when hidden. */
  shown: string | null = null;

  constructor(private readonly client: LanguageClientLike, private readonly pollMs = PRESSURE_POLL_MS) {
    this.item.name = 'Port Range Lens: port pressure';
    this.item.command = 'portRangeLens.showPortPressure';
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('portRangeLens.pressureThreshold')) this.start();
    });
  }

  start(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (threshold() <= 0) {
      this.hide();
      return;
    }
    void this.update();
    this.timer = setInterval(() => void this.update(), this.pollMs);
  }

  async update(): Promise<void> {
    const t = threshold();
    if (t <= 0) return this.hide();
    try {
      const view = await this.client.sendRequest(PressureRequest, {});
      const s = pressureStatus(view, t);
      if (!s) return this.hide();
      this.item.text = s.text;
      this.item.tooltip = s.tooltip;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.show();
      this.shown = s.text;
    } catch {
      this.hide(); // sockets unreadable here: nothing to warn about
    }
  }

  private hide(): void {
    this.item.hide();
    this.shown = null;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.sub.dispose();
    this.item.dispose();
  }
}
