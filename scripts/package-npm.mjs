// Packs the npm package (the CLI and the language server) into port-range-lens-<version>.tgz
// beside the .vsix, with `npm pack` (what .npmignore lets through), then checks the tarball's
// listing: both bins and the bundles the CLI loads, the wasm files and queries,
// README/LICENSE/CHANGELOG, every doc the README links to; no source maps, no extension or webview bundle, no sources; and no runtime
// `dependencies` in package.json (everything is bundled into dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distIsStale } from './package-vsix.mjs';

const root = resolve(import.meta.dirname, '..');

/** Relative .md links of a markdown text (images and external links left out). */
export function linkedDocs(markdown) {
  const out = new Set();
  for (const m of markdown.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
    const target = m[1];
    if (/^[a-z]+:/i.test(target) || !target.endsWith('.md')) continue;
    out.add(target.replace(/^\.\//, ''));
  }
  return [...out].sort();
}

/** What the tarball must contain (paths inside the package, without the `package/` prefix). */
export function requiredNpmEntries(pkg, readme) {
  const req = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/analyzer.js', 'dist/commands.js', 'dist/queries/c.scm', 'dist/queries/python.scm', 'dist/queries/go.scm']);
  for (const f of Object.values(pkg.bin ?? {})) req.add(f.replace(/^\.\//, ''));
  for (const f of ['web-tree-sitter', 'tree-sitter-c', 'tree-sitter-python', 'tree-sitter-go']) req.add(`dist/${f}.wasm`);
  for (const d of linkedDocs(readme)) req.add(d);
  return [...req];
}

/** Problems with a tarball listing and the manifest (empty = good). */
export function checkNpmListing(paths, pkg, readme) {
  const set = new Set(paths);
  const problems = requiredNpmEntries(pkg, readme).filter((r) => !set.has(r)).map((r) => `missing ${r}`);
  const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/(cli|analyzer|commands|server)\.js|dist\/[\w-]+\.wasm|dist\/queries\/\w+\.scm|docs\/[\w-]+\.md)$/;
  for (const p of paths) if (!allowed.test(p)) problems.push(`must not contain ${p}`);
  if (pkg.private) problems.push('package.json is "private": npm refuses to publish it');
  if (pkg.dependencies && Object.keys(pkg.dependencies).length) problems.push(`runtime dependencies ${Object.keys(pkg.dependencies).join(', ')}: everything must be bundled into dist/`);
  for (const [name, file] of Object.entries(pkg.bin ?? {})) {
    const abs = join(root, file);
    if (existsSync(abs) && !readFileSync(abs, 'utf8').startsWith('#!/usr/bin/env node\n')) problems.push(`bin ${name} (${file}) has no #!/usr/bin/env node line`);
  }
  return problems;
}

export function packageNpm({ destination = root } = {}) {
  if (distIsStale() || !existsSync(join(root, 'dist/cli.js'))) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  // dist/ is fresh: the prepack build (for a bare `npm pack`) is not needed here.
  const r = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const [info] = JSON.parse(r.stdout);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const paths = info.files.map((f) => f.path);
  const problems = checkNpmListing(paths, pkg, readme);
  const file = join(destination, info.filename);
  if (problems.length) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  return { file, entries: paths.length, bytes: statSync(file).size, unpacked: info.unpackedSize };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const { file, entries, bytes, unpacked } = packageNpm();
    console.log(`package-npm: ${file} (${entries} files, ${(bytes / 1024 / 1024).toFixed(2)} MB, ${(unpacked / 1024 / 1024).toFixed(2)} MB unpacked)`);
    console.log(`  install: npm install -g ${file.replace(root + '/', './')}`);
  } catch (e) {
    console.error(`package-npm: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
