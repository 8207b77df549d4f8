/**
 * "Port Range Lens: Show this machine's netns port range": the server reads this network
 * namespace's sysctls (EnvironmentRequest, the engine's reader) and says what the active
 * file is judged against; the user may adopt the machine's range.
 */
import * as vscode from 'vscode';
import { EnvironmentRequest } from '../../server/src/protocol';
import type { LanguageClientLike } from './simulate';

export async function showNetnsRange(client: LanguageClientLike): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const env = await client.sendRequest(EnvironmentRequest, { uri: uri?.toString() });
  if (!env.machine.ok) {
    void vscode.window.showWarningMessage(`Port Range Lens: cannot read this machine's netns settings: ${env.machine.error}`);
    return;
  }
  const range = env.machine.netns.portRange;
  const current = env.netnsSetting;
  const actions: string[] = [];
  const asSetting = range ? `${range.lo}-${range.hi}` : null;
  if (asSetting && current !== asSetting && current !== 'auto') actions.push('Use this range');
  if (current !== 'auto') actions.push('Always read it ("auto")');
  const judged = `${env.netnsRange.lo}-${env.netnsRange.hi}${env.netnsSource === 'directive' ? ' (this file\'s directive)' : ''}`;
  const pick = await vscode.window.showInformationMessage(`This machine's network namespace: ${env.machine.description}. Checked against: ${judged}.`, ...actions);
  const cfg = vscode.workspace.getConfiguration('portRangeLens', uri);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  if (pick === 'Use this range' && asSetting) await cfg.update('netnsRange', asSetting, target);
  else if (pick === 'Always read it ("auto")') await cfg.update('netnsRange', 'auto', target);
}
