/** The one settings schema ↔ package.json and docs/settings.md, and the settings → Config mapping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, SETTINGS } from '../../server/src/config/schema';
import { configurationContribution, withSettingsTable } from '../../server/src/config/contribution';
import { DIAGNOSTIC_CODES } from '../../server/src/diagnostics/codes';
import { settingsFromClient } from '../../server/src/config/settings';
import { featureEnv } from '../../server/src/features/env';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('package.json contributes.configuration is exactly what the schema generates (npm run gen:settings)', () => {
  assert.deepEqual(pkg.contributes.configuration, configurationContribution());
});

test('docs/settings.md\'s table is exactly what the schema generates', () => {
  const doc = readFileSync(join(root, 'docs', 'settings.md'), 'utf8');
  assert.equal(doc, withSettingsTable(doc), 'run npm run gen:settings');
  for (const s of SETTINGS) assert.ok(doc.includes(`| \`portRangeLens.${s.key}\` |`), s.key);
});

test('every judgement setting is resource-scoped (per folder) and has a parser; defaults pass their parser', () => {
  for (const s of SETTINGS) {
    assert.ok(String(s.schema.markdownDescription ?? '').length > 20, `${s.key} lacks a markdownDescription`);
    if (s.target !== 'config') continue;
    assert.equal(s.schema.scope, 'resource', s.key);
    assert.ok(s.parse, s.key);
    assert.deepEqual(s.parse!(s.default), s.default, `${s.key}: the default passes its own parser unchanged`);
  }
});

test('the severity setting lists exactly the diagnostic codes', () => {
  const sev = pkg.contributes.configuration.properties['portRangeLens.severity'];
  assert.deepEqual(Object.keys(sev.properties).sort(), [...DIAGNOSTIC_CODES].sort());
  for (const p of Object.values(sev.properties) as { enum: string[] }[]) assert.deepEqual(p.enum, ['error', 'warning', 'information', 'hint', 'off']);
});

test('settingsFromClient maps every field and names each bad value', () => {
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
  assert.deepEqual(s.editor, { scanWorkspace: false, diagnosticsDocsUrl: 'https://x.test/d.md' });
  assert.equal(settingsFromClient({ inlayHints: { enabled: false } }).config.inlayHints, false);

  const bad = settingsFromClient({ netnsRange: '70000-1', kernel: 'six', severity: { nope: 'error', 'small-range': 'loud', 'magic-number': 'off' }, smallRangeThreshold: -1, hostByteOrder: 'middle', scanWorkspace: 'yes' });
  assert.deepEqual(bad.config, { ...DEFAULT_CONFIG, severity: { 'magic-number': 'off' } });
  assert.deepEqual(bad.problems.map((p) => p.setting).sort(), ['hostByteOrder', 'kernel', 'netnsRange', 'scanWorkspace', 'severity', 'smallRangeThreshold']);
  assert.ok(bad.problems.every((p) => p.message.startsWith(`portRangeLens.${p.setting}:`)));
  assert.deepEqual(settingsFromClient(undefined).config, DEFAULT_CONFIG);
  assert.deepEqual(settingsFromClient('garbage').problems, []);
});

test('featureEnv resolves the netns range, reserved ports and kernel profile, and the file\'s directives', () => {
  const e = featureEnv({ ...DEFAULT_CONFIG, netnsRange: '40000-40009', reservedPorts: '40001', kernel: '6.3' }, 'u');
  assert.deepEqual(e.resolved.netns, { lo: 40000, hi: 40009 });
  assert.equal(e.resolved.reserved[40001], 1);
  assert.equal(e.resolved.kernel.rangeFlagReturned, false);
  assert.deepEqual(e.resolved.problems, []);
  const f = featureEnv(DEFAULT_CONFIG, 'u', '/* port-range-lens: netns-range 40000-49999 */');
  assert.deepEqual(f.resolved.netns, { lo: 40000, hi: 49999 });
});
