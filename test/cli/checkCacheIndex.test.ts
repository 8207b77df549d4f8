// The index file of `check --cache` (server/src/cli/checkCacheIndex.ts): an exact round trip of
// every number, grouping by directory and device, only the results a path names, and any damage
// reading as an empty index; and a run over an unchanged tree neither rewrites the index nor
// opens an entry file (the results it needs travel in the index).
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeIndex, encodeIndex, type IndexEntry } from '../../server/src/cli/checkCacheIndex';
import { BAD_C, cli } from './helpers';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const entry = (over: Partial<IndexEntry>): IndexEntry => ({
  dev: 2049, ino: 1, size: 10, mtimeMs: 1764774000123.4567, ctimeMs: 1764774000123.4567, outcome: 'clean', seen: true, ...over,
});

test('index: every field round-trips exactly; groups by directory and device; only the named results are kept', () => {
  const entries: [string, IndexEntry][] = [
    ['/r/a.c', entry({ ino: 2 ** 40 + 3, outcome: 'binary' })],
    ['/r/b.c', entry({ ctimeMs: 1764774999000.0001, outcome: `#${H1}` })],
    ['/r/c.c', entry({ dev: 66305, mtimeMs: 0.25, ctimeMs: 0.25 })],
    ['/r/sub/d.py', entry({ size: 0, mtimeMs: 1, ctimeMs: 0 })],
    ['/top.go', entry({ outcome: `#${H1}` })],
  ];
  const results = new Map([[`${H1}.c`, '{"callSites":[{"file":"","x":"a b"}]}'], [`${H1}.go`, '{"callSites":[]}'], [`${H2}.c`, '{"callSites":[]}']]);
  const text = encodeIndex(entries, results);
  const head = JSON.parse(text.split('\n')[1]!) as { dirs: unknown[][] };
  assert.deepEqual(head.dirs.map((g) => [g[0], g[1]]), [['/r', 2049], ['/r', 66305], ['/r/sub', 2049], ['/', 2049]]);
  const back = decodeIndex(text);
  assert.deepEqual([...back.entries].map(([p, e]) => [p, { ...e, seen: true }]), entries);
  for (const [, e] of back.entries) assert.equal(e.seen, false, 'a decoded entry is not yet seen by this run');
  assert.deepEqual([...back.results.keys()].sort(), [`${H1}.c`, `${H1}.go`], 'a result no path names is dropped');
  assert.equal(back.results.get(`${H1}.c`), results.get(`${H1}.c`));
});

test('index: damage of any kind is an empty index', () => {
  const text = encodeIndex([['/r/a.c', entry({ outcome: `#${H1}` })]], new Map([[`${H1}.c`, '{"callSites":[]}']]));
  assert.equal(decodeIndex(text).entries.size, 1);
  const damaged = [
    text.slice(0, -3),
    text.replace('a.c', 'a.d'),
    '',
    'x\n{}',
    `${'0'.repeat(64)}\n${text.slice(65)}`,
  ];
  for (const d of damaged) assert.equal(decodeIndex(d).entries.size, 0, JSON.stringify(d.slice(0, 80)));
  // Well sealed but not what a run writes: another schema, a bad outcome, a short group.
  const seal = (p: string) => `${createHash('sha256').update(p).digest('hex')}\n${p}`;
  for (const p of ['{"v":1,"paths":[]}', '{"v":2,"dirs":[["/r",1,"a.c",1,1,1,1,"zz"]]}', '{"v":2,"dirs":[["/r",1,"a.c",1]]}', '{"v":2,"dirs":[["/r",1,"a.c",1,1,1,null,0]]}\nno-space']) {
    assert.equal(decodeIndex(seal(p)).entries.size, 0, p);
  }
  assert.equal(decodeIndex(seal('{"v":2,"dirs":[["/r",1,"a.c",1,1,1,null,0]]}')).entries.size, 1, 'the sealing helper itself works');
});

test('a run over an unchanged tree leaves the index as it was and opens no entry file', () => {
  const d = mkdtempSync(join(tmpdir(), 'prl-cache-idx-'));
  const dir = mkdtempSync(join(tmpdir(), 'prl-cache-'));
  try {
    writeFileSync(join(d, 'bad.c'), BAD_C);
    writeFileSync(join(d, 'plain.c'), 'int main(void) { return 0; }\n');
    // Settled files (the racy-clean rule trusts only files changed over 2 s before the run).
    const old = new Date(Date.now() - 60_000);
    for (const f of ['bad.c', 'plain.c']) utimesSync(join(d, f), old, old);
    // utimes moves ctime to now: wait out the racy window once.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_100);
    const args = ['check', '--format', 'json', '--fail-on', 'never', '--cache-dir', dir, '.'];
    const first = cli(args, d);
    const [ns] = readdirSync(join(dir, 'v1'));
    const indexFile = join(dir, 'v1', ns!, 'index');
    const written = readFileSync(indexFile, 'utf8');
    const before = statSync(indexFile).mtimeMs;
    // Without the entry files, the results the index carries still give the same output.
    rmSync(join(dir, 'v1', ns!, 'e'), { recursive: true });
    const second = cli(args, d);
    assert.equal(second.out, first.out);
    assert.equal(JSON.parse(second.out).callSites.length, 1);
    assert.equal(readFileSync(indexFile, 'utf8'), written, 'the index is not rewritten');
    assert.equal(statSync(indexFile).mtimeMs, before);
  } finally {
    rmSync(d, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
