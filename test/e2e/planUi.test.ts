/**
 * UI test of the planner and the decoder in the installed .vsix in code-server, driven like a
 * user with headless Chromium: "Plan port ranges for workers…" from the command palette,
 * answered by keyboard, the webview's chart and table, a language tab and a worker chosen by
 * keyboard, "Insert at cursor" into an open file (no squiggles after), "Decode a value…", and
 * no CSP violation. Saves screenshot-plan.png (the README shows it) in harness.ts SHOTS.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ROOT, SHOTS, codeServerForTest, installExtension, launchChromium, runCommand, scratchWorkspace, startCodeServer, until } from './harness';


async function planFrame(page: Page): Promise<Frame | null> {
  for (const f of page.frames()) {
    try {
      if (await f.$('#slices')) return f;
    } catch {
      /* detached */
    }
  }
  return null;
}

async function answer(page: Page, text: string | null): Promise<void> {
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  if (text !== null) {
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text, { delay: 5 });
  }
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

test('installed .vsix in code-server: planner webview by keyboard, Insert at cursor, Decode (screenshot)', { timeout: 300_000 }, async (t: TestContext) => {
  const bin = await codeServerForTest(t);
  if (!bin) return;
  mkdirSync(join(ROOT, '.cache', 'e2e'), { recursive: true });
  const { packageVsix } = (await import(join(ROOT, 'scripts', 'package-vsix.mjs'))) as { packageVsix(o: { out: string }): { file: string } };
  const { file: vsix } = packageVsix({ out: join(ROOT, '.cache', 'e2e', 'port-range-lens-plan.vsix') });
  const extensionsDir = join(ROOT, '.cache', 'e2e', 'plan-ui-extensions');
  rmSync(extensionsDir, { recursive: true, force: true });
  mkdirSync(extensionsDir, { recursive: true });
  assert.match(installExtension(bin, vsix, extensionsDir), /successfully installed/i);
  const ws = scratchWorkspace();
  writeFileSync(join(ws, 'worker.py'), '');
  const cs = await startCodeServer({
    bin,
    extensionsDir,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.fontSize': 13,
      'editor.minimap.enabled': false,
      'workbench.activityBar.location': 'top',
      'window.commandCenter': false,
      'workbench.layoutControl.enabled': false,
      'git.enabled': false,
      'portRangeLens.reservedPorts': '50000-50999',
    },
  });
  const chromium = await launchChromium();
  const consoleLines: string[] = [];
  let failShot: Page | undefined;
  try {
    const context = await chromium.browser.newContext({ viewport: { width: 1500, height: 920 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    failShot = page;
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    await page.goto(`${cs.origin}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForSelector('.explorer-folders-view, .explorer-viewlet', { timeout: 60_000 });
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type('worker.py', { delay: 5 });
    await until('worker.py in Quick Open', async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'worker.py' }).count()) > 0);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
    await page.keyboard.press('Control+B'); // side bar away: the code and the planner share the window

    // The planner: four prompts, answered by keyboard.
    await runCommand(page, '>Port Range Lens: Plan port ranges for workers');
    await answer(page, '4'); // workers
    await answer(page, null); // pattern: the first item, TCP egress with IP_BIND_ADDRESS_NO_PORT
    await answer(page, '192.0.2.10:443,192.0.2.11:443');
    await answer(page, '6800'); // connections per worker and destination
    const frame = await until('the planner webview', () => planFrame(page), 60_000);
    const text = await frame.locator('#app').innerText();
    assert.match(text, /Port ranges for 4 workers/, text);
    assert.match(text, /netns 32768–60999 · 27,232 usable ports · reserved 50000-50999 · TCP no-port-connect/, text);
    assert.equal(await frame.locator('svg.plan-chart g.pc-slice').count(), 4);
    assert.equal(await frame.locator('#slices tbody tr').count(), 4);
    assert.match(text, /No findings/, text);

    // Keyboard: into the language tabs, Python by arrow keys, worker 1 in the select, Insert.
    await frame.locator('#tab-c').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await frame.evaluate(() => document.activeElement?.id), 'tab-python');
    await page.keyboard.press('Tab');
    assert.equal(await frame.evaluate(() => document.activeElement?.id), 'worker');
    await frame.locator('#worker').selectOption('1');
    await frame.locator('#insert-code').focus();
    await page.keyboard.press('Enter');
    const status = await until('the insert confirmation', async () => {
      const s = await frame.locator('#status').innerText();
      return s.startsWith('Inserted') ? s : null;
    }, 20_000);
    assert.equal(status, 'Inserted worker 1 (Python) at worker.py:1.');
    await until('the snippet in the editor', async () => ((await page.locator('.monaco-editor .view-lines').first().innerText()).includes('EGRESS_PORT_LO') ? true : null));
    await page.waitForTimeout(2500); // the server analyses the new text
    const squiggles = await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info').count();
    assert.equal(squiggles, 0, 'the inserted code has no diagnostics');
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, 'screenshot-plan.png') });

    // "Decode a value…": an input box, then the verdict as a notification.
    await page.locator('.monaco-editor textarea').first().focus();
    await runCommand(page, '>Port Range Lens: Decode a value');
    await answer(page, '0xbeefface');
    const toast = await until('the decode notification', async () => {
      const n = page.locator('.notifications-toasts .notification-list-item-message');
      const all = await n.allInnerTexts();
      return all.find((x) => x.includes('0xbeefface')) ?? null;
    }, 20_000);
    assert.match(toast, /lo 64206, hi 48879 \(0xbeefface\): EINVAL: lo 64206 > hi 48879/);

    const csp = consoleLines.filter((l) => /Content Security Policy|Refused to (load|apply|execute|connect)/i.test(l));
    assert.deepEqual(csp, [], `CSP violations in the console:\n${csp.join('\n')}`);
  } catch (e) {
    t.diagnostic(`console (last 30):\n${consoleLines.slice(-30).join('\n')}`);
    const shot = join(ROOT, '.cache', 'e2e', 'plan-ui-failure.png');
    await failShot?.screenshot({ path: shot }).then(() => t.diagnostic(`screenshot of the failure: ${shot}`)).catch(() => undefined);
    throw e;
  } finally {
    await chromium.close();
    await cs.stop();
    rmSync(dirname(ws), { recursive: true, force: true });
  }
});
