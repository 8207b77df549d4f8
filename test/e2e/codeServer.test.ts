/**
 * Runs the e2e suite (test/e2e/suite) inside code-server's real extension host:
 * the workbench loads the extension from this checkout (extensionDevelopmentPath) and
 * the bundled mocha run() module (extensionTestsPath) from the `payload` URL, and
 * reports the outcome through window.codeAutomationExit(code).
 * code-server 4.100.3 is provisioned into .cache/code-server on first use.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  bundleSuite,
  codeServerForTest,
  ensureBuilt,
  extensionTestUrl,
  launchChromium,
  scratchWorkspace,
  snapshotExtension,
  startCodeServer,
} from './harness';

test('e2e suite in code-server (real VS Code 1.100.3 extension host)', { timeout: 300_000 }, async (t: TestContext) => {
  const t0 = Date.now();
  const bin = await codeServerForTest(t);
  if (!bin) return;
  ensureBuilt();
  const ext = snapshotExtension();
  const suite = await bundleSuite();
  const ws = scratchWorkspace();
  const results = join(tmpdir(), `prl-e2e-results-${process.pid}.json`);
  const cs = await startCodeServer({ bin, env: { PRL_E2E_RESULTS: results, ...(process.env.PRL_E2E_GREP ? { PRL_E2E_GREP: process.env.PRL_E2E_GREP } : {}) } });
  const chromium = await launchChromium();
  const lines: string[] = [];
  try {
    const page = await chromium.browser.newPage();
    page.on('console', (m) => {
      const s = m.text();
      if (s.includes('[e2e]')) lines.push(s.slice(s.indexOf('[e2e]')));
    });
    const exit = new Promise<number>((res) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => res(code));
    });
    const tStart = Date.now();
    await page.goto(extensionTestUrl(cs, ws, ext, suite));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`no codeAutomationExit in 240 s; last lines:\n${lines.slice(-20).join('\n')}\ncode-server log:\n${cs.log().slice(-3000)}`)), 240_000);
    });
    const code = await Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
    const runMs = Date.now() - tStart;
    for (const l of lines) t.diagnostic(l);
    t.diagnostic(`code-server e2e: exit ${code}, suite run ${(runMs / 1000).toFixed(1)} s, total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const failures = lines.filter((l) => l.startsWith('[e2e] FAIL'));
    assert.deepEqual(failures, [], failures.join('\n\n'));
    assert.equal(code, 0, `extension tests exit code (log:\n${lines.join('\n')})`);
    const summary = lines.find((l) => /\[e2e\] \d+ passing/.test(l));
    assert.ok(summary, 'the suite reported its summary');
    assert.match(summary, /\[e2e\] [1-9]\d* passing, 0 failing/);
    if (existsSync(results)) {
      const r = JSON.parse(readFileSync(results, 'utf8')) as { passed: number; failures: number };
      assert.equal(r.failures, 0);
    }
  } finally {
    await chromium.close();
    await cs.stop();
    rmSync(dirname(ws), { recursive: true, force: true });
    rmSync(results, { force: true });
  }
});
