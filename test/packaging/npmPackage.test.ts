/**
 * The npm package: `npm pack` gives a tarball holding only the minified bundles, the wasm
 * files, the queries and the docs; installed globally from an empty directory, both bins
 * work (the CLI checks a directory, the server answers an LSP initialize over stdio).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEAN_C, PKG, ROOT, installGlobal, lspInitialize, npmModule, tarball, tempDir } from './helpers';

function tarList(tgz: string): string[] {
  const r = spawnSync('tar', ['-tzf', tgz], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((p) => p.replace(/^package\//, ''));
}

test('npm pack: only dist/ bundles, wasm, queries, README/LICENSE/CHANGELOG and the linked docs', { timeout: 120_000 }, async () => {
  const tgz = await tarball();
  assert.match(tgz, new RegExp(`${PKG.name}-${PKG.version.replace(/\./g, '\\.')}\\.tgz$`));
  const paths = tarList(tgz);
  for (const want of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/cli.js', 'dist/analyzer.js', 'dist/commands.js', 'dist/server.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-c.wasm', 'dist/queries/c.scm', 'docs/diagnostics.md', 'docs/ci.md']) {
    assert.ok(paths.includes(want), `missing ${want}`);
  }
  for (const p of paths) {
    assert.ok(!/\.(map|ts)$/.test(p), `source or map ${p}`);
    assert.ok(!p.startsWith('node_modules/') && !p.startsWith('server/') && !p.startsWith('test/'), `must not ship ${p}`);
    assert.notEqual(p, 'dist/extension.js');
  }
  const shipped = JSON.parse(spawnSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }).stdout);
  assert.equal(shipped.version, PKG.version);
  assert.equal(shipped.private, undefined);
  assert.deepEqual(shipped.dependencies ?? {}, {}, 'runtime dependencies: everything is bundled');
  assert.deepEqual(Object.keys(shipped.bin).sort(), ['port-range-lens', 'port-range-lens-server']);
  for (const k of ['repository', 'homepage', 'bugs', 'keywords']) assert.ok(shipped[k], `package.json has no ${k}`);
  // Every doc the README links to is inside.
  const m = await npmModule();
  const linked = m.linkedDocs(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  assert.ok(linked.length >= 5, `README links ${linked.join(', ')}`);
  for (const d of linked) assert.ok(paths.includes(d), `README links ${d}, not in the tarball`);
  // Minified: long lines (only the usage texts' template literals keep their newlines);
  // an unminified bundle averages about 40 characters a line.
  for (const f of ['cli.js', 'server.js', 'analyzer.js', 'commands.js']) {
    const js = readFileSync(join(ROOT, 'dist', f), 'utf8');
    if (f === 'cli.js' || f === 'server.js') assert.ok(js.startsWith('#!/usr/bin/env node\n'), `${f} has no #! line`);
    const perLine = js.length / js.split('\n').length;
    assert.ok(perLine > 500, `dist/${f}: ${perLine.toFixed(0)} characters a line, not minified`);
  }
  // The checker catches what it must.
  const bad = m.checkNpmListing([...paths, 'dist/cli.js.map', 'src/x.ts'], { ...PKG, dependencies: { left: '1' } }, '');
  assert.ok(bad.includes('must not contain dist/cli.js.map'));
  assert.ok(bad.includes('must not contain src/x.ts'));
  assert.ok(bad.some((p) => p.startsWith('runtime dependencies left')));
  assert.ok(m.checkNpmListing(paths.filter((p) => p !== 'dist/server.js'), PKG, '').includes('missing dist/server.js'));
  for (const f of ['dist/analyzer.js', 'dist/commands.js']) assert.ok(m.checkNpmListing(paths.filter((p) => p !== f), PKG, '').includes(`missing ${f}`));
});

test('npm install -g of the tarball: port-range-lens --version/check and port-range-lens-server --stdio', { timeout: 180_000 }, async () => {
  const prefix = await installGlobal();
  const bin = join(prefix, 'bin');
  const run = (args: string[]) => spawnSync(join(bin, 'port-range-lens'), args, { encoding: 'utf8', cwd: tempDir('prl-cwd-') });

  const v = run(['--version']);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), PKG.version);

  // A directory with findings: exit 1, compiler-style lines; a clean file: exit 0.
  const bad = run(['check', join(ROOT, 'examples', 'c'), '--no-progress']);
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stdout, /egress\.c:\d+:\d+: error bad-optlen: /);
  assert.match(bad.stdout, /call sites in 3 files/);
  const dir = tempDir('prl-clean-');
  const clean = join(dir, 'ok.c');
  writeFileSync(clean, CLEAN_C);
  const ok = run(['check', clean, '--format', 'json']);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const doc = JSON.parse(ok.stdout);
  assert.equal(doc.callSites.length, 1);
  assert.deepEqual([doc.callSites[0].value.lo, doc.callSites[0].value.hi], [40000, 40511]);

  // A subcommand from the CLI's second bundle (dist/commands.js).
  const decoded = run(['decode', '2628033600']);
  assert.equal(decoded.status, 0, decoded.stderr);
  assert.match(decoded.stdout, /lo 40000 {2}hi 40100/);

  const bad2 = run(['check', '--kernel', 'banana', dir]);
  assert.equal(bad2.status, 2, 'a bad flag value exits 2');

  const init = await lspInitialize(join(bin, 'port-range-lens-server'), ['--stdio']);
  assert.equal(init.serverInfo?.name, 'port-range-lens');
  assert.equal(init.serverInfo?.version, PKG.version);
  assert.ok(init.capabilities.hoverProvider);
});
