/**
 * UI test of the installed .vsix in code-server, driven like a user with headless
 * Chromium: open an example, see squiggles and the Problems count, open a hover with the
 * keyboard (Ctrl+K Ctrl+I), run "Simulate this socket" from the command palette, read the
 * webview, and check the console has no CSP violation. Saves (in harness.ts SHOTS) the screenshots the README
 * shows: docs/screenshot-{diagnostics,hover,simulation}.png.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ROOT, SHOTS, codeServerForTest, installExtension, launchChromium, runCommand, scratchWorkspace, startCodeServer, until } from './harness';

const EXAMPLE = 'examples/c/egress.c';

async function simulationFrame(page: Page): Promise<Frame | null> {
  for (const f of page.frames()) {
    try {
      if (await f.$('#side-with')) return f;
    } catch {
      /* detached */
    }
  }
  return null;
}

/**
 * True once some workbench state database holds an editor entry of our webview type
 * whose saved state carries the report (runs in the page).
 */
async function persistedPanel(): Promise<boolean> {
  const dbs = await indexedDB.databases();
  for (const d of dbs) {
    if (!d.name) continue;
    const db = await new Promise<IDBDatabase | null>((res) => {
      const r = indexedDB.open(d.name!);
      r.onsuccess = () => res(r.result);
      r.onerror = () => res(null);
    });
    if (!db) continue;
    try {
      for (const store of Array.from(db.objectStoreNames)) {
        const values = await new Promise<unknown[]>((res) => {
          const q = db.transaction(store, 'readonly').objectStore(store).getAll();
          q.onsuccess = () => res(q.result as unknown[]);
          q.onerror = () => res([]);
        });
        for (const v of values) {
          const text = typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : JSON.stringify(v);
          if (text && text.includes('portRangeLens.simulation') && text.includes('report')) return true;
        }
      }
    } finally {
      db.close();
    }
  }
  return false;
}

async function pressureFrame(page: Page): Promise<Frame | null> {
  for (const f of page.frames()) {
    try {
      if (await f.$('#pressure-heading')) return f;
    } catch {
      /* detached */
    }
  }
  return null;
}

test('installed .vsix in code-server: squiggles, Problems, hover, simulation webview (screenshots)', { timeout: 300_000 }, async (t: TestContext) => {
  const t0 = Date.now();
  const bin = await codeServerForTest(t);
  if (!bin) return;
  const vsixOut = join(ROOT, '.cache', 'e2e', 'port-range-lens.vsix');
  mkdirSync(join(ROOT, '.cache', 'e2e'), { recursive: true });
  const { packageVsix } = (await import(join(ROOT, 'scripts', 'package-vsix.mjs'))) as { packageVsix(o: { out: string }): { file: string } };
  const { file: vsix } = packageVsix({ out: vsixOut });
  const extensionsDir = join(ROOT, '.cache', 'e2e', 'ui-extensions');
  rmSync(extensionsDir, { recursive: true, force: true });
  mkdirSync(extensionsDir, { recursive: true });
  const installLog = installExtension(bin, vsix, extensionsDir);
  assert.match(installLog, /successfully installed/i);
  const ws = scratchWorkspace();
  const cs = await startCodeServer({
    bin,
    extensionsDir,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.fontSize': 14,
      'editor.minimap.enabled': false,
      'workbench.activityBar.location': 'top',
      'window.commandCenter': false,
      'workbench.layoutControl.enabled': false,
      'editor.hover.delay': 100,
      'git.enabled': false,
    },
  });
  const chromium = await launchChromium();
  const consoleLines: string[] = [];
  let failShot: Page | undefined;
  try {
    const context = await chromium.browser.newContext({ viewport: { width: 1500, height: 920 }, deviceScaleFactor: 1 });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cs.origin });
    const page = await context.newPage();
    failShot = page;
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    await page.goto(`${cs.origin}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForSelector('.explorer-folders-view, .explorer-viewlet', { timeout: 60_000 });

    // Open the example through Quick Open, like a user.
    const source = readFileSync(join(ws, EXAMPLE), 'utf8').split('\n');
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type('egress.c', { delay: 5 });
    await until('egress.c in Quick Open', async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'egress.c' }).count()) > 0);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });

    // Scroll to the mistakes (squiggles are only rendered for visible lines).
    const firstBad = source.findIndex((l) => /sizeof\(uint16_t\)/.test(l));
    await page.locator('.monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(`${(firstBad >= 0 ? firstBad : 0) + 1}`);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(600);

    // Squiggles and the Problems count in the status bar.
    const squiggles = await until('squiggles in the editor', async () => {
      const n = await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info').count();
      return n > 0 ? n : null;
    }, 60_000);
    const problems = await until('a non-zero Problems count', async () => {
      const label = (await page.locator('#status\\.problems').first().getAttribute('aria-label')) ?? (await page.locator('#status\\.problems').first().innerText());
      return /[1-9]/.test(label) ? label : null;
    });
    t.diagnostic(`squiggle decorations: ${squiggles}; Problems status: ${problems}`);
    // Show the Problems panel beside the squiggles, then take the diagnostics screenshot.
    await page.keyboard.press('Control+Shift+M');
    await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 20_000 });
    const rows = await page.locator('.markers-panel .monaco-list-row').count();
    assert.ok(rows > 1, `Problems panel rows: ${rows}`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, 'screenshot-diagnostics.png') });

    // Hover with the keyboard on the option name of the first IP_LOCAL_PORT_RANGE call.
    await page.keyboard.press('Control+Shift+M'); // hide the panel again
    const line = source.findIndex((l) => /setsockopt\(.*IP_LOCAL_PORT_RANGE/.test(l) && !/^\s*(\/\/|\*)/.test(l));
    assert.ok(line >= 0, 'a setsockopt(... IP_LOCAL_PORT_RANGE ...) line in the example');
    const col = source[line].indexOf('IP_LOCAL_PORT_RANGE') + 4;
    await page.locator('.monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(`${line + 1}:${col}`);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = await until('the hover widget', async () => {
      const h = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-resizable-hover .monaco-hover-content').first();
      const txt = (await h.count()) ? await h.innerText() : '';
      return /IP_LOCAL_PORT_RANGE/.test(txt) && /port/i.test(txt) ? txt : null;
    });
    assert.match(hover, /\d{4,5}\s*[–-]\s*\d{4,5}/, `hover text:\n${hover}`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'screenshot-hover.png') });
    await page.keyboard.press('Escape');

    // "Simulate this socket" from the command palette; Enter accepts the defaults.
    // (Side bar hidden first, so the code and the simulation share the window.)
    await page.keyboard.press('Control+B');
    await runCommand(page, '>Port Range Lens: Simulate this socket');
    await until('the simulation quick pick', async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Run simulation' }).count()) > 0);
    await page.keyboard.press('Enter');
    const frame = await until('the simulation webview', () => simulationFrame(page), 60_000);
    await frame.waitForSelector('#cli', { timeout: 30_000 });
    await page.waitForTimeout(800); // the charts draw after layout
    const text = await frame.locator('#app').innerText();
    assert.match(text, /Effective range \d+–\d+ \(\d[\d,]* ports?\)/, text);
    assert.match(text, /Exhausted at socket [\d,]+: \w+\(\) → E[A-Z]+ \(errno \d+\)/, text);
    assert.match(text, /port-range-lens simulate /);
    await page.screenshot({ path: join(SHOTS, 'screenshot-simulation.png') });
    const summaryBefore = await frame.locator('#range-summary').innerText();
    // The copy button goes page → extension → clipboard → page.
    await frame.locator('#copy-cli').click();
    await until('the copy confirmation', async () => ((await frame.locator('#status').innerText()) === 'CLI command copied.' ? true : null), 10_000);
    const clip = await page.evaluate(() => navigator.clipboard.readText()).catch((e: Error) => `unreadable: ${e.message}`);
    assert.equal(clip, await frame.locator('#cli').innerText(), 'the clipboard holds the CLI command shown');

    // "Verify on this machine's kernel": the same sockets for real, two columns, differences marked.
    await frame.locator('#verify').click();
    const verdict = await until('the kernel verdict', async () => {
      const v = frame.locator('#verify-verdict');
      const txt = (await v.count()) ? await v.innerText() : '';
      return txt && !/Running/.test(txt) ? txt : null;
    }, 120_000);
    t.diagnostic(`verify on this machine's kernel: ${verdict}`);
    if (/agrees/.test(verdict)) assert.equal(await frame.locator('#verify-table tbody tr').count(), 4);
    await frame.locator('#verify-sec').scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, 'screenshot-verify.png') });
    await frame.locator('#title').scrollIntoViewIfNeeded();

    // "Show port pressure": the live panel, refreshed while visible, the workspace's declared ranges marked.
    await runCommand(page, '>Port Range Lens: Show port pressure');
    const pf = await until('the pressure webview', () => pressureFrame(page), 60_000);
    await until('two pressure samples', async () => ((await pf.evaluate(() => (window as unknown as { __portRangeLensPressure?: number }).__portRangeLensPressure ?? 0)) >= 2 ? true : null), 60_000);
    assert.match(await pf.locator('#declared-table').innerText(), /40000–40511/);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, 'screenshot-pressure.png') });
    await until('the simulation webview, still visible in its group', () => simulationFrame(page), 30_000);

    // The page follows the theme: VS Code swaps the --vscode-* variables and the body class.
    for (const [theme, cls, light] of [
      ['Light Modern', 'vscode-light', true],
      ['Dark High Contrast', 'vscode-high-contrast', false],
      ['Dark Modern', 'vscode-dark', false],
    ] as const) {
      await page.locator('.monaco-editor textarea').first().focus();
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T'); // Preferences: Color Theme
      await until('the theme picker', async () => (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: /Modern|Contrast/ }).count()) > 0);
      await page.keyboard.type(theme, { delay: 5 });
      await until(`${theme} in the theme picker`, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).count()) > 0);
      await page.keyboard.press('Enter');
      const f = await until(`the webview in ${theme}`, async () => {
        const fr = await simulationFrame(page);
        return fr && (await fr.evaluate((c) => document.body.classList.contains(c), cls)) ? fr : null;
      });
      const bg = await f.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
      assert.equal((r + g + b) / 3 > 128, light, `${theme}: page background ${bg}`);
      const fg = await f.evaluate(() => getComputedStyle(document.getElementById('title')!).color);
      assert.notEqual(fg, bg, `${theme}: text colour differs from the background`);
      if (process.env.PRL_THEME_SHOTS) await page.screenshot({ path: join(process.env.PRL_THEME_SHOTS, `theme-${cls}.png`) });
    }

    // A reload restores the panel from its saved state (WebviewPanelSerializer). The web
    // workbench writes its editor layout (with the panel and its setState) to IndexedDB on a
    // ~60 s idle timer and cannot finish that write during unload, so wait until it is stored.
    await until('the workbench to persist the simulation panel', () => page.evaluate(persistedPanel), 150_000);
    await page.reload();
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const restored = await until('the restored simulation webview', () => simulationFrame(page), 60_000);
    await restored.waitForSelector('#cli', { timeout: 30_000 });
    assert.equal(await restored.locator('#range-summary').innerText(), summaryBefore);

    const csp = consoleLines.filter((l) => /Content Security Policy|Refused to (load|apply|execute|connect)/i.test(l));
    assert.deepEqual(csp, [], `CSP violations in the console:\n${csp.join('\n')}`);
    t.diagnostic(`ui test: ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
  } catch (e) {
    t.diagnostic(`console (last 30):\n${consoleLines.slice(-30).join('\n')}`);
    const shot = join(ROOT, '.cache', 'e2e', 'ui-failure.png');
    await failShot?.screenshot({ path: shot }).then(() => t.diagnostic(`screenshot of the failure: ${shot}`)).catch(() => undefined);
    throw e;
  } finally {
    await chromium.close();
    await cs.stop();
    rmSync(dirname(ws), { recursive: true, force: true });
  }
});
