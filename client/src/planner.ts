/**
 * "Plan port ranges for workers…" and "Decode a value…": quick picks and input boxes whose
 * defaults come from the server (the settings resolved for the active file, the ranges the
 * workspace already sets); the planner and decoder run in the server (PlanRequest,
 * DecodeRequest). Passing `answers` / `text` as command arguments skips every prompt.
 */
import * as vscode from 'vscode';
import type { RequestType } from 'vscode-jsonrpc';
import {
  DecodeRequest, PlanDefaultsRequest, PlanRequest,
  type DecodeView, type PlanDefaults, type PlanRequestParams, type PlanView,
} from '../../server/src/protocol';
import type { PlanPanel } from './planPanel';

/** The language client's request side (what the planner needs of it). */
export interface RequestClient {
  sendRequest<P, R, E>(type: RequestType<P, R, E>, params: P): Promise<R>;
}

export interface PlanAnswers {
  /** "12" (workers) or "3,1,1" (weights). */
  workers?: string;
  proto?: 'tcp' | 'udp';
  pattern?: PlanRequestParams['pattern'];
  /** "HOST:PORT,HOST:PORT" ("" = the default destination). */
  destinations?: string;
  /** Connections per worker and destination ("" = none stated). */
  need?: string;
}

const PATTERNS: { label: string; description: string; proto: 'tcp' | 'udp'; pattern: NonNullable<PlanRequestParams['pattern']> }[] = [
  { label: 'TCP egress: IP_BIND_ADDRESS_NO_PORT + bind + connect', description: 'recommended: ports shared across destinations', proto: 'tcp', pattern: 'no-port-connect' },
  { label: 'TCP connect', description: 'no bind', proto: 'tcp', pattern: 'connect' },
  { label: 'TCP bind(addr, 0) then connect', description: 'each port held exclusively', proto: 'tcp', pattern: 'bind' },
  { label: 'TCP listen', description: 'listeners on ephemeral ports', proto: 'tcp', pattern: 'listen' },
  { label: 'UDP connect', description: 'each socket owns its port', proto: 'udp', pattern: 'connect' },
  { label: 'UDP sendto', description: 'autobind on the first send', proto: 'udp', pattern: 'sendto' },
];

/** "12" → { workers: 12 }, "3,1,1" → { weights: [3, 1, 1] } (the server checks the numbers). */
export function workersFromText(text: string): Pick<PlanRequestParams, 'workers' | 'weights'> {
  const t = text.trim();
  return t.includes(',') ? { weights: t.split(',').map((w) => Number(w.trim())) } : { workers: Number(t) };
}

export class Planner {
  constructor(private readonly client: RequestClient, private readonly panel: PlanPanel) {}

  private activeUri(): string | undefined {
    return vscode.window.activeTextEditor?.document.uri.toString();
  }

  async plan(args?: { answers?: PlanAnswers }): Promise<PlanView | undefined> {
    const d = await this.client.sendRequest(PlanDefaultsRequest, { uri: this.activeUri() });
    const a = args?.answers ?? (await this.ask(d));
    if (!a) return undefined;
    const params: PlanRequestParams = {
      ...workersFromText(a.workers ?? '4'),
      proto: a.proto, pattern: a.pattern,
      destinations: (a.destinations ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      need: a.need && a.need.trim() ? Number(a.need) : null,
      netnsRange: d.netnsRange, reserved: d.reserved, kernel: d.kernel, smallRangeThreshold: d.smallRangeThreshold,
    };
    const view = await this.client.sendRequest(PlanRequest, params);
    if (!view.ok) void vscode.window.showErrorMessage(`Port Range Lens: cannot plan: ${view.error}`);
    else this.panel.show(view);
    return view;
  }

  private async ask(d: PlanDefaults): Promise<PlanAnswers | undefined> {
    const target = `netns ${d.netnsRange.lo}-${d.netnsRange.hi}${d.reserved ? `, reserved ${d.reserved}` : ''}, Linux ${d.kernel}`;
    const hint = d.existing.length ? ` The workspace already sets ${d.existing.map((e) => `${e.lo}-${e.hi}`).join(', ')}.` : '';
    const workers = await vscode.window.showInputBox({
      title: `Plan port ranges (1/4): workers — ${target}`,
      prompt: `Number of workers, or one weight per worker like 3,1,1.${hint}`,
      value: String(d.existing.length > 1 ? d.existing.length : 4),
      ignoreFocusOut: true,
      validateInput: (v) => (/^\s*\d+\s*$/.test(v) || /^\s*\d+(\s*,\s*\d+)+\s*$/.test(v) ? null : 'A number of workers (12) or weights (3,1,1)'),
    });
    if (workers === undefined) return undefined;
    const pick = await vscode.window.showQuickPick(PATTERNS, { title: 'Plan port ranges (2/4): how each socket gets its port', ignoreFocusOut: true });
    if (!pick) return undefined;
    let destinations = '';
    if (pick.pattern !== 'listen') {
      const dst = await vscode.window.showInputBox({
        title: 'Plan port ranges (3/4): destinations',
        prompt: 'HOST:PORT of each upstream, comma-separated IP literals (empty: one loopback destination)',
        value: d.destinations.join(','),
        placeHolder: '192.0.2.1:443,192.0.2.2:443',
        ignoreFocusOut: true,
      });
      if (dst === undefined) return undefined;
      destinations = dst;
    }
    const need = await vscode.window.showInputBox({
      title: 'Plan port ranges (4/4): connections each worker needs per destination',
      prompt: 'Optional: the plan then says which slices cannot hold it',
      ignoreFocusOut: true,
      validateInput: (v) => (/^\s*(\d+)?\s*$/.test(v) ? null : 'A positive number, or empty'),
    });
    if (need === undefined) return undefined;
    return { workers, proto: pick.proto, pattern: pick.pattern, destinations, need };
  }

  /** Decodes the selection, or what the user types; shows the verdict as a notification. */
  async decode(args?: { text?: string }): Promise<DecodeView | undefined> {
    const ed = vscode.window.activeTextEditor;
    const selected = ed && !ed.selection.isEmpty ? ed.document.getText(ed.selection).trim() : '';
    const text = args?.text ?? (selected || (await vscode.window.showInputBox({
      title: 'Decode an IP_LOCAL_PORT_RANGE value',
      prompt: "A u32 (2654968896, 0x9e3f9c40), a negative int, strace's [40000..40511], bytes (40 9c 3f 9e, b'@\\x9c?\\x9e') or LO-HI",
      ignoreFocusOut: true,
    })));
    if (text === undefined || text === '') return undefined;
    const v = await this.client.sendRequest(DecodeRequest, { text, uri: this.activeUri() });
    if (!v.ok) {
      void vscode.window.showErrorMessage(`Port Range Lens: ${v.error}`);
      return v;
    }
    const range = v.lo === 0 && v.hi === 0 ? 'no range (0 clears the option)' : `lo ${v.lo}, hi ${v.hi}`;
    const verdict = v.accepted ? 'accepted' : `${v.errno}: ${v.reason}`;
    const eff = v.effective ? `; effective ${v.effective.lo}-${v.effective.hi} under netns ${v.netnsRange.lo}-${v.netnsRange.hi}` : '';
    const notes = v.notes.filter((n) => !n.startsWith('under netns')).map((n) => ` ${n}.`).join('');
    const msg = `${text} → ${range} (0x${v.packed.toString(16).padStart(8, '0')}): ${verdict}${eff}.${notes}`;
    const copy = 'Copy as JSON';
    const show = v.accepted ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(msg, copy).then((c) => (c === copy ? vscode.env.clipboard.writeText(JSON.stringify(v, null, 2)) : undefined));
    return v;
  }
}
