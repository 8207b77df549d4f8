/**
 * "Port Range Lens: Show this machine's netns port range": reads this network namespace's
 * sysctls through the engine's reader (engine/src/sysctl.ts) and offers to use them.
 * Runs in the extension host, i.e. on the machine where the workspace and the server live.
 */
import * as vscode from 'vscode';
import { readNetnsFromProc } from '../../engine/src/sysctl';
import type { NetnsConfig } from '../../engine/src/scenarioTypes';

export function readMachineNetns(): { ok: true; netns: NetnsConfig } | { ok: false; error: string } {
  try {
    return { ok: true, netns: readNetnsFromProc() };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export function describeNetns(n: NetnsConfig): string {
  const r = n.portRange;
  const parts = [
    r ? `ip_local_port_range ${r.lo}–${r.hi} (${r.hi - r.lo + 1} ports)` : 'ip_local_port_range unknown',
    `reserved ports: ${n.reservedPorts ? n.reservedPorts : 'none'}`,
  ];
  if (n.ipUnprivilegedPortStart !== undefined) parts.push(`ip_unprivileged_port_start ${n.ipUnprivilegedPortStart}`);
  if (n.ipAutobindReuse !== undefined) parts.push(`ip_autobind_reuse ${n.ipAutobindReuse}`);
  if (n.tcpTwReuse !== undefined) parts.push(`tcp_tw_reuse ${n.tcpTwReuse}`);
  return parts.join(' · ');
}

export async function showNetnsRange(): Promise<void> {
  const r = readMachineNetns();
  if (!r.ok) {
    void vscode.window.showWarningMessage(`Port Range Lens: cannot read this machine's netns settings: ${r.error}`);
    return;
  }
  const range = r.netns.portRange;
  const cfg = vscode.workspace.getConfiguration('portRangeLens');
  const current = cfg.get<string>('netnsRange', '32768-60999');
  const actions: string[] = [];
  const asSetting = range ? `${range.lo}-${range.hi}` : null;
  if (asSetting && current !== asSetting && current !== 'auto') actions.push('Use this range');
  if (current !== 'auto') actions.push('Always read it ("auto")');
  const pick = await vscode.window.showInformationMessage(
    `This machine's network namespace: ${describeNetns(r.netns)}. Checked against: ${current}.`,
    ...actions,
  );
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  if (pick === 'Use this range' && asSetting) await cfg.update('netnsRange', asSetting, target);
  else if (pick === 'Always read it ("auto")') await cfg.update('netnsRange', 'auto', target);
}
