// `check --cache` (server/src/cli/checkCache.ts): the key (version, resolved configuration,
// content), the stat shortcut's racy-clean rule (files with call sites included), damaged entries, an unwritable directory,
// and the promise that a cached run prints byte for byte what an uncached run prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheNamespace, defaultCacheDir, openCheckCache, stableText, contentHash } from '../../server/src/cli/checkCache';
import { resolveConfig } from '../../server/src/config/resolve';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import type { CallSite } from '../../server/src/analysis/index';
import { StatIndex, encodeIndex } from '../../server/src/cli/checkCacheIndex';
import { BAD_C, cli } from './helpers';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const resolved = (over: Partial<typeof DEFAULT_CONFIG> = {}) => resolveConfig({ ...DEFAULT_CONFIG, ...over });
const site = (message: string) => ({ file: 'a.c', span: { line: 1, column: 0, endLine: 1, endColumn: 3 }, diagnostics: [{ message }] }) as unknown as CallSite;

test('the namespace changes with the version and with any resolved setting, not with key order', () => {
  const base = cacheNamespace({ version: '1.0.0', config: resolved() });
  assert.equal(base, cacheNamespace({ version: '1.0.0', config: resolved() }));
  assert.notEqual(base, cacheNamespace({ version: '1.0.1', config: resolved() }));
  const changed: Partial<typeof DEFAULT_CONFIG>[] = [
    { netnsRange: '40000-50000' }, { reservedPorts: '40000' }, { kernel: '6.8' }, { hostByteOrder: 'big' },
    { smallRangeThreshold: 8 }, { severity: { 'small-range': 'off' } },
  ];
  for (const c of changed) assert.notEqual(cacheNamespace({ version: '1.0.0', config: resolved(c) }), base, JSON.stringify(c));
  assert.equal(stableText({ b: 1, a: [1, { d: 2, c: undefined }] }), stableText({ a: [1, { d: 2 }], b: 1 }));
  assert.notEqual(stableText({ r: new Uint8Array([0, 1]) }), stableText({ r: new Uint8Array([1, 0]) }));
});

test('the cache directory: the env override, then XDG_CACHE_HOME (absolute only), then ~/.cache', () => {
  assert.equal(defaultCacheDir({ PORT_RANGE_LENS_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' }), '/x/y');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/port-range-lens');
  assert.match(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }), /\/\.cache\/port-range-lens$/);
});

test('entries: a hit gives the stored result under the new path; damaged entries are misses and are rewritten', () => {
  const dir = tmp('prl-cache-');
  const o = { dir, version: 't', config: resolved() };
  const hash = contentHash(Buffer.from('x'));
  const c = openCheckCache(o);
  assert.equal(c.get(hash, 'c', 'a.c'), null);
  c.put(hash, 'c', 'a.c', { callSites: [site('m1')], notes: [{ kind: 'info', id: 'i', message: 'n' }] });
  const hit = c.get(hash, 'c', 'moved/b.c')!;
  assert.equal(hit.callSites[0]!.file, 'moved/b.c');
  assert.equal((hit.callSites[0]!.diagnostics[0] as { message: string }).message, 'm1');
  assert.deepEqual(hit.notes, [{ kind: 'info', id: 'i', message: 'n' }]);
  assert.equal(c.get(hash, 'python', 'a.c'), null, 'the language is part of the key');
  assert.equal(openCheckCache({ ...o, version: 'u' }).get(hash, 'c', 'a.c'), null, 'another version misses');
  const entries = join(dir, 'v1', cacheNamespace(o), 'e');
  const file = join(entries, readdirSync(entries)[0]!);
  const good = readFileSync(file, 'utf8');
  // A later run (its own cache object: this one keeps what it stored in memory).
  truncateSync(file, good.length - 5);
  assert.equal(openCheckCache(o).get(hash, 'c', 'a.c'), null, 'truncated');
  writeFileSync(file, good.replace('m1', 'm2'));
  assert.equal(openCheckCache(o).get(hash, 'c', 'a.c'), null, 'changed without its checksum');
  writeFileSync(file, 'garbage');
  assert.equal(openCheckCache(o).get(hash, 'c', 'a.c'), null, 'garbage');
  c.put(hash, 'c', 'a.c', { callSites: [site('m1')] });
  assert.equal(readFileSync(file, 'utf8').length > 64, true);
  assert.ok(openCheckCache(o).get(hash, 'c', 'a.c'));
  assert.deepEqual(readdirSync(entries).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  // A result that names its own path elsewhere, or that JSON cannot carry exactly, is not stored.
  const h2 = contentHash(Buffer.from('y'));
  c.put(h2, 'c', 'a.c', { callSites: [site('in a.c')] });
  c.put(h2, 'go', 'a.c', { callSites: [{ ...site('m'), value: { lo: NaN } } as unknown as CallSite] });
  assert.equal(c.get(h2, 'c', 'a.c'), null);
  assert.equal(c.get(h2, 'go', 'a.c'), null);
});

test('the stat shortcut: trusted only for a settled, unchanged file; a same-size rewrite with the old mtime is seen', () => {
  const dir = tmp('prl-cache-');
  const src = tmp('prl-src-');
  const f = join(src, 'a.c');
  writeFileSync(f, 'int x;\n');
  const o = { dir, version: 't', config: resolved() };
  // A file changed within 2 s of the run is racy: recorded, never trusted.
  let c = openCheckCache(o);
  c.record(f, statSync(f), 'clean');
  c.close();
  assert.equal(openCheckCache(o).unchanged(f), null);
  // The same file seen by a run 10 s later (the clock is the only thing faked).
  const later = { ...o, startNs: BigInt(Date.now() + 10_000) * 1_000_000n };
  c = openCheckCache(later);
  c.record(f, statSync(f), 'clean');
  c.close();
  assert.equal(openCheckCache(later).unchanged(f), 'clean');
  const { atime, mtime } = statSync(f);
  writeFileSync(f, 'int y;\n');
  utimesSync(f, atime, mtime);
  assert.equal(openCheckCache(later).unchanged(f), null, 'ctime moved');
  // A damaged index is ignored.
  writeFileSync(join(dir, 'v1', cacheNamespace(o), 'index'), '{"v":1');
  assert.equal(openCheckCache(later).unchanged(f), null);
});

function copyExamples(): string {
  const d = tmp('prl-cache-ex-');
  cpSync(join(__dirname, '..', '..', 'examples'), d, { recursive: true });
  writeFileSync(join(d, 'bad.c'), BAD_C);
  writeFileSync(join(d, 'plain.c'), 'int main(void) { return 0; }\n');
  writeFileSync(join(d, 'blob.c'), Buffer.from([0x73, 0, 0x6f]));
  return d;
}

test('a cached run prints byte for byte what an uncached run prints (text, json, sarif), twice; the stat shortcut is used', () => {
  const d = copyExamples();
  const dir = tmp('prl-cache-');
  for (const format of ['text', 'json', 'sarif']) {
    const plain = cli(['check', '--format', format, '--list', '.'], d);
    assert.ok(plain.out.length > 100, plain.err);
    for (let i = 0; i < 2; i++) {
      const cached = cli(['check', '--format', format, '--list', '--cache-dir', dir, '.'], d);
      assert.equal(cached.out, plain.out, `${format} run ${i + 1}`);
      assert.equal(cached.code, plain.code);
      assert.equal(cached.err, plain.err);
    }
  }
  // By now the files are settled (over 2 s old): the index holds the stat shortcut of the
  // files without call sites. Planting "binary" for plain.c proves the next run consults it.
  const [ns] = readdirSync(join(dir, 'v1'));
  const indexFile = join(dir, 'v1', ns!, 'index');
  const index = StatIndex.decode(readFileSync(indexFile));
  const all = new Map([...index.entries()].map(([p, e]) => [p, e] as const));
  const entry = (name: string) => all.get(join(d, name))!;
  assert.equal(entry('plain.c').outcome, 'clean');
  assert.equal(entry('blob.c').outcome, 'binary');
  const badHash = contentHash(readFileSync(join(d, 'bad.c')));
  assert.equal(entry('bad.c').outcome, `#${badHash}`, 'a file with call sites: the hash of its stored result');
  assert.ok(index.results.has(`${badHash}.c`), 'the index carries the result it names');
  entry('plain.c').outcome = 'binary';
  // bad.c's shortcut names another hash whose stored result says PLANTED: a run that trusts
  // the stat reads that result without reading the file; SARIF (which needs the lines) reads it.
  // The planted result is in the entry files only: the index's own copy is left out.
  const fake = contentHash(Buffer.from('planted'));
  const entries = join(dir, 'v1', ns!, 'e');
  const stored = readFileSync(join(entries, `${badHash}.c`), 'utf8');
  const payload = stored.slice(65).replace(badHash, fake).replace(/"message":"[^"]*"/, '"message":"PLANTED"');
  writeFileSync(join(entries, `${fake}.c`), `${contentHash(Buffer.from(payload))}\n${payload}`);
  entry('bad.c').outcome = `#${fake}`;
  writeFileSync(indexFile, encodeIndex(all, new Map()));
  const j = JSON.parse(cli(['check', '--format', 'json', '--cache-dir', dir, '.'], d).out);
  assert.ok(j.summary.skipped.some((s: { file: string }) => s.file.endsWith('plain.c')));
  const bad = j.callSites.filter((s: { file: string }) => s.file === 'bad.c');
  assert.equal(bad[0].diagnostics[0].message, 'PLANTED', 'the stat shortcut of a file with call sites');
  assert.ok(!cli(['check', '--format', 'sarif', '--cache-dir', dir, '.'], d).out.includes('PLANTED'), 'SARIF reads the file');
});

test('the CLI reads the cache, and a content or configuration change misses it', () => {
  const d = tmp('prl-cache-cli-');
  writeFileSync(join(d, 'bad.c'), BAD_C);
  const dir = tmp('prl-cache-');
  const json = (args: string[] = []) => JSON.parse(cli(['check', '--format', 'json', '--cache-dir', dir, ...args, '.'], d).out);
  const first = json();
  assert.equal(first.callSites[0].diagnostics[0].code, 'bad-optlen');
  // Plant a different (well-formed) result under the file's key: the next run must show it.
  const ns = readdirSync(join(dir, 'v1'));
  assert.equal(ns.length, 1);
  const entries = join(dir, 'v1', ns[0]!, 'e');
  const [entry] = readdirSync(entries);
  const raw = readFileSync(join(entries, entry!), 'utf8');
  const payload = raw.slice(raw.indexOf('\n') + 1).replace(/"message":"[^"]*"/, '"message":"PLANTED"');
  writeFileSync(join(entries, entry!), `${contentHash(Buffer.from(payload)).slice(0)}\n${payload}`);
  assert.equal(json().callSites[0].diagnostics[0].message, 'PLANTED', 'hit');
  assert.notEqual(json(['--netns-range', '30000-60000']).callSites[0].diagnostics[0].message, 'PLANTED', 'config change');
  writeFileSync(join(d, 'bad.c'), BAD_C + '\n');
  assert.notEqual(json().callSites[0].diagnostics[0].message, 'PLANTED', 'content change');
});

test('an unwritable cache directory is one note on stderr; the run and its output are unchanged', () => {
  const d = tmp('prl-cache-cli-');
  writeFileSync(join(d, 'bad.c'), BAD_C);
  writeFileSync(join(d, 'notadir'), '');
  const plain = cli(['check', '--format', 'json', 'bad.c'], d);
  const r = cli(['check', '--format', 'json', '--cache-dir', join(d, 'notadir', 'sub'), 'bad.c'], d);
  assert.equal(r.out, plain.out);
  assert.equal(r.code, plain.code);
  assert.match(r.err, /cache: cannot create .*ENOTDIR.*not stored/);
});

test('--cache and --cache-dir usage errors exit 2', () => {
  for (const args of [['--cache=yes'], ['--cache-dir'], ['--cache-dir', ''], ['--cache', '--cache']]) {
    const r = cli(['check', '.', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /see port-range-lens check --help/);
  }
  assert.match(cli(['check', '--help']).out, /--cache-dir DIR/);
});
