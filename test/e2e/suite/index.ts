/**
 * The extension-test entry point (what @vscode/test-electron takes as extensionTestsPath,
 * and what code-server's workbench loads from the `payload` URL): runs the mocha suite
 * inside the real extension host and resolves/rejects with the outcome.
 * Bundled to CJS by test/e2e/harness.ts; `vscode` and `mocha` stay external.
 */
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';

interface Outcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  ms: number;
  error?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: function QuietReporter() { /* we log ourselves */ } as unknown as Mocha.ReporterConstructor });
  // Install describe/it for the suite module, then load it (esbuild keeps require() lazy).
  // PRL_E2E_GREP=<regexp> runs only the matching tests (e.g. while working on one command).
  if (process.env.PRL_E2E_GREP) mocha.grep(new RegExp(process.env.PRL_E2E_GREP));
  mocha.suite.emit('pre-require', globalThis, 'extension.e2e', mocha);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./extension.e2e');
  const outcomes: Outcome[] = [];
  const t0 = Date.now();
  return new Promise((resolveRun, rejectRun) => {
    const runner = mocha.run((failures) => {
      const passed = outcomes.filter((o) => o.state === 'passed').length;
      const pending = outcomes.filter((o) => o.state === 'pending').length;
      const summary = `[e2e] ${passed} passing, ${failures} failing, ${pending} pending (${Date.now() - t0} ms)`;
      console.log(summary);
      const file = process.env.PRL_E2E_RESULTS;
      if (file) {
        try {
          writeFileSync(file, JSON.stringify({ passed, failures, pending, outcomes }, null, 2));
        } catch {
          /* best effort */
        }
      }
      if (failures > 0) rejectRun(new Error(`${failures} e2e test(s) failed`));
      else resolveRun();
    });
    runner.on('pass', (t) => {
      outcomes.push({ title: t.fullTitle(), state: 'passed', ms: t.duration ?? 0 });
      console.log(`[e2e] ok ${t.fullTitle()} (${t.duration ?? 0} ms)`);
    });
    runner.on('fail', (t, err: Error) => {
      outcomes.push({ title: t.fullTitle(), state: 'failed', ms: t.duration ?? 0, error: err?.stack ?? String(err) });
      console.log(`[e2e] FAIL ${t.fullTitle()}: ${err?.stack ?? err}`);
    });
    runner.on('pending', (t) => {
      outcomes.push({ title: t.fullTitle(), state: 'pending', ms: 0 });
      console.log(`[e2e] skip ${t.fullTitle()}`);
    });
  });
}
