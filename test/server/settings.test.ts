/** package.json's contributed settings ↔ the one Config type, and the settings → Config mapping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../server/src/config';
import { DIAGNOSTIC_CODES } from '../../server/src/diagnostics/codes';
import { SERVER_ONLY_SETTINGS, settingsFromClient, featureEnv } from '../../server/src/settings';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const props: Record<string, { default?: unknown; markdownDescription?: string; type?: string; properties?: Record<string, { enum?: string[] }> }> =
  pkg.contributes.configuration.properties;

test('every Config field is a contributed setting and every setting is a Config field or a listed server setting', () => {
  const keys = Object.keys(props).map((k) => k.replace(/^portRangeLens\./, ''));
  assert.ok(Object.keys(props).every((k) => k.startsWith('portRangeLens.')));
  assert.deepEqual([...keys].sort(), [...Object.keys(DEFAULT_CONFIG), ...SERVER_ONLY_SETTINGS].sort());
});

test('setting defaults equal DEFAULT_CONFIG and every setting has a markdownDescription', () => {
  for (const [field, value] of Object.entries(DEFAULT_CONFIG)) {
    assert.deepEqual(props[`portRangeLens.${field}`]!.default, value, field);
  }
  for (const [k, p] of Object.entries(props)) assert.ok((p.markdownDescription ?? '').length > 20, `${k} lacks a markdownDescription`);
});

test('the severity setting lists exactly the diagnostic codes', () => {
  const sev = props['portRangeLens.severity']!;
  assert.deepEqual(Object.keys(sev.properties!).sort(), [...DIAGNOSTIC_CODES].sort());
  for (const p of Object.values(sev.properties!)) assert.deepEqual(p.enum, ['error', 'warning', 'information', 'hint', 'off']);
});

test('commands are declared under one category, including the simulate commands', () => {
  const cmds = pkg.contributes.commands as { command: string; title: string; category: string }[];
  assert.deepEqual(cmds.map((c) => c.command).sort(), [
    'portRangeLens.restartServer', 'portRangeLens.showNetnsRange', 'portRangeLens.simulateRange', 'portRangeLens.simulateSocket',
  ]);
  assert.ok(cmds.every((c) => c.category === 'Port Range Lens'));
  assert.equal(pkg.main, './dist/extension.js');
  for (const l of ['c', 'cpp', 'python', 'go']) assert.ok(pkg.activationEvents.includes(`onLanguage:${l}`));
});

test('settingsFromClient maps every field and rejects bad values with a message', () => {
  const s = settingsFromClient({
    netnsRange: '40000-49999', reservedPorts: '40000-40004,40007', kernel: '6.8', hostByteOrder: 'big',
    smallRangeThreshold: 10, severity: { 'small-range': 'off' }, inlayHints: false, scanWorkspace: false,
    diagnosticsDocsUrl: 'https://x.test/d.md',
  });
  assert.deepEqual(s.problems, []);
  assert.deepEqual(s.config, {
    netnsRange: '40000-49999', reservedPorts: '40000-40004,40007', kernel: '6.8', hostByteOrder: 'big',
    smallRangeThreshold: 10, severity: { 'small-range': 'off' }, inlayHints: false,
  });
  assert.equal(s.scanWorkspace, false);
  assert.equal(s.diagnosticsDocsUrl, 'https://x.test/d.md');
  assert.equal(settingsFromClient({ inlayHints: { enabled: false } }).config.inlayHints, false);

  const bad = settingsFromClient({ netnsRange: '70000-1', kernel: 'six', severity: { nope: 'error', 'small-range': 'loud' }, smallRangeThreshold: -1, hostByteOrder: 'middle' });
  assert.deepEqual(bad.config, { ...DEFAULT_CONFIG, severity: {} });
  assert.equal(bad.problems.length, 6, bad.problems.join('\n'));
  assert.ok(bad.problems.some((p) => p.includes('netnsRange')));
  assert.deepEqual(settingsFromClient(undefined).config, DEFAULT_CONFIG);
  assert.deepEqual(settingsFromClient('garbage').problems, []);
});

test('featureEnv resolves the netns range, reserved ports and kernel profile', () => {
  const e = featureEnv({ ...DEFAULT_CONFIG, netnsRange: '40000-40009', reservedPorts: '40001', kernel: '6.3' }, 'u');
  assert.deepEqual(e.resolved.netns, { lo: 40000, hi: 40009 });
  assert.equal(e.resolved.reserved[40001], 1);
  assert.equal(e.resolved.kernel.rangeFlagReturned, false);
  assert.deepEqual(e.errors, []);
});

test('docs/settings.md lists every setting with its default', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'settings.md'), 'utf8');
  for (const [k, p] of Object.entries(props)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${k}\` |`));
    assert.ok(row, `docs/settings.md has no row for ${k}`);
    assert.ok(row.includes(`\`${JSON.stringify(p.default)}\``), `${k}: default ${JSON.stringify(p.default)} not in ${row}`);
  }
});
