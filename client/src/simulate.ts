/**
 * The two simulate commands. The client stays thin: it gets what the code says
 * (SocketFactsRequest), lets the server combine it with the file's configuration and the
 * user's answers (SimulationSetupRequest), asks only for the rest (each typed text checked by
 * ValidateInputRequest), lets the server run the engine (SimulateRequest, the same function
 * as the CLI) and shows the report.
 */
import * as vscode from 'vscode';
import {
  SimulateRequest, SimulationSetupRequest, SocketFactsRequest, ValidateInputRequest,
  type InputKind, type SimulateAnswers, type SimulateParams, type SimulationReport, type SimulationSetup, type SocketFacts,
} from '../../server/src/protocol';
import type { SimulationPanels } from './simulatePanel';

/** The part of LanguageClient used here (structural, so tests can pass a fake). */
export interface LanguageClientLike {
  sendRequest<P, R, E>(type: import('vscode-jsonrpc').RequestType<P, R, E>, params: P): Promise<R>;
}

export interface SimulateSocketArgs {
  uri?: string;
  line?: number;
  character?: number;
  /** Non-interactive: answers for every prompt (missing fields take their defaults). */
  answers?: SimulateAnswers;
}

interface MenuItem extends vscode.QuickPickItem {
  id: 'run' | 'op' | 'proto' | 'count' | 'destinations' | 'kernel' | 'seed' | 'range';
}

function describeCount(c: number | 'exhaust'): string {
  return c === 'exhaust' ? 'until exhaustion' : `${c} socket${c === 1 ? '' : 's'}`;
}

export class Simulation {
  constructor(private readonly client: LanguageClientLike, private readonly panels: SimulationPanels) {}

  private setup(uri: string | undefined, facts: SocketFacts | null, answers: SimulateAnswers): Promise<SimulationSetup> {
    return this.client.sendRequest(SimulationSetupRequest, { uri, facts, answers });
  }

  /** An input box whose text the server's parser checks; returns the parsed value. */
  private async input<T>(kind: InputKind, title: string, value: string, prompt?: string): Promise<T | undefined> {
    const check = async (text: string) => (await this.client.sendRequest(ValidateInputRequest, { kind, text })).error;
    const text = await vscode.window.showInputBox({ title, value, prompt, validateInput: check });
    if (text === undefined) return undefined;
    const r = await this.client.sendRequest(ValidateInputRequest, { kind, text });
    return r.error ? undefined : (r.value as T);
  }

  /** One quick pick listing every choice with its default; Enter on the first item runs. */
  private async askAnswers(uri: string | undefined, facts: SocketFacts | null, askRange: boolean): Promise<SimulateAnswers | undefined> {
    const a: SimulateAnswers = {};
    if (askRange) {
      const s = await this.setup(uri, facts, {});
      const n = s.params.netns.portRange ?? { lo: 32768, hi: 60999 };
      const prompt = facts ? 'The value is not statically known: which IP_LOCAL_PORT_RANGE should be simulated? (LO-HI)' : 'IP_LOCAL_PORT_RANGE to simulate (LO-HI)';
      const r = await this.input<{ lo: number; hi: number }>('range', 'Port Range Lens: simulate a port range', `${n.lo}-${Math.min(n.hi, n.lo + 511)}`, prompt);
      if (!r) return undefined;
      a.range = `${r.lo}-${r.hi}`;
    }
    for (;;) {
      const s = await this.setup(uri, facts, a);
      const p = s.params;
      const fromCode = (known: boolean) => (known ? 'from code' : 'default');
      const items: MenuItem[] = [
        { id: 'run', label: '$(play) Run simulation', description: `${p.proto} ${p.op} · ${describeCount(p.count)} · kernel ${p.kernel} · seed ${p.seed}`, alwaysShow: true },
        { id: 'op', label: `Operation: ${p.op}()`, description: a.op ? 'chosen' : fromCode(!!facts?.op) },
        { id: 'count', label: `Sockets: ${describeCount(p.count)}`, description: a.count !== undefined ? 'chosen' : 'default' },
      ];
      if (s.needsDestination) items.push({ id: 'destinations', label: `Destinations: ${p.destinations.join(', ')}`, description: a.destinations ? 'chosen' : fromCode(!!facts?.destinations.length) });
      if (!facts?.proto) items.push({ id: 'proto', label: `Protocol: ${p.proto}`, description: a.proto ? 'chosen' : 'not in code: default' });
      items.push({ id: 'kernel', label: `Kernel: ${p.kernel}`, description: a.kernel ? 'chosen' : facts?.kernel ? 'this file\'s target' : 'portRangeLens.kernel' });
      items.push({ id: 'seed', label: `Seed: ${p.seed}`, description: 'for the kernel\'s random draws' });
      if (askRange) items.push({ id: 'range', label: `Range: ${p.range ? `${p.range.lo}-${p.range.hi}` : 'unset'}`, description: 'chosen' });
      const pick = await vscode.window.showQuickPick(items, { title: facts ? `Simulate ${facts.label}` : 'Simulate a port range', placeHolder: 'Enter runs with these settings; pick a line to change it' });
      if (!pick) return undefined;
      if (pick.id === 'run') return a;
      const changed = await this.askOne(pick.id, s);
      if (changed) Object.assign(a, changed);
    }
  }

  private async askOne(id: MenuItem['id'], s: SimulationSetup): Promise<SimulateAnswers | undefined> {
    const p = s.params;
    const currentFirst = (all: readonly string[], cur: string): string[] => [cur, ...all.filter((x) => x !== cur)];
    switch (id) {
      case 'op': {
        const v = await vscode.window.showQuickPick(currentFirst(s.ops, s.ops.includes(p.op) ? p.op : s.ops[0]!), { title: 'Operation that picks the local port' });
        return v ? { op: s.ops.find((o) => o === v) } : undefined;
      }
      case 'proto': {
        const v = await vscode.window.showQuickPick(currentFirst(s.protos, p.proto), { title: 'Protocol' });
        return v ? { proto: s.protos.find((x) => x === v) } : undefined;
      }
      case 'count': {
        const v = await vscode.window.showQuickPick(['until exhaustion', '1', '10', '100', '1000', 'other…'], { title: 'Number of sockets' });
        if (!v) return undefined;
        if (v === 'until exhaustion') return { count: 'exhaust' };
        if (v !== 'other…') return { count: Number(v) };
        const n = await this.input<number>('count', 'Number of sockets', '100');
        return n ? { count: n } : undefined;
      }
      case 'destinations': {
        const d = await this.input<string[]>('destinations', 'Destinations (addr:port, comma separated); more destinations = more 4-tuples per local port', p.destinations.join(', '));
        return d ? { destinations: d } : undefined;
      }
      case 'kernel': {
        const v = await vscode.window.showQuickPick(currentFirst([...s.kernels, 'other…'], p.kernel), { title: 'Kernel version profile' });
        if (!v) return undefined;
        if (v !== 'other…') return { kernel: v };
        const k = await this.input<string>('kernel', 'Kernel version (X.Y or X.Y.Z)', p.kernel);
        return k ? { kernel: k } : undefined;
      }
      case 'seed': {
        const n = await this.input<number>('seed', 'Seed for the simulated kernel\'s random draws', String(p.seed));
        return n !== undefined ? { seed: n } : undefined;
      }
      case 'range': {
        const r = await this.input<{ lo: number; hi: number }>('range', 'IP_LOCAL_PORT_RANGE (LO-HI)', p.range ? `${p.range.lo}-${p.range.hi}` : '');
        return r ? { range: `${r.lo}-${r.hi}` } : undefined;
      }
    }
    return undefined;
  }

  private async run(params: SimulateParams, key: string, label: string): Promise<SimulationReport> {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Port Range Lens: simulating…' },
      () => this.client.sendRequest(SimulateRequest, params),
    );
    this.panels.show(key, label, report);
    return report;
  }

  private fail(e: unknown): undefined {
    void vscode.window.showErrorMessage(`Port Range Lens: simulation failed: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }

  /** "Simulate this socket": the call under the cursor (or at args), what the kernel does with it. */
  async simulateSocket(args?: SimulateSocketArgs): Promise<SimulationReport | undefined> {
    try {
      const editor = vscode.window.activeTextEditor;
      const uri = args?.uri ?? editor?.document.uri.toString();
      const position = args?.line !== undefined ? { line: args.line, character: args.character ?? 0 } : editor ? { line: editor.selection.active.line, character: editor.selection.active.character } : undefined;
      if (!uri || !position) {
        void vscode.window.showWarningMessage('Port Range Lens: put the cursor on a setsockopt(…IP_LOCAL_PORT_RANGE…) call, or use "Simulate a port range…".');
        return undefined;
      }
      const facts = await this.client.sendRequest(SocketFactsRequest, { uri, position });
      if (!facts) {
        const pick = args?.answers ? undefined : await vscode.window.showWarningMessage('Port Range Lens: no IP_LOCAL_PORT_RANGE setsockopt call here.', 'Simulate a port range…');
        if (pick) await vscode.commands.executeCommand('portRangeLens.simulateRange');
        return undefined;
      }
      let asWritten = args?.answers?.asWritten ?? false;
      if (facts.rejected && !args?.answers) {
        const kernel = { label: 'Simulate what the kernel does', detail: 'The call fails or does not apply: the socket keeps the netns range.', asWritten: false };
        const written = { label: `Simulate as written (${facts.lo}–${facts.hi})`, detail: 'As if the call succeeded: what fixing it would give.', asWritten: true };
        const pick = await vscode.window.showQuickPick([kernel, written], { title: `This setsockopt does not take effect: ${facts.rejected}`, placeHolder: facts.rejected });
        if (!pick) return undefined;
        asWritten = pick.asWritten;
      }
      const valueUnknown = facts.lo === null || facts.hi === null;
      const shown = { ...facts, rejected: asWritten ? null : facts.rejected };
      const answers = args?.answers ?? (await this.askAnswers(uri, shown, valueUnknown));
      if (!answers) return undefined;
      if (facts.rejected && asWritten) answers.asWritten = true;
      const { params } = await this.setup(uri, facts, answers);
      // One panel per socket: keyed by document and the call's first line (from the label).
      const callLine = /:(\d+) \S+$/.exec(facts.label)?.[1] ?? String(position.line + 1);
      const label = facts.rejected && !params.range ? `${facts.label} (option rejected)` : facts.label;
      return await this.run(params, `${uri}#L${callLine}`, label);
    } catch (e) {
      return this.fail(e);
    }
  }

  /** "Simulate a port range…": a range typed by the user, under the window's configuration. */
  async simulateRange(args?: { answers?: SimulateAnswers }): Promise<SimulationReport | undefined> {
    try {
      const answers = args?.answers ?? (await this.askAnswers(undefined, null, true));
      if (!answers) return undefined;
      const { params } = await this.setup(undefined, null, { range: '40000-40511', ...answers });
      const r = params.range;
      return await this.run(params, 'range', `range ${r ? `${r.lo}-${r.hi}` : 'unset'} ${params.proto} ${params.op}`);
    } catch (e) {
      return this.fail(e);
    }
  }
}
