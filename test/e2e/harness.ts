/**
 * Shared plumbing for the end-to-end tests: bundle the mocha suite, start code-server
 * (real VS Code 1.100.3 served to a browser) and drive it with headless Chromium.
 * Not a test file itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '..', '..');

/**
 * Where the UI tests save their screenshots: a scratch folder, so that `npm test` leaves the
 * working tree as it was. `PRL_SCREENSHOT_DIR=docs` refreshes the ones the README shows.
 */
export const SHOTS = resolve(process.env.PRL_SCREENSHOT_DIR ?? join(tmpdir(), 'port-range-lens-screenshots'));
mkdirSync(SHOTS, { recursive: true });
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

interface Provisioner {
  CODE_SERVER_VERSION: string;
  missingPrerequisites(): string[];
  provision(o?: { log?: (s: string) => void }): string;
}

export async function provisioner(): Promise<Provisioner> {
  return (await import(join(ROOT, 'scripts', 'provision-code-server.mjs'))) as Provisioner;
}

/** Why the code-server tests cannot run here, or null when they can (provisioning on first use). */
/**
 * The code-server binary for a test, provisioned on first use; null (after t.skip with the
 * printed reason) when its system prerequisites are missing.
 */
export async function codeServerForTest(t: TestContext): Promise<string | null> {
  const reason = await codeServerSkipReason();
  if (reason) {
    t.skip(reason);
    return null;
  }
  return (await provisioner()).provision({ log: (s) => t.diagnostic(s) });
}

export async function codeServerSkipReason(): Promise<string | null> {
  const p = await provisioner();
  const missing = p.missingPrerequisites();
  return missing.length ? `code-server e2e needs ${missing.join(', ')} (.ci/run installs them)` : null;
}

/** Builds dist/ when a bundle the extension needs is missing. */
export function ensureBuilt(): void {
  const need = ['dist/extension.js', 'dist/server.js', 'dist/cli.js', 'dist/webview.js', 'dist/webview.css'];
  if (need.every((f) => existsSync(join(ROOT, f)))) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}

/** Bundles test/e2e/suite/index.ts (the run() module) to CJS under .cache/e2e/. */
export async function bundleSuite(): Promise<string> {
  const out = join(ROOT, '.cache', 'e2e', 'suite.js');
  await build({
    entryPoints: [join(ROOT, 'test/e2e/suite/index.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'error',
  });
  return out;
}

/**
 * A snapshot of the extension as it would be installed (package.json, dist/, syntaxes/,
 * docs/) under .cache/e2e/extension, so a concurrent rebuild of dist/ cannot change the
 * extension under a running test. Returns its path (the extensionDevelopmentPath).
 */
export function snapshotExtension(): string {
  const dst = join(ROOT, '.cache', 'e2e', 'extension');
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(dst, { recursive: true });
  for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist', 'syntaxes', 'docs']) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dst, f), { recursive: true });
  }
  return dst;
}

/** A scratch copy of examples/ for the workbench to open (tests edit files in it). */
export function scratchWorkspace(): string {
  // A fixed folder name inside a fresh temp dir: the window title in screenshots stays stable.
  const ws = join(mkdtempSync(join(tmpdir(), 'prl-ws-')), 'port-range-lens');
  mkdirSync(ws);
  const ex = join(ROOT, 'examples');
  if (existsSync(ex)) cpSync(ex, join(ws, 'examples'), { recursive: true });
  return ws;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface CodeServer {
  port: number;
  origin: string;
  userDataDir: string;
  extensionsDir: string;
  log: () => string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  bin: string;
  extensionsDir?: string;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
}

function codeServerEnv(scratch: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: scratch,
    XDG_CONFIG_HOME: join(scratch, 'config'),
    XDG_DATA_HOME: join(scratch, 'data'),
    XDG_CACHE_HOME: join(scratch, 'cache'),
    ...extra,
  };
}

/** `code-server --install-extension <vsix>` into an extensions dir; returns its output. */
export function installExtension(bin: string, vsix: string, extensionsDir: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'prl-cs-install-'));
  try {
    const r = spawnSync(process.execPath, [bin, '--extensions-dir', extensionsDir, '--user-data-dir', join(scratch, 'ud'), '--install-extension', vsix, '--force'], {
      encoding: 'utf8',
      env: codeServerEnv(scratch),
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`code-server --install-extension failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout + r.stderr;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const port = await freePort();
  const scratch = mkdtempSync(join(tmpdir(), 'prl-cs-'));
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = o.extensionsDir ?? join(scratch, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'chat.commandCenter.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...o.settings,
      },
      null,
      2,
    ),
  );
  let out = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [o.bin, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir],
    { env: codeServerEnv(scratch, o.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const origin = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${origin}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - t0 > 30_000) throw new Error(`code-server did not start in 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    port,
    origin,
    userDataDir,
    extensionsDir,
    log: () => out,
    async stop() {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
        await new Promise<void>((r) => {
          const t = setTimeout(() => {
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              /* gone */
            }
            r();
          }, 3000);
          child.once('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium with a scratch HOME. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const home = mkdtempSync(join(tmpdir(), 'prl-chromium-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env: { ...process.env, HOME: home } });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The workbench URL that runs extension tests: extensionDevelopmentPath + extensionTestsPath. */
export function extensionTestUrl(cs: CodeServer, folder: string, devPath: string, testsPath: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  return `${cs.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Polls `f` until it returns something truthy (errors count as "not yet"). */
export async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a command from the command palette (F1), like a user. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(title, { delay: 5 });
  await until(`"${title}" in the command palette`, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^>\s*/, '') }).count()) > 0);
  await page.keyboard.press('Enter');
}
