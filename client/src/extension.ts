/**
 * The VS Code extension: thin. Starts the bundled language server (dist/server.js over
 * node IPC), registers the commands of commands.ts and the status bar item. Every judgement
 * happens in the server and the engine; this bundle holds the language client and the
 * client's own code only (nothing from engine/).
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { COMMANDS } from './commands';
import { LANGUAGES } from './languages';
import { showNetnsRange } from './netns';
import type { Services } from './services';
import { Simulation } from './simulate';
import { SimulationPanels, PANEL_VIEW_TYPE } from './simulatePanel';
import { PortRangeStatus } from './status';
import { PressureRequest, VerifyRequest } from '../../server/src/protocol';
import { PressurePanel } from './pressurePanel';
import { PressureStatus } from './pressureStatus';
import { Planner } from './planner';
import { PlanPanel } from './planPanel';

export { LANGUAGES };
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ client: LanguageClient }> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
    synchronize: { configurationSection: 'portRangeLens' },
    outputChannelName: 'Port Range Lens',
  };
  client = new LanguageClient('portRangeLens', 'Port Range Lens', serverOptions, clientOptions);
  const c = client;
  const panels = new SimulationPanels(context, (p) => c.sendRequest(VerifyRequest, p));
  const status = new PortRangeStatus(c);
  const pressure = new PressurePanel(context, (folder) => c.sendRequest(PressureRequest, { folder }));
  const pressureStatus = new PressureStatus(c);
  const planPanel = new PlanPanel(context);
  const services: Services = {
    simulation: new Simulation(c, panels),
    panels,
    pressure,
    pressureStatus,
    planner: new Planner(c, planPanel),
    planPanel,
    showNetnsRange: () => showNetnsRange(c),
    restartServer: async () => {
      await c.restart();
      void vscode.window.setStatusBarMessage('Port Range Lens: server restarted', 3000);
    },
  };
  context.subscriptions.push(panels, planPanel, status, pressure, pressureStatus, vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, panels.serializer()));
  for (const cmd of COMMANDS) context.subscriptions.push(vscode.commands.registerCommand(cmd.id, (...args: unknown[]) => cmd.run(services, ...args)));
  await c.start();
  status.update();
  pressureStatus.start();
  return { client: c };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
