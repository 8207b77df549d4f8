/**
 * The same e2e suite as codeServer.test.ts, run the standard way: @vscode/test-electron
 * downloads a VS Code build and starts it with extensionDevelopmentPath/extensionTestsPath.
 * Where no build can be downloaded (this machine has no route to update.code.visualstudio.com)
 * or there is no X display, it skips with the printed reason.
 */
import { test, type TestContext } from 'node:test';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, bundleSuite, ensureBuilt, scratchWorkspace, snapshotExtension } from './harness';

test('e2e suite in VS Code (Electron) via @vscode/test-electron', { timeout: 600_000 }, async (t: TestContext) => {
  const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await Promise.race([
      downloadAndUnzipVSCode({ version: process.env.PRL_VSCODE_VERSION ?? 'stable', cachePath: join(ROOT, '.cache', 'vscode-test') }),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no answer in 60 s')), 60_000).unref()),
    ]);
  } catch (e) {
    t.skip(`VS Code could not be downloaded (${(e as Error).message.split('\n')[0]}); the same suite runs in code-server (codeServer.test.ts)`);
    return;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    t.skip('no X display for Electron (run under xvfb-run); the same suite runs in code-server (codeServer.test.ts)');
    return;
  }
  ensureBuilt();
  const ext = snapshotExtension();
  const suite = await bundleSuite();
  const ws = scratchWorkspace();
  try {
    const code = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ext,
      extensionTestsPath: suite,
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--no-sandbox', '--disable-gpu'],
    });
    if (code !== 0) throw new Error(`extension tests exited with ${code}`);
  } finally {
    rmSync(dirname(ws), { recursive: true, force: true });
  }
});
