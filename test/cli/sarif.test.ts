// SARIF output: RFC 3986 URIs, files outside --sarif-root, the invocation with its
// notifications, and every document validated against the SARIF 2.1.0 JSON schema
// (OASIS sarif-schema-2.1.0.json, vendored under test/fixtures/sarif/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { BAD_C, cli } from './helpers';
import { artifactLocation } from '../../server/src/cli/sarif';

const schema = JSON.parse(readFileSync(join(__dirname, '../fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function valid(doc: unknown): void {
  const ok = validate(doc);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

test('the schema check can fail: a result without a message is rejected', () => {
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'a' }] }] }), false);
});

test('artifactLocation.uri is percent-encoded per RFC 3986: #, %, spaces, unicode, ":"', () => {
  const root = '/w/src';
  assert.deepEqual(artifactLocation('/w/src/a #b%c é.c', root), { uri: 'a%20%23b%25c%20%C3%A9.c', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('/w/src/dir x/a:b?.c', root), { uri: 'dir%20x/a%3Ab%3F.c', uriBaseId: '%SRCROOT%' });
  // Outside the root: an absolute file:// URI, no base id, never "../".
  assert.deepEqual(artifactLocation('/w/other/x#1.c', root), { uri: 'file:///w/other/x%231.c' });
  assert.deepEqual(artifactLocation('/w/src', root), { uri: 'file:///w/src' });
  // Every URI parses back to the same path.
  const u = new URL(artifactLocation('/w/src/a #b%c é.c', root).uri, 'file:///w/src/');
  assert.equal(decodeURIComponent(u.pathname), '/w/src/a #b%c é.c');
  assert.equal(u.hash, '');
});

test('check --format sarif: encoded URIs, --sarif-root, file:// outside it, schema-valid', () => {
  const d = mkdtempSync(join(tmpdir(), 'prl-sarif-'));
  mkdirSync(join(d, 'src'));
  const name = 'we#ird 100% é.c';
  writeFileSync(join(d, 'src', name), BAD_C);
  writeFileSync(join(d, 'out.c'), BAD_C);
  const r = cli(['check', '--format', 'sarif', '--sarif-root', 'src', 'src', 'out.c'], d);
  assert.equal(r.code, 1, r.err);
  const s = JSON.parse(r.out);
  valid(s);
  const uris = s.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: unknown } }[] }) => x.locations[0].physicalLocation.artifactLocation);
  assert.deepEqual(uris, [
    { uri: 'we%23ird%20100%25%20%C3%A9.c', uriBaseId: '%SRCROOT%' },
    { uri: pathToFileURL(join(d, 'out.c')).href },
  ]);
  assert.equal(s.runs[0].originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(join(d, 'src')).href + '/');
  const inv = s.runs[0].invocations;
  assert.equal(inv.length, 1);
  assert.equal(inv[0].executionSuccessful, true);
  assert.equal(inv[0].exitCode, 1);
  assert.deepEqual(inv[0].toolExecutionNotifications, []);
  const { version } = require('../../package.json') as { version: string };
  assert.equal(s.runs[0].tool.driver.version, version);
});

test('an I/O error and a limit are in invocations[0] (executionSuccessful false), schema-valid', () => {
  const d = mkdtempSync(join(tmpdir(), 'prl-sarif-'));
  writeFileSync(join(d, 'big.c'), Buffer.alloc(5 * 1024 * 1024 + 1, 0x20));
  writeFileSync(join(d, 'bin.c'), Buffer.from([0x61, 0, 0x62]));
  const r = cli(['check', '--format', 'sarif', 'big.c', 'bin.c', 'missing.c'], d);
  assert.equal(r.code, 2);
  const s = JSON.parse(r.out);
  valid(s);
  const inv = s.runs[0].invocations[0];
  assert.equal(inv.executionSuccessful, false);
  assert.equal(inv.exitCode, 2);
  const n = inv.toolExecutionNotifications.map((x: { level: string; descriptor: { id: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
    [x.level, x.descriptor.id, x.locations[0].physicalLocation.artifactLocation.uri]);
  assert.deepEqual(n, [['error', 'ENOENT', 'missing.c'], ['warning', 'file-too-large', 'big.c'], ['note', 'binary', 'bin.c']]);
  // A limit alone: the run is incomplete (executionSuccessful false) and exits 1.
  const lim = cli(['check', '--format', 'sarif', 'big.c'], d);
  assert.equal(lim.code, 1);
  assert.equal(JSON.parse(lim.out).runs[0].invocations[0].executionSuccessful, false);
  assert.equal(cli(['check', '--format', 'sarif', '--fail-on', 'never', 'big.c'], d).code, 0);
});

test('a usage error with --format sarif still writes a valid log whose invocation failed', () => {
  const r = cli(['check', '--format', 'sarif', '--netns-range', '5-1', '.']);
  assert.equal(r.code, 2);
  const s = JSON.parse(r.out);
  valid(s);
  assert.equal(s.runs[0].invocations[0].executionSuccessful, false);
  assert.equal(s.runs[0].invocations[0].exitCode, 2);
  assert.match(s.runs[0].invocations[0].toolExecutionNotifications[0].message.text, /netns/);
});
