// Bundles every front end with esbuild into dist/ and copies the runtime assets
// (tree-sitter wasm files and detection queries) beside the bundles. The bundles are
// minified (they are what the .vsix and the npm package ship); each has a linked source
// map beside it for debugging, and both packages leave the .map files out.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minify: true,
  logLevel: 'warning',
  // web-tree-sitter's ESM build needs import.meta.url, empty in a CJS bundle: use its .cjs file.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};

// cli.js and server.js are the npm package's two bins (port-range-lens, port-range-lens-server).
const bin = { ...node, banner: { js: '#!/usr/bin/env node' } };

// dist/cli.js holds what `check` needs; it loads its sibling bundles only when a run needs
// them (server/src/cli/bundles.ts): dist/analyzer.js (tree-sitter, the languages, the engine's
// judgements) when a file needs analysing, dist/commands.js (simulate, plan, pressure, decode)
// when one of those runs. A `check --cache` run over an unchanged tree loads cli.js alone.
const siblings = { '../analysis/index': './analyzer.js', './commands': './commands.js' };
const lazyBundles = {
  name: 'lazy-bundles',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/(analysis\/index|commands)$/ }, (args) =>
      args.importer.endsWith(join('cli', 'bundles.ts')) && siblings[args.path] ? { path: siblings[args.path], external: true } : undefined);
  },
};

const entries = [
  { in: 'server/src/cli.ts', out: 'dist/cli.js', opts: { ...bin, plugins: [lazyBundles] } },
  { in: 'server/src/analysis/index.ts', out: 'dist/analyzer.js', opts: node },
  { in: 'server/src/cli/commands.ts', out: 'dist/commands.js', opts: node },
  { in: 'server/src/server.ts', out: 'dist/server.js', opts: bin },
  { in: 'client/src/extension.ts', out: 'dist/extension.js', opts: { ...node, external: ['vscode'] } },
  {
    in: 'client/src/webview/pressure.ts',
    out: 'dist/pressure.js',
    opts: { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: false, logLevel: 'warning', minify: true },
  },
  {
    in: 'client/src/webview/main.ts',
    out: 'dist/webview.js',
    opts: { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: false, logLevel: 'warning', minify: true },
  },
  {
    in: 'client/src/planPage/main.ts',
    out: 'dist/planWebview.js',
    opts: { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: false, logLevel: 'warning', minify: true },
  },
];

const missing = [];
await Promise.all(
  entries.map((e) => {
    if (!existsSync(e.in)) { missing.push(e.in); return null; }
    return build({ ...e.opts, entryPoints: [e.in], outfile: e.out });
  }),
);

// Runtime assets: the parser runtime, one grammar per language, and the .scm queries.
const wasm = [
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  require.resolve('tree-sitter-c/tree-sitter-c.wasm'),
  require.resolve('tree-sitter-python/tree-sitter-python.wasm'),
  require.resolve('tree-sitter-go/tree-sitter-go.wasm'),
  require.resolve('tree-sitter-cpp/tree-sitter-cpp.wasm'),
  require.resolve('tree-sitter-rust/tree-sitter-rust.wasm'),
];
for (const f of wasm) copyFileSync(f, join('dist', f.split('/').pop()));
// The kernel runner of simulate --verify (server/src/kernel/netns.ts finds it beside the bundle).
copyFileSync('server/src/kernel/runner.py', 'dist/runner.py');
const q = 'server/src/analysis/queries';
if (existsSync(q)) {
  mkdirSync('dist/queries', { recursive: true });
  for (const f of readdirSync(q)) if (f.endsWith('.scm')) copyFileSync(join(q, f), join('dist/queries', f));
}
if (existsSync('client/src/webview/style.css')) copyFileSync('client/src/webview/style.css', 'dist/webview.css');
if (existsSync('client/src/planPage/style.css')) copyFileSync('client/src/planPage/style.css', 'dist/planWebview.css');
if (missing.length) console.log(`build: not built yet (entry missing): ${missing.join(', ')}`);
console.log('build: dist/ ready');
