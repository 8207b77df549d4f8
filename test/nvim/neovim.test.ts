/**
 * A second, non-VS Code LSP client: headless Neovim (Debian's 0.7.2, vim.lsp.start_client)
 * starts `node dist/server.js --stdio`, gets diagnostics and a hover. Skips with a printed
 * reason where nvim is not installed (.ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
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

function nvimVersion(): string | null {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0]! : null;
}

test('Neovim (headless) gets diagnostics and a hover from dist/server.js --stdio', { timeout: 60_000 }, (t) => {
  const version = nvimVersion();
  if (!version) {
    console.log('# skipped: nvim is not installed (apt-get install neovim)');
    t.skip('nvim is not installed (apt-get install neovim)');
    return;
  }
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'prl-nvim-'));
  try {
    const file = join(dir, 'swapped.c');
    const out = join(dir, 'out.json');
    writeFileSync(file, SWAPPED);
    const r = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${join(__dirname, 'client.lua')}`, file], {
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
    });
    assert.ok(existsSync(out), `nvim wrote no report (status ${r.status}, ${version}): ${r.stderr}${r.stdout}`);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      error?: string; diagnostics: { code: string; lnum: number; href: string | null }[]; hover: string | null;
    };
    assert.equal(report.error, undefined, report.error);
    assert.equal(r.status, 0);
    const d = report.diagnostics.find((x) => x.code === 'swapped-halves');
    assert.ok(d, `diagnostics: ${JSON.stringify(report.diagnostics)}`);
    assert.match(String(d.href), /diagnostics\.md#swapped-halves$/);
    assert.ok(d.lnum === 3 || d.lnum === 4, `line ${d.lnum}`);
    assert.ok(typeof report.hover === 'string' && report.hover.includes('lo 40511') && report.hover.includes('EINVAL'), `hover: ${report.hover}`);
    assert.ok(report.hover.includes('Linux 6.8'), `settings (kernel 6.8) reached the server: ${JSON.stringify(report.hover)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
