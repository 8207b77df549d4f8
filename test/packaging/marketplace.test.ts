/**
 * Marketplace readiness of the .vsix: `vsce package` without a warning (package-vsix.mjs
 * fails on one), then the checks Open VSX's `ovsx publish` and the Marketplace apply to a
 * manifest (the ovsx tool itself needs the network to publish or verify): publisher, name,
 * version, engines, license, repository, a 128x128 PNG icon, gallery banner, categories,
 * no `*` activation, no node_modules; and the README in marketplace order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKG, ROOT, vsix, vsixModule } from './helpers';

/** The categories the VS Code Marketplace accepts. */
const CATEGORIES = ['Azure', 'Data Science', 'Debuggers', 'Extension Packs', 'Education', 'Formatters', 'Keymaps', 'Language Packs',
  'Linters', 'Machine Learning', 'Notebooks', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing', 'Themes',
  'Visualization', 'AI', 'Chat', 'Other'];

/** Width and height of a PNG (from its IHDR chunk), or null when the bytes are not a PNG. */
function pngSize(b: Buffer): { width: number; height: number } | null {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (b.length < 24 || !b.subarray(0, 8).equals(sig) || b.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The ovsx/Marketplace manifest checks; returns the problems (empty = publishable). */
function manifestProblems(m: Record<string, any>, names: string[], icon: Buffer | null): string[] {
  const p: string[] = [];
  const id = /^[a-z0-9][a-z0-9-]*$/i;
  if (!id.test(m.publisher ?? '')) p.push(`publisher "${m.publisher}"`);
  if (!id.test(m.name ?? '')) p.push(`name "${m.name}"`);
  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(m.version ?? '')) p.push(`version "${m.version}" is not semver`);
  if (!/^\^?\d+\.\d+\.\d+$/.test(m.engines?.vscode ?? '')) p.push(`engines.vscode "${m.engines?.vscode}"`);
  if (!m.license) p.push('no license');
  if (!names.some((n) => /^extension\/LICENSE(\.txt|\.md)?$/i.test(n))) p.push('no LICENSE file in the package');
  const repo = typeof m.repository === 'string' ? m.repository : m.repository?.url;
  if (!/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+(\.git)?$/.test(repo ?? '')) p.push(`repository "${repo}"`);
  if (!m.icon) p.push('no icon');
  else if (!names.includes(`extension/${m.icon}`)) p.push(`icon ${m.icon} is not in the package`);
  else if (!icon || !pngSize(icon)) p.push('icon is not a PNG');
  else {
    const { width, height } = pngSize(icon)!;
    if (width !== 128 || height !== 128) p.push(`icon is ${width}x${height}, not 128x128`);
  }
  if (!/^#[0-9a-f]{6}$/i.test(m.galleryBanner?.color ?? '') || !['dark', 'light'].includes(m.galleryBanner?.theme)) p.push('galleryBanner');
  for (const c of m.categories ?? []) if (!CATEGORIES.includes(c)) p.push(`category "${c}"`);
  if (!m.keywords?.length || m.keywords.length > 30) p.push(`${m.keywords?.length ?? 0} keywords (1 to 30)`);
  if ((m.activationEvents ?? []).includes('*')) p.push('activation event "*"');
  for (const n of names) if (n.includes('node_modules/')) p.push(`contains ${n}`);
  return p;
}

test('the .vsix passes the Marketplace and Open VSX manifest checks', { timeout: 120_000 }, async () => {
  const file = await vsix();
  const z = await vsixModule();
  const names = z.listZip(file);
  const manifest = JSON.parse(z.readZipEntry(file, 'extension/package.json').toString('utf8'));
  const icon = manifest.icon ? z.readZipEntry(file, `extension/${manifest.icon}`) : null;
  assert.deepEqual(manifestProblems(manifest, names, icon), []);
  assert.equal(manifest.version, PKG.version);
  // vsce wrote the marketplace metadata into the VSIX manifest.
  const vsixManifest = z.readZipEntry(file, 'extension.vsixmanifest').toString('utf8');
  assert.match(vsixManifest, new RegExp(`<Identity [^>]*Version="${PKG.version.replace(/\./g, '\\.')}"[^>]*Publisher="${manifest.publisher}"`));
  assert.match(vsixManifest, /Id="Microsoft\.VisualStudio\.Services\.Branding\.Color" Value="#[0-9a-fA-F]{6}"/);
  assert.match(vsixManifest, /Type="Microsoft\.VisualStudio\.Services\.Icons\.Default" Path="extension\/images\/icon\.png"/);
  assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Links\.Source" Value="https:\/\/github\.com\/port-range-lens\/port-range-lens\.git"/);
  assert.ok(names.includes('extension/changelog.md') || names.includes('extension/CHANGELOG.md'), 'CHANGELOG in the package');
  // Minified bundles, no source maps (issue 9): an unminified bundle averages ~40 characters a line.
  for (const js of ['extension', 'server', 'webview']) {
    const text = z.readZipEntry(file, `extension/dist/${js}.js`).toString('utf8');
    assert.ok(text.length / text.split('\n').length > 500, `dist/${js}.js in the .vsix is not minified`);
  }
  assert.deepEqual(names.filter((n) => n.endsWith('.map')), []);

  // The checks themselves catch what they must.
  const tiny = Buffer.from(icon!);
  tiny.writeUInt32BE(64, 16);
  assert.ok(manifestProblems(manifest, names, tiny).includes('icon is 64x128, not 128x128'));
  assert.ok(manifestProblems({ ...manifest, activationEvents: ['*'] }, names, icon).includes('activation event "*"'));
  assert.ok(manifestProblems(manifest, [...names, 'extension/node_modules/a/index.js'], icon).some((x) => x.includes('node_modules')));
  assert.ok(manifestProblems({ ...manifest, version: '1.0' }, names, icon).some((x) => x.startsWith('version')));
  assert.ok(manifestProblems({ ...manifest, publisher: undefined }, names, icon).some((x) => x.startsWith('publisher')));
});

test('README in marketplace order: what it does with a screenshot, then install, then settings', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => ({ title: m[1]!, at: m.index! }));
  const intro = readme.slice(0, headings[0]!.at);
  assert.match(intro, /!\[[^\]]+\]\(docs\/screenshot-[\w-]+\.png\)/, 'a screenshot before the first section');
  const at = (re: RegExp) => headings.findIndex((h) => re.test(h.title));
  const install = at(/^Install/);
  const settings = at(/^Settings/);
  assert.equal(install, 0, `the first section is ${headings[0]!.title}`);
  assert.ok(settings > install, 'Settings after Install');
  // Images: PNGs that exist (vsce rejects SVG images, and links them to the repository).
  for (const m of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
    assert.match(m[1]!, /\.png$/);
    assert.ok(existsSync(join(ROOT, m[1]!)), m[1]);
  }
  // The README's two commands stay.
  assert.match(readme, /npm ci && npm start/);
  assert.match(readme, /^npm test/m);
});
