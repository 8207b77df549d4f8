/** The .vsix: built by scripts/package-vsix.mjs with vsce, listed and checked entry by entry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(__dirname, '..', '..');

interface PackageModule {
  packageVsix(o: { out: string }): { file: string; entries: number; bytes: number };
  listZip(file: string): string[];
  checkListing(names: string[], pkg: unknown): string[];
}

test('the .vsix carries the bundles, wasm, queries, grammars and docs, and no node_modules', { timeout: 120_000 }, async () => {
  const spec = pathToFileURL(join(ROOT, 'scripts', 'package-vsix.mjs')).href;
  const m = (await import(spec)) as PackageModule;
  const dir = mkdtempSync(join(tmpdir(), 'prl-vsix-'));
  try {
    const out = join(dir, 'test.vsix');
    const r = m.packageVsix({ out });
    const names = m.listZip(out);
    assert.equal(names.length, r.entries);
    for (const want of [
      'extension/package.json', 'extension/dist/server.js', 'extension/dist/extension.js',
      'extension/dist/web-tree-sitter.wasm', 'extension/dist/tree-sitter-c.wasm', 'extension/dist/tree-sitter-python.wasm',
      'extension/dist/tree-sitter-go.wasm', 'extension/dist/tree-sitter-cpp.wasm', 'extension/dist/tree-sitter-rust.wasm',
      'extension/dist/queries/c.scm',
    ]) assert.ok(names.includes(want), `missing ${want}`);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const g of pkg.contributes.grammars ?? []) assert.ok(names.includes(`extension/${g.path.replace(/^\.\//, '')}`), g.path);
    assert.ok(!names.some((n) => n.includes('node_modules')), 'node_modules inside the vsix');
    assert.ok(!names.some((n) => /\.(ts|map)$/.test(n)), 'sources or source maps inside the vsix');
    assert.ok(r.bytes < 10 * 1024 * 1024, `vsix is ${r.bytes} bytes`);
    // The checker itself must catch a bad listing.
    assert.ok(m.checkListing(['extension/node_modules/x/index.js'], pkg).some((p) => p.includes('node_modules')));
    assert.ok(m.checkListing([], pkg).includes('missing extension/dist/server.js'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
