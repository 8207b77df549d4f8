/**
 * The VS Code extension: thin. Starts the bundled language server (dist/server.js over
 * node IPC), registers the commands and the status bar item. Every judgement happens in
 * the server and the engine.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerSimulation } from './simulate';
import { PortRangeStatus } from './status';
import { showNetnsRange } from './netns';

export const LANGUAGES = ['c', 'cpp', 'python', 'go'];
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ client: LanguageClient }> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    synchronize: { configurationSection: 'portRangeLens' },
    outputChannelName: 'Port Range Lens',
  };
  client = new LanguageClient('portRangeLens', 'Port Range Lens', serverOptions, clientOptions);
  const c = client;
  context.subscriptions.push(
    new PortRangeStatus(),
    vscode.commands.registerCommand('portRangeLens.showNetnsRange', () => showNetnsRange()),
    vscode.commands.registerCommand('portRangeLens.restartServer', async () => {
      await c.restart();
      void vscode.window.setStatusBarMessage('Port Range Lens: server restarted', 3000);
    }),
  );
  registerSimulation(context, c);
  await c.start();
  return { client: c };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
