/**
 * One version: package.json's is the one the CLI prints, the server reports in serverInfo,
 * SARIF names as the tool's version, the .vsix and the npm tarball carry, and the CHANGELOG
 * has a section for; no source file keeps its own copy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEAN_C, PKG, ROOT, lspInitialize, tarball, tempDir, vsix, vsixModule } from './helpers';

const CLI = join(ROOT, 'dist', 'cli.js');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

test('CLI, server, SARIF, .vsix and npm tarball all carry package.json\'s version', { timeout: 120_000 }, async () => {
  const v = PKG.version;
  assert.match(v, /^\d+\.\d+\.\d+(-[\w.]+)?$/);

  const cli = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
  assert.equal(cli.stdout.trim(), v);

  const init = await lspInitialize(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio']);
  assert.equal(init.serverInfo?.version, v);

  const dir = tempDir('prl-version-');
  writeFileSync(join(dir, 'ok.c'), CLEAN_C);
  const sarif = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'sarif'], { encoding: 'utf8' });
  const driver = JSON.parse(sarif.stdout).runs[0].tool.driver;
  assert.equal(driver.semanticVersion, v);
  if ('version' in driver) assert.equal(driver.version, v);

  const z = await vsixModule();
  const file = await vsix();
  assert.equal(JSON.parse(z.readZipEntry(file, 'extension/package.json').toString('utf8')).version, v);
  assert.match(z.readZipEntry(file, 'extension.vsixmanifest').toString('utf8'), new RegExp(`<Identity [^>]*Version="${v.replace(/\./g, '\\.')}"`));

  const tgz = await tarball();
  assert.ok(tgz.endsWith(`-${v}.tgz`));
  assert.equal(JSON.parse(spawnSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }).stdout).version, v);

  assert.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), new RegExp(`^## ${v.replace(/\./g, '\\.')}\\b`, 'm'), 'a CHANGELOG section for this version');
});

test('no source file keeps its own copy of the version', () => {
  const literal = new RegExp(`['"\`]${PKG.version.replace(/\./g, '\\.')}['"\`]`);
  const copies = ['server/src', 'client/src', 'engine/src', 'action']
    .flatMap((d) => sources(join(ROOT, d)))
    .filter((f) => literal.test(readFileSync(f, 'utf8')));
  assert.deepEqual(copies.map((f) => f.slice(ROOT.length + 1)), []);
});
