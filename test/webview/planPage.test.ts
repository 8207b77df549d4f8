/**
 * The planner page in a real browser (headless Chromium via playwright-core): the bundled
 * script renders a plan from the real planner under the panel's exact CSP, with no CSP
 * violation, strings shown as text, language tabs by keyboard, and Copy/Insert messages
 * that name the worker and language (never the snippet text).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { launchChromium, pageErrors } from './chromium';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { makeNonce, pageHtml } from '../../client/src/webview/html';
import { planForEditor } from '../../server/src/plan/editor';
import { buildPlanViewModel, reservedRuns } from '../../client/src/planPage/viewModel';

const HOSTILE = `</script><img src=x onerror="window.__pwned=1"><b>bold</b>`;

function samplePlan() {
  const v = planForEditor({ workers: 3, netnsRange: { lo: 40000, hi: 40999 }, reserved: '40500-40599', kernel: '6.18', destinations: ['192.0.2.10:443', '192.0.2.11:443'], need: 301 });
  assert.ok(v.ok);
  return v;
}

test('plan view model: bars over the netns range, reserved runs, table', () => {
  const vm = buildPlanViewModel(samplePlan());
  assert.deepEqual(vm.bars.map((b) => [b.lo, b.hi, b.x, b.w]), [[40000, 40299, 0, 0.3], [40300, 40699, 0.3, 0.4], [40700, 40999, 0.7, 0.3]]);
  assert.deepEqual(vm.reserved.map((r) => [r.lo, r.hi, r.x, r.w]), [[40500, 40599, 0.5, 0.1]]);
  assert.deepEqual(vm.table.head, ['Worker', 'Ports', 'Packed', 'Usable', 'Reserved inside', 'To 192.0.2.10:443', 'To 192.0.2.11:443', 'Total']);
  assert.deepEqual(vm.table.rows[1], ['1', '40300–40699', '0x9efb9d6c', '300', '100', '300', '300', '600']);
  assert.equal(vm.findings.length, 3);
  assert.deepEqual(vm.languages.map((l) => l.label), ['C', 'C++', 'Python', 'Go', 'Rust']);
  assert.deepEqual(reservedRuns('1-10,40990-41010,x,40100', 40000, 40999), [{ lo: 40990, hi: 40999 }, { lo: 40100, hi: 40100 }]);
});

interface Served { server: Server; origin: string; dir: string }

async function serve(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'prl-planpage-'));
  await build({ entryPoints: ['client/src/planPage/main.ts'], bundle: true, platform: 'browser', target: 'es2022', format: 'iife', minify: true, outfile: join(dir, 'planWebview.js'), logLevel: 'error' });
  const files: Record<string, [string, Buffer]> = {
    '/dist/planWebview.js': ['text/javascript', readFileSync(join(dir, 'planWebview.js'))],
    '/dist/webview.css': ['text/css', readFileSync('client/src/webview/style.css')],
    '/dist/planWebview.css': ['text/css', readFileSync('client/src/planPage/style.css')],
  };
  let origin = '';
  const server = createServer((req, res) => {
    const f = files[req.url ?? ''];
    if (f) res.writeHead(200, { 'content-type': f[0] }).end(f[1]);
    else if (req.url === '/') {
      const nonce = makeNonce((n) => randomBytes(n));
      res.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml({
        cspSource: origin, nonce, scriptUri: `${origin}/dist/planWebview.js`, styleUri: `${origin}/dist/webview.css`,
        extraStyleUris: [`${origin}/dist/planWebview.css`], title: 'Plan port ranges', loading: 'Planning…',
      }));
    } else if (req.url === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return { server, origin, dir };
}

test('planner page renders in Chromium under the strict CSP and works by keyboard', { timeout: 60_000 }, async (t: TestContext) => {
  const chrome = await launchChromium(t);
  if (!chrome) return;
  const { browser } = chrome;
  const s = await serve();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors = pageErrors(page);
    await page.addInitScript(`
      window.__posted = []; window.__csp = []; window.__state = undefined;
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (x) => { window.__state = x; } });
    `);
    await page.goto(s.origin + '/');
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    const plan = samplePlan();
    plan.findings[0].message = HOSTILE;
    await page.evaluate((p) => window.postMessage({ type: 'plan', plan: p }, '*'), plan);
    await page.waitForSelector('#slices');

    const text = await page.locator('#app').innerText();
    assert.match(text, /Port ranges for 3 workers/);
    assert.match(text, /netns 40000–40999 · 900 usable ports · reserved 40500-40599 · TCP no-port-connect · Linux 6\.18/);
    assert.match(text, /need-exceeds-capacity/);
    assert.ok(text.includes(HOSTILE));
    assert.equal(await page.locator('#app img, #app b').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('svg.plan-chart g.pc-slice').count(), 3);
    assert.equal(await page.locator('svg.plan-chart g.pc-res').count(), 1);
    assert.equal(await page.locator('#slices tbody tr').count(), 3);
    assert.match(await page.locator('#snippet').innerText(), /#define EGRESS_PORT_LO 40000u/);

    // Keyboard: Tab to the buttons, into the tabs; arrows switch language; the worker select.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'copy-sysctl');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'copy-cli');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-c');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-python');
    assert.equal(await page.locator('#tab-python').getAttribute('aria-selected'), 'true');
    assert.match(await page.locator('#snippet').innerText(), /EGRESS_PORT_LO, EGRESS_PORT_HI = 40000, 40299/);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'worker');
    await page.selectOption('#worker', '2');
    assert.match(await page.locator('#snippet').innerText(), /EGRESS_PORT_LO, EGRESS_PORT_HI = 40700, 40999/);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'copy-code');
    await page.keyboard.press('Enter');
    await page.click('#insert-code');
    await page.click('#copy-sysctl');
    const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(posted.slice(1), [
      { type: 'copy', what: 'code', language: 'python', worker: 2 },
      { type: 'insert', language: 'python', worker: 2 },
      { type: 'copy', what: 'sysctl' },
    ]);
    await page.evaluate(() => window.postMessage({ type: 'done', message: 'Inserted worker 2 (Python).' }, '*'));
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Inserted worker 2 (Python).');
    const state = await page.evaluate(() => (window as unknown as { __state: { language: string; worker: number } }).__state);
    assert.deepEqual([state.language, state.worker], ['python', 2]);

    await page.evaluate(() => {
      const st = document.documentElement.style;
      st.setProperty('--vscode-editor-background', '#000000');
      st.setProperty('--vscode-editor-foreground', '#ffffff');
    });
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(0, 0, 0)');
    if (process.env.PRL_PLAN_SHOT) await page.screenshot({ path: process.env.PRL_PLAN_SHOT, fullPage: true });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(errors, []);
  } finally {
    await chrome.close();
    s.server.close();
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('isFromPlanPage accepts only the documented messages (the page is untrusted)', async () => {
  const { isFromPlanPage } = await import('../../server/src/protocol');
  const ok = [
    { type: 'ready' }, { type: 'copy', what: 'sysctl' }, { type: 'copy', what: 'cli' },
    { type: 'copy', what: 'code', language: 'rust', worker: 0 }, { type: 'insert', language: 'python', worker: 3 },
  ];
  const bad = [
    null, 'ready', {}, { type: 'copy' }, { type: 'copy', what: 'json' }, { type: 'copy', what: 'code', language: 'java', worker: 0 },
    { type: 'insert', language: 'c', worker: -1 }, { type: 'insert', language: 'c', worker: 1.5 }, { type: 'insert', language: 'c' },
    { type: 'eval', code: 'x' },
  ];
  for (const m of ok) assert.equal(isFromPlanPage(m), true, JSON.stringify(m));
  for (const m of bad) assert.equal(isFromPlanPage(m), false, JSON.stringify(m));
});
