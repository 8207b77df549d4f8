/**
 * The simulation page in a real browser (headless Chromium via playwright-core): the
 * bundled script renders a report under the panel's exact CSP, with no CSP violation,
 * hostile strings shown as text, working buttons and keyboard focus order.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { makeNonce, pageHtml } from '../../client/src/webview/html';
import { launchChromium, pageErrors } from './chromium';
import { fixtureReport } from './fixture';

const HOSTILE = `</script><img src=x onerror="window.__pwned=1"><b>bold</b>`;

interface Served {
  server: Server;
  origin: string;
  dir: string;
}

async function serve(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'prl-webview-'));
  await build({ entryPoints: ['client/src/webview/main.ts'], bundle: true, platform: 'browser', target: 'es2022', format: 'iife', minify: true, outfile: join(dir, 'webview.js'), logLevel: 'error' });
  const css = readFileSync('client/src/webview/style.css');
  let origin = '';
  const server = createServer((req, res) => {
    if (req.url === '/dist/webview.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(dir, 'webview.js')));
    } else if (req.url === '/dist/webview.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    } else if (req.url === '/') {
      const nonce = makeNonce((n) => randomBytes(n));
      res.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/dist/webview.css`, title: HOSTILE }));
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return { server, origin, dir };
}

test('simulation page renders in Chromium under the strict CSP', { timeout: 60_000 }, async (t: TestContext) => {
  const chrome = await launchChromium(t);
  if (!chrome) return;
  const { browser } = chrome;
  const s = await serve();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const consoleErrors = pageErrors(page);
    // Stand-in for the webview host: acquireVsCodeApi and a CSP violation recorder.
    // (A string, not a function: tsx's keepNames helpers do not exist in the page.)
    await page.addInitScript(`
      window.__posted = []; window.__csp = []; window.__state = undefined;
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => window.__state,
        setState: (x) => { window.__state = x; },
      });
    `);
    await page.goto(s.origin + '/');
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'), undefined, { timeout: 10_000 }).catch((e) => {
      throw new Error(`page never sent 'ready': ${consoleErrors.join(' | ')} (${(e as Error).message})`);
    });

    const report = fixtureReport({ destinations: [HOSTILE] });
    await page.evaluate(([r, label]) => window.postMessage({ type: 'report', key: 'k', label, report: r }, '*'), [report, HOSTILE] as const);
    await page.waitForSelector('#side-with');

    const text = await page.locator('#app').innerText();
    assert.match(text, /Effective range 40000–40015 \(16 ports\) inside the netns range 32768–60999/);
    assert.match(text, /Exhausted at socket 15: connect\(\) → EADDRNOTAVAIL \(errno 99\)/);
    assert.match(text, /No failure in 20 sockets/);
    assert.match(text, /7 even · 7 odd \(50% even\)/);
    assert.match(text, /port-range-lens simulate --proto tcp/);
    // Hostile strings are text: visible literally, no element created, nothing executed.
    assert.ok((await page.locator('#title').innerText()).includes('</script><img src=x onerror="window.__pwned=1"><b>bold</b>'));
    assert.ok((await page.locator('#subtitle').innerText()).includes(HOSTILE));
    assert.equal(await page.locator('#app img, #app b').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);

    // chart.js drew into the canvas (non-blank pixels), and the table alternative is there.
    const painted = await page.evaluate(() => {
      const c = document.getElementById('chart-with') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return { w: c.width, h: c.height, n };
    });
    assert.ok(painted.w > 300 && painted.h > 200, `canvas sized ${painted.w}x${painted.h}`);
    assert.ok(painted.n > 1000, `canvas painted (${painted.n} pixels)`);
    assert.equal(await page.locator('#ports-table tbody tr').count(), 20);
    assert.equal(await page.locator('svg.portline').count(), 3);
    assert.equal(await page.locator('svg.portline rect.pl-res').count(), 3);

    // Keyboard: Tab reaches the three buttons, then the table's disclosure; Enter acts.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'verify');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'copy-json');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'copy-cli');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'SUMMARY');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#table-details').getAttribute('open'), '');
    await page.click('#copy-json');
    const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(posted.slice(1), [{ type: 'copy', what: 'cli' }, { type: 'copy', what: 'json' }]);
    await page.evaluate(() => window.postMessage({ type: 'copied', what: 'cli' }, '*'));
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'CLI command copied.');
    // The page saved its state for the panel serializer.
    const state = await page.evaluate(() => (window as unknown as { __state: { key: string; report: unknown } }).__state);
    assert.equal(state.key, 'k');
    assert.deepEqual(state.report, JSON.parse(JSON.stringify(report)));

    // "Verify on this machine's kernel": the button asks the extension; the answer is shown in
    // two columns with the differing row marked and every difference listed (as text).
    await page.click('#verify');
    assert.deepEqual((await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted)).at(-1), { type: 'verify' });
    await page.evaluate(() => window.postMessage({ type: 'verifying' }, '*'));
    await page.waitForFunction(() => /Running the sockets/.test(document.getElementById('verify-verdict')?.textContent ?? ''));
    const side = { successes: 14, firstFailure: { index: 14, errno: 'EADDRNOTAVAIL' }, parity: { even: 7, odd: 7 }, portsUsed: 14 };
    await page.evaluate(([sd, hostile]) => window.postMessage({ type: 'verified', result: { ms: 700, engine: sd,
      kernel: { ran: true, reason: null, release: '6.18.44', ...sd, parity: { even: 8, odd: 6 }, agrees: false, differences: [`parity split: kernel 8e/6o, engine 7e/7o ${hostile}`] } } }, '*'), [side, HOSTILE] as const);
    await page.waitForSelector('#verify-table');
    assert.equal(await page.locator('#verify-table tbody tr').count(), 4);
    assert.deepEqual(await page.locator('#verify-table tr.differs th').allInnerTexts(), ['Parity']);
    assert.match(await page.locator('#verify-table tr.differs td').last().innerText(), /^≠ 8 even · 6 odd$/);
    assert.match(await page.locator('#verify-verdict').innerText(), /1 difference from the simulation/);
    assert.ok((await page.locator('#verify-differences li').innerText()).includes(HOSTILE));
    assert.equal(await page.locator('#app img, #app b').count(), 0);
    await page.evaluate(() => window.postMessage({ type: 'verified', result: { ms: 1, engine: null, kernel: { ran: false, reason: 'unshare(1) not found', release: null, successes: null, firstFailure: null, parity: null, portsUsed: null, agrees: null, differences: [] } } }, '*'));
    await page.waitForFunction(() => /Not run: unshare\(1\) not found/.test(document.getElementById('verify-verdict')?.textContent ?? ''));

    // Dark / high-contrast themes: VS Code swaps --vscode-* variables and the body class.
    await page.evaluate(() => {
      const st = document.documentElement.style;
      st.setProperty('--vscode-editor-background', '#000000');
      st.setProperty('--vscode-editor-foreground', '#ffffff');
      st.setProperty('--vscode-contrastBorder', '#6fc3df');
      document.body.className = 'vscode-high-contrast';
    });
    await page.waitForTimeout(100);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(0, 0, 0)');
    if (process.env.PRL_WEBVIEW_SHOT) await page.screenshot({ path: process.env.PRL_WEBVIEW_SHOT, fullPage: true });

    const csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    assert.deepEqual(csp, [], `CSP violations: ${csp.join('; ')}`);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await chrome.close();
    s.server.close();
    rmSync(s.dir, { recursive: true, force: true });
  }
});
