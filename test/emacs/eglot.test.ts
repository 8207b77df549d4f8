/**
 * A third LSP client: Emacs (batch) with eglot starts `node dist/server.js --stdio`, gets
 * diagnostics and a hover. Skips with a printed reason where emacs or eglot is missing
 * (Debian: apt-get install emacs-nox elpa-eglot).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, SERVER_JS } from '../server/lspClient';

const SWAPPED = [
  '#include <sys/socket.h>',
  '#include <netinet/in.h>',
  'int swapped(int fd) {',
  '  unsigned int v = (40000u << 16) | 40511u;',
  '  return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));',
  '}',
  '',
].join('\n');

function skipReason(): string | null {
  const v = spawnSync('emacs', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) return 'emacs is not installed (apt-get install emacs-nox elpa-eglot)';
  const e = spawnSync('emacs', ['--batch', '--eval', "(progn (require 'eglot) (princ \"ok\"))"], { encoding: 'utf8' });
  if (!e.stdout.includes('ok')) return 'eglot is not available to emacs (apt-get install elpa-eglot)';
  return null;
}

test('Emacs eglot (batch) gets diagnostics and a hover from dist/server.js --stdio', { timeout: 60_000 }, (t) => {
  const reason = skipReason();
  if (reason) {
    console.log(`# skipped: ${reason}`);
    t.skip(reason);
    return;
  }
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'prl-eglot-'));
  try {
    const file = join(dir, 'swapped.c');
    const out = join(dir, 'out.json');
    writeFileSync(file, SWAPPED);
    const r = spawnSync('emacs', ['--batch', '-l', join(__dirname, 'client.el')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 45_000,
      env: { ...process.env, HOME: dir, PRL_SERVER: SERVER_JS, PRL_FILE: file, PRL_OUT: out },
    });
    assert.ok(existsSync(out), `emacs wrote no report (status ${r.status}): ${r.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { error?: string; diagnostics?: string[]; hover?: string };
    assert.equal(report.error, undefined, `${report.error}\n${r.stderr.slice(-2000)}`);
    assert.ok(report.diagnostics?.includes('swapped-halves'), JSON.stringify(report.diagnostics));
    assert.ok(report.hover?.includes('lo 40511') && report.hover.includes('EINVAL'), report.hover);
    assert.ok(report.hover!.includes('Linux 6.3'), `eglot-workspace-configuration (kernel 6.3) reached the server: ${report.hover}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
