/**
 * A third LSP client: Emacs (batch) with eglot starts `node dist/server.js --stdio`, gets
 * diagnostics and a hover. Skips with a printed reason where emacs or eglot is missing
 * (Debian: apt-get install emacs-nox elpa-eglot).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_JS } from '../server/lspClient';
import { runEditorClient } from '../server/editorClient';

function skipReason(): string | null {
  const v = spawnSync('emacs', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) return 'emacs is not installed (apt-get install emacs-nox elpa-eglot)';
  const e = spawnSync('emacs', ['--batch', '--eval', "(progn (require 'eglot) (princ \"ok\"))"], { encoding: 'utf8' });
  if (!e.stdout.includes('ok')) return 'eglot is not available to emacs (apt-get install elpa-eglot)';
  return null;
}

interface Report { error?: string; diagnostics?: string[]; hover?: string }

test('Emacs eglot (batch) gets diagnostics and a hover from dist/server.js --stdio', { timeout: 60_000 }, (t) => {
  runEditorClient<Report>(t, skipReason(), 'prl-eglot-',
    ({ dir, file, out }) => spawnSync('emacs', ['--batch', '-l', join(__dirname, 'client.el')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 45_000,
      env: { ...process.env, HOME: dir, PRL_SERVER: SERVER_JS, PRL_FILE: file, PRL_OUT: out },
    }),
    (r) => `emacs wrote no report (status ${r.status}): ${r.stderr.slice(-2000)}`,
    (report, r) => {
      assert.equal(report.error, undefined, `${report.error}\n${r.stderr.slice(-2000)}`);
      assert.ok(report.diagnostics?.includes('swapped-halves'), JSON.stringify(report.diagnostics));
      assert.ok(report.hover?.includes('lo 40511') && report.hover.includes('EINVAL'), report.hover);
      assert.ok(report.hover!.includes('Linux 6.3'), `eglot-workspace-configuration (kernel 6.3) reached the server: ${report.hover}`);
    });
});
