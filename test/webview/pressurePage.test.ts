/**
 * The live port-pressure page in headless Chromium under the panel's CSP: samples posted one
 * after another draw the chart, fill the destination table and mark the declared ranges;
 * hostile strings are text; no CSP violation.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { launchChromium, pageErrors } from './chromium';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { makeNonce, pageHtml } from '../../client/src/webview/html';
import type { PressureForEditorView } from '../../server/src/protocol';

const HOSTILE = `</script><img src=x onerror="window.__pwned=1"><b>bold</b>`;

function sample(time: number, inUse: number): PressureForEditorView {
  return {
    time, source: 'ss', sockets: 500, note: null, rates: { 'tcp 10.0.0.1:443': 25 },
    declared: [{ lo: 40000, hi: 40511, at: [`${HOSTILE}.c:3`] }],
    report: {
      version: 1, netnsRange: { lo: 32768, hi: 60999 }, reserved: '',
      destinations: [
        { proto: 'tcp', destination: '10.0.0.1:443', inUse, timeWait: 40, capacity: 512, usedFraction: inUse / 512, secondsToExhaustion: (512 - inUse) / 25 },
        { proto: 'udp', destination: '[2001:db8::53]:53', inUse: 3, timeWait: 0, capacity: 28229, usedFraction: 3 / 28229, secondsToExhaustion: null },
      ],
      ranges: [{ lo: 40000, hi: 40511, inUse, capacity: 512, usedFraction: inUse / 512 }],
    },
  };
}

test('pressure page renders samples in Chromium under the strict CSP', { timeout: 60_000 }, async (t: TestContext) => {
  const chrome = await launchChromium(t);
  if (!chrome) return;
  const dir = mkdtempSync(join(tmpdir(), 'prl-pressure-page-'));
  await build({ entryPoints: ['client/src/webview/pressure.ts'], bundle: true, platform: 'browser', target: 'es2022', format: 'iife', minify: true, outfile: join(dir, 'pressure.js'), logLevel: 'error' });
  let origin = '';
  const server = createServer((req, res) => {
    if (req.url === '/dist/pressure.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(dir, 'pressure.js')));
    else if (req.url === '/favicon.ico') res.writeHead(204).end();
    else if (req.url === '/dist/webview.css') res.writeHead(200, { 'content-type': 'text/css' }).end(readFileSync('client/src/webview/style.css'));
    else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml({ cspSource: origin, nonce: makeNonce((n) => randomBytes(n)), scriptUri: `${origin}/dist/pressure.js`, styleUri: `${origin}/dist/webview.css`, title: 'Port pressure', loading: 'Reading…' }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  try {
    const page = await chrome.browser.newPage({ viewport: { width: 1000, height: 900 } });
    const errors = pageErrors(page);
    await page.addInitScript(`
      window.__posted = []; window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
    `);
    await page.goto(origin + '/');
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    for (const [i, n] of [100, 200, 300].entries()) {
      await page.evaluate((s) => window.postMessage({ type: 'sample', view: s }, '*'), sample(1000 + i * 3000, n));
    }
    await page.waitForFunction(() => (window as unknown as { __portRangeLensPressure?: number }).__portRangeLensPressure === 3);
    assert.equal(await page.locator('#pressure-table tbody tr').count(), 2);
    assert.match(await page.locator('#pressure-table tbody tr').first().innerText(), /10\.0\.0\.1:443\s+tcp\s+300\s+40\s+512\s+58\.6%\s+25\.0\/s\s+8 s/);
    assert.match(await page.locator('#declared-table tbody tr').innerText(), /40000–40511/);
    assert.ok((await page.locator('#declared-table').innerText()).includes(HOSTILE));
    assert.equal(await page.locator('#app img, #app b').count(), 0);
    assert.equal(await page.locator('#declared-table svg.usage rect').count(), 2);
    const painted = await page.evaluate(() => {
      const c = document.getElementById('pressure-chart') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(painted > 1000, `chart painted (${painted} pixels)`);
    await page.evaluate(() => window.postMessage({ type: 'error', error: 'ss not found' }, '*'));
    await page.waitForSelector('#pressure-error');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(errors, []);
  } finally {
    await chrome.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
