/**
 * The two simulate commands. The client stays thin: it gathers what the code says
 * (SocketFactsRequest), asks the user only for the rest, lets the server run the
 * engine (SimulateRequest, the same function as the CLI) and shows the report.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import type { SimulateParams, SimulationReport, SocketFacts } from '../../server/src/protocol';
import { SimulateRequest, SocketFactsRequest } from '../../server/src/protocol';
import type { NetnsConfig, Proto } from '../../engine/src/scenarioTypes';
import { KERNEL_PROFILES, DEFAULT_KERNEL } from '../../engine/src/kernels';
import { SimulationPanels, PANEL_VIEW_TYPE } from './simulatePanel';
import { withFileTarget } from './simulateTarget';
import { buildParams, needsDestination, OPS, PROTOS, parseDestinations, parseRange, type SimOp, type SimulateAnswers, type SimulateSocketArgs } from './simulateParams';

export { buildParams, parseRange, type SimulateAnswers, type SimulateSocketArgs };

/** The part of LanguageClient used here (structural, so tests can pass a fake). */
export interface LanguageClientLike {
  sendRequest<R>(method: string, param: unknown): Promise<R>;
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The netns the simulation runs in, from the portRangeLens.* settings ("auto" = this machine). */
export function netnsFromSettings(): NetnsConfig {
  const cfg = vscode.workspace.getConfiguration('portRangeLens');
  let rangeText = cfg.get<string>('netnsRange', '32768-60999');
  if (rangeText === 'auto') rangeText = readProc('/proc/sys/net/ipv4/ip_local_port_range') ?? '32768-60999';
  let reserved = cfg.get<string>('reservedPorts', '');
  if (reserved === 'auto') reserved = readProc('/proc/sys/net/ipv4/ip_local_reserved_ports') ?? '';
  const netns: NetnsConfig = {};
  try {
    netns.portRange = parseRange(rangeText);
  } catch {
    /* malformed setting: the server reports it for diagnostics; simulate in a fresh netns */
  }
  if (reserved) netns.reservedPorts = reserved;
  return netns;
}

function defaultKernel(): string {
  return vscode.workspace.getConfiguration('portRangeLens').get<string>('kernel', DEFAULT_KERNEL) || DEFAULT_KERNEL;
}

interface MenuItem extends vscode.QuickPickItem {
  id: 'run' | 'op' | 'proto' | 'count' | 'destinations' | 'kernel' | 'seed' | 'range';
}

function describeCount(c: number | 'exhaust'): string {
  return c === 'exhaust' ? 'until exhaustion' : `${c} socket${c === 1 ? '' : 's'}`;
}

/**
 * One quick pick listing every choice with its default; Enter on the first item runs.
 * Items the code already settles are shown as facts, not asked. Returns undefined on Esc.
 */
async function askAnswers(facts: SocketFacts | null, env: { netns: NetnsConfig; kernel: string }, askRange: boolean): Promise<SimulateAnswers | undefined> {
  const a: SimulateAnswers = {};
  if (askRange) {
    const netns = env.netns.portRange ?? { lo: 32768, hi: 60999 };
    const text = await vscode.window.showInputBox({
      title: 'Port Range Lens: simulate a port range',
      prompt: facts ? 'The value is not statically known: which IP_LOCAL_PORT_RANGE should be simulated? (LO-HI)' : 'IP_LOCAL_PORT_RANGE to simulate (LO-HI)',
      value: `${netns.lo}-${Math.min(netns.hi, netns.lo + 511)}`,
      validateInput: (v) => {
        try {
          parseRange(v);
          return null;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (text === undefined) return undefined;
    a.range = text;
  }
  for (;;) {
    const p = buildParams(facts, a, env);
    const fromCode = (known: boolean) => (known ? 'from code' : 'default');
    const items: MenuItem[] = [
      {
        id: 'run',
        label: '$(play) Run simulation',
        description: `${p.proto} ${p.op} · ${describeCount(p.count)} · kernel ${p.kernel} · seed ${p.seed}`,
        alwaysShow: true,
      },
      { id: 'op', label: `Operation: ${p.op}()`, description: a.op ? 'chosen' : fromCode(!!facts?.op) },
      { id: 'count', label: `Sockets: ${describeCount(p.count)}`, description: a.count !== undefined ? 'chosen' : 'default' },
    ];
    if (needsDestination(p.op)) {
      items.push({ id: 'destinations', label: `Destinations: ${p.destinations.join(', ')}`, description: a.destinations ? 'chosen' : fromCode(!!facts?.destinations.length) });
    }
    if (!facts?.proto || !facts) items.push({ id: 'proto', label: `Protocol: ${p.proto}`, description: a.proto ? 'chosen' : 'not in code: default' });
    items.push({ id: 'kernel', label: `Kernel: ${p.kernel}`, description: a.kernel ? 'chosen' : facts?.kernel ? 'this file\'s target' : 'portRangeLens.kernel' });
    items.push({ id: 'seed', label: `Seed: ${p.seed}`, description: 'for the kernel\'s random draws' });
    if (askRange) items.push({ id: 'range', label: `Range: ${p.range ? `${p.range.lo}-${p.range.hi}` : 'unset'}`, description: 'chosen' });
    const pick = await vscode.window.showQuickPick(items, {
      title: facts ? `Simulate ${facts.label}` : 'Simulate a port range',
      placeHolder: 'Enter runs with these settings; pick a line to change it',
    });
    if (!pick) return undefined;
    if (pick.id === 'run') return a;
    const changed = await askOne(pick.id, p);
    if (changed) Object.assign(a, changed);
  }
}

async function askOne(id: MenuItem['id'], p: SimulateParams): Promise<SimulateAnswers | undefined> {
  const withCurrentFirst = <T extends string>(all: readonly T[], cur: T) => [cur, ...all.filter((x) => x !== cur)];
  switch (id) {
    case 'op': {
      // sendto() autobinds only datagram sockets; UDP cannot listen().
      const valid = OPS.filter((o) => !(o === 'sendto' && (p.proto === 'tcp' || p.proto === 'mptcp')) && !(o === 'listen' && p.proto === 'udp'));
      const v = await vscode.window.showQuickPick(withCurrentFirst(valid, valid.includes(p.op) ? p.op : valid[0]), { title: 'Operation that picks the local port' });
      return v ? { op: v as SimOp } : undefined;
    }
    case 'proto': {
      const v = await vscode.window.showQuickPick(withCurrentFirst(PROTOS, p.proto), { title: 'Protocol' });
      return v ? { proto: v as Proto } : undefined;
    }
    case 'count': {
      const choices = ['until exhaustion', '1', '10', '100', '1000', 'other…'];
      const v = await vscode.window.showQuickPick(choices, { title: 'Number of sockets' });
      if (!v) return undefined;
      if (v === 'until exhaustion') return { count: 'exhaust' };
      if (v !== 'other…') return { count: Number(v) };
      const n = await vscode.window.showInputBox({
        title: 'Number of sockets',
        value: '100',
        validateInput: (s) => (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 1_000_000 ? null : 'an integer in 1..1000000'),
      });
      return n ? { count: Number(n) } : undefined;
    }
    case 'destinations': {
      const v = await vscode.window.showInputBox({
        title: 'Destinations (addr:port, comma separated); more destinations = more 4-tuples per local port',
        value: p.destinations.join(', '),
        validateInput: (s) => {
          try {
            return parseDestinations(s).length ? null : 'at least one destination';
          } catch (e) {
            return (e as Error).message;
          }
        },
      });
      return v ? { destinations: parseDestinations(v) } : undefined;
    }
    case 'kernel': {
      const v = await vscode.window.showQuickPick(withCurrentFirst([...KERNEL_PROFILES, 'other…'], p.kernel), { title: 'Kernel version profile' });
      if (!v) return undefined;
      if (v !== 'other…') return { kernel: v };
      const k = await vscode.window.showInputBox({ title: 'Kernel version (X.Y or X.Y.Z)', value: p.kernel, validateInput: (s) => (/^\d+\.\d+(\.\d+)?$/.test(s.trim()) ? null : 'e.g. 6.1.40') });
      return k ? { kernel: k.trim() } : undefined;
    }
    case 'seed': {
      const v = await vscode.window.showInputBox({
        title: 'Seed for the simulated kernel\'s random draws',
        value: String(p.seed),
        validateInput: (s) => (/^\d+$/.test(s) && Number(s) <= 0xffffffff ? null : 'an integer in 0..4294967295'),
      });
      return v ? { seed: Number(v) } : undefined;
    }
    case 'range': {
      const v = await vscode.window.showInputBox({
        title: 'IP_LOCAL_PORT_RANGE (LO-HI)',
        value: p.range ? `${p.range.lo}-${p.range.hi}` : '',
        validateInput: (s) => {
          try {
            parseRange(s);
            return null;
          } catch (e) {
            return (e as Error).message;
          }
        },
      });
      return v ? { range: v } : undefined;
    }
    default:
      return undefined;
  }
}

export function registerSimulation(context: vscode.ExtensionContext, client: LanguageClientLike): void {
  const panels = new SimulationPanels(context);
  context.subscriptions.push(panels);
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, panels.serializer()));

  const run = async (params: SimulateParams, key: string, label: string): Promise<SimulationReport | undefined> => {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Port Range Lens: simulating…' },
      () => client.sendRequest<SimulationReport>(SimulateRequest, params),
    );
    panels.show(key, label, report);
    return report;
  };

  const fail = (e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`Port Range Lens: simulation failed: ${msg}`);
    return undefined;
  };

  // Not contributed in package.json: lets the end-to-end suite see what the panel shows.
  context.subscriptions.push(vscode.commands.registerCommand('portRangeLens.test.simulationPanel', () => panels.snapshot()));

  context.subscriptions.push(
    vscode.commands.registerCommand('portRangeLens.simulateSocket', async (args?: SimulateSocketArgs) => {
      try {
        const editor = vscode.window.activeTextEditor;
        const uri = args?.uri ?? editor?.document.uri.toString();
        const position =
          args?.line !== undefined ? { line: args.line, character: args.character ?? 0 } : editor ? { line: editor.selection.active.line, character: editor.selection.active.character } : undefined;
        if (!uri || !position) {
          void vscode.window.showWarningMessage('Port Range Lens: put the cursor on a setsockopt(…IP_LOCAL_PORT_RANGE…) call, or use "Simulate a port range…".');
          return undefined;
        }
        const facts = await client.sendRequest<SocketFacts | null>(SocketFactsRequest, { uri, position });
        if (!facts) {
          const pick = await (args?.answers
            ? Promise.resolve(undefined)
            : vscode.window.showWarningMessage('Port Range Lens: no IP_LOCAL_PORT_RANGE setsockopt call here.', 'Simulate a port range…'));
          if (pick) return vscode.commands.executeCommand('portRangeLens.simulateRange');
          return undefined;
        }
        // The file's directives (netns-range, reserved, kernel) over the settings, as the analyzer used them.
        const env = withFileTarget({ netns: netnsFromSettings(), kernel: defaultKernel() }, facts);
        const valueUnknown = facts.lo === null || facts.hi === null;
        let asWritten = args?.answers?.asWritten ?? false;
        if (facts.rejected && !args?.answers) {
          const kernel = { label: 'Simulate what the kernel does', detail: 'The call fails or does not apply: the socket keeps the netns range.', asWritten: false };
          const written = { label: `Simulate as written (${facts.lo}–${facts.hi})`, detail: 'As if the call succeeded: what fixing it would give.', asWritten: true };
          const pick = await vscode.window.showQuickPick([kernel, written], { title: `This setsockopt does not take effect: ${facts.rejected}`, placeHolder: facts.rejected });
          if (!pick) return undefined;
          asWritten = pick.asWritten;
        }
        const answers = args?.answers ?? (await askAnswers({ ...facts, rejected: asWritten ? null : facts.rejected }, env, valueUnknown));
        if (!answers) return undefined;
        if (facts.rejected && asWritten) answers.asWritten = true;
        if (valueUnknown && answers.range === undefined) answers.range = `${env.netns.portRange?.lo ?? 32768}-${env.netns.portRange?.hi ?? 60999}`;
        const params = buildParams(facts, answers, env);
        // One panel per socket: keyed by document and the call's first line (from the label).
        const callLine = /:(\d+) \S+$/.exec(facts.label)?.[1] ?? String(position.line + 1);
        const label = facts.rejected && !params.range ? `${facts.label} (option rejected)` : facts.label;
        return await run(params, `${uri}#L${callLine}`, label);
      } catch (e) {
        return fail(e);
      }
    }),
    vscode.commands.registerCommand('portRangeLens.simulateRange', async (args?: { answers?: SimulateAnswers }) => {
      try {
        const env = { netns: netnsFromSettings(), kernel: defaultKernel() };
        const answers = args?.answers ?? (await askAnswers(null, env, true));
        if (!answers) return undefined;
        const params = buildParams(null, { range: '40000-40511', ...answers }, env);
        const r = params.range;
        return await run(params, 'range', `range ${r ? `${r.lo}-${r.hi}` : 'unset'} ${params.proto} ${params.op}`);
      } catch (e) {
        return fail(e);
      }
    }),
  );
}
