// Packages the VS Code extension into port-range-lens-<version>.vsix with @vscode/vsce.
// Everything runs from dist/ (bundled by scripts/build.mjs), so the package is built
// with --no-dependencies and carries no node_modules. After packaging, the zip's
// listing is checked: the bundles, the wasm files, the queries, every contributed
// grammar, the icon and docs/diagnostics.md must be inside; node_modules, source maps and
// sources must not, and vsce must not warn.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const require = createRequire(import.meta.url);

/** Names of the entries of a zip file, read from its central directory. */
export function listZip(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** The bytes of one entry of a zip file (stored or deflated), found through its central directory. */
export function readZipEntry(file, name) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file (no end of central directory)`);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = buf.readUInt16LE(eocd + 10); n > 0; n--) {
    const nameLen = buf.readUInt16LE(p + 28);
    if (buf.toString('utf8', p + 46, p + 46 + nameLen) === name) {
      const method = buf.readUInt16LE(p + 10);
      const size = buf.readUInt32LE(p + 20);
      const local = buf.readUInt32LE(p + 42);
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${file}: ${name} uses compression method ${method}`);
    }
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  throw new Error(`${file}: no entry ${name}`);
}

/** What the .vsix must contain (paths inside the zip). */
export function requiredEntries(pkg) {
  const req = [
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/dist/web-tree-sitter.wasm',
    'extension/dist/tree-sitter-c.wasm',
    'extension/dist/tree-sitter-python.wasm',
    'extension/dist/tree-sitter-go.wasm',
    'extension/dist/runner.py', // the kernel side of "verify on this machine's kernel"
    'extension/dist/tree-sitter-cpp.wasm',
    'extension/dist/tree-sitter-rust.wasm',
  ];
  if (pkg.icon) req.push(`extension/${pkg.icon}`);
  for (const g of pkg.contributes?.grammars ?? []) req.push(`extension/${g.path.replace(/^\.\//, '')}`);
  for (const f of ['dist/webview.js', 'dist/webview.css', 'docs/diagnostics.md']) if (existsSync(join(root, f))) req.push(`extension/${f}`);
  for (const f of ['c.scm', 'cpp.scm', 'python.scm', 'go.scm', 'rust.scm']) if (existsSync(join(root, 'server/src/analysis/queries', f))) req.push(`extension/dist/queries/${f}`);
  return req;
}

/** Problems with a listing (empty = good). */
export function checkListing(names, pkg) {
  const set = new Set(names);
  const problems = requiredEntries(pkg).filter((r) => !set.has(r)).map((r) => `missing ${r}`);
  for (const n of names) {
    if (n.includes('node_modules/')) problems.push(`must not contain ${n}`);
    if (n.endsWith('.map') || n.endsWith('.ts')) problems.push(`must not contain ${n}`);
  }
  return problems;
}

function newest(dir) {
  let m = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    m = Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return m;
}

/** dist/ is missing a bundle or older than a source file: rebuild before packaging. */
export function distIsStale() {
  const bundles = ['dist/server.js', 'dist/extension.js'].map((f) => join(root, f));
  if (!bundles.every((f) => existsSync(f))) return true;
  const built = Math.min(...bundles.map((f) => statSync(f).mtimeMs));
  const src = Math.max(...['server/src', 'engine/src', 'client/src'].filter((d) => existsSync(join(root, d))).map((d) => newest(join(root, d))));
  return src > built;
}

export function packageVsix({ out } = {}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const file = out ?? join(root, `${pkg.name}-${pkg.version}.vsix`);
  if (distIsStale()) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  const vsce = join(require.resolve('@vscode/vsce/package.json').replace(/package\.json$/, ''), 'vsce');
  const r = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--out', file],
    // No answer on stdin: a prompt (vsce asks before packaging with a warning) fails the run.
    { cwd: root, encoding: 'utf8', input: '' },
  );
  if (r.status !== 0) throw new Error(`vsce package failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  // vsce prints " WARNING  ..." for what the marketplace would flag: none allowed.
  const warnings = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /\bWARNING\b/.test(l));
  if (warnings.length) throw new Error(`vsce package warned:\n  ${warnings.join('\n  ')}`);
  const names = listZip(file);
  const problems = checkListing(names, pkg);
  if (problems.length) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  return { file, entries: names.length, bytes: statSync(file).size };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const { file, entries, bytes } = packageVsix({ out: process.argv[2] });
    console.log(`package-vsix: ${file} (${entries} files, ${(bytes / 1024 / 1024).toFixed(2)} MB)`);
    console.log(`  install: code --install-extension ${file.replace(root + '/', '')}`);
  } catch (e) {
    console.error(`package-vsix: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
