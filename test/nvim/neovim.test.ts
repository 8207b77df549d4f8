/**
 * A second, non-VS Code LSP client: headless Neovim (Debian's 0.7.2, vim.lsp.start_client)
 * starts `node dist/server.js --stdio`, gets diagnostics and a hover. Skips with a printed
 * reason where nvim is not installed (.ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_JS } from '../server/lspClient';
import { runEditorClient } from '../server/editorClient';

function nvimVersion(): string | null {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0]! : null;
}

interface Report { error?: string; diagnostics: { code: string; lnum: number; href: string | null }[]; hover: string | null }

test('Neovim (headless) gets diagnostics and a hover from dist/server.js --stdio', { timeout: 60_000 }, (t) => {
  const version = nvimVersion();
  runEditorClient<Report>(t, version ? null : 'nvim is not installed (apt-get install neovim)', 'prl-nvim-',
    ({ dir, file, out }) => spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${join(__dirname, 'client.lua')}`, file], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 45_000,
      env: {
        ...process.env,
        PRL_SERVER: SERVER_JS,
        PRL_OUT: out,
        XDG_DATA_HOME: join(dir, 'data'),
        XDG_STATE_HOME: join(dir, 'state'),
        XDG_CACHE_HOME: join(dir, 'cache'),
        XDG_CONFIG_HOME: join(dir, 'config'),
      },
    }),
    (r) => `nvim wrote no report (status ${r.status}, ${version}): ${r.stderr}${r.stdout}`,
    (report, r) => {
      assert.equal(report.error, undefined, report.error);
      assert.equal(r.status, 0);
      const d = report.diagnostics.find((x) => x.code === 'swapped-halves');
      assert.ok(d, `diagnostics: ${JSON.stringify(report.diagnostics)}`);
      assert.match(String(d.href), /diagnostics\.md#swapped-halves$/);
      assert.ok(d.lnum === 3 || d.lnum === 4, `line ${d.lnum}`);
      assert.ok(typeof report.hover === 'string' && report.hover.includes('lo 40511') && report.hover.includes('EINVAL'), `hover: ${report.hover}`);
      assert.ok(report.hover.includes('Linux 6.8'), `settings (kernel 6.8) reached the server: ${JSON.stringify(report.hover)}`);
    });
});
