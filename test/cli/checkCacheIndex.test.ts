// The index file of `check --cache` (server/src/cli/checkCacheIndex.ts): an exact round trip of
// every number, lookups in and out of walk order, only the results a path names, and any damage
// reading as an empty index; and a run over an unchanged tree neither rewrites the index nor
// opens an entry file (the results it needs travel in the index).
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatIndex, encodeIndex, type IndexEntry } from '../../server/src/cli/checkCacheIndex';
import { BAD_C, cli } from './helpers';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const entry = (over: Partial<IndexEntry>): IndexEntry => ({
  dev: 2049, ino: 1, size: 10, mtimeMs: 1764774000123.4567, ctimeMs: 1764774000123.4567, outcome: 'clean', ...over,
});
/** Re-seals bytes after an edit (the checksum over everything after the first line). */
const reseal = (b: Buffer) => { b.write(createHash('sha256').update(b.subarray(65)).digest('hex'), 0, 'latin1'); return b; };

test('index: every field round-trips exactly, sorted by directory then name; only the named results are kept', () => {
  const entries: [string, IndexEntry][] = [
    ['/r/c.c', entry({ dev: 66305, mtimeMs: 0.25, ctimeMs: 0.25 })],
    ['/r/a.c', entry({ ino: 2 ** 40 + 3, outcome: 'binary' })],
    ['/top.go', entry({ outcome: `#${H1}` })],
    ['/r/sub/d.py', entry({ size: 0, mtimeMs: 1, ctimeMs: 0 })],
    ['/r/b.c', entry({ ctimeMs: 1764774999000.0001, outcome: `#${H2}` })],
  ];
  const results = new Map([[`${H1}.go`, '{"callSites":[{"file":"","x":"a b"}]}'], [`${H1}.c`, '{"callSites":[]}'], ['c'.repeat(64) + '.c', '{"callSites":[]}']]);
  const back = StatIndex.decode(encodeIndex(entries, results));
  assert.deepEqual([...back.entries()].map(([p, e, seen]) => [p, e, seen]),
    ['/top.go', '/r/a.c', '/r/b.c', '/r/c.c', '/r/sub/d.py'].map((p) => [p, entries.find(([q]) => q === p)![1], false]));
  assert.deepEqual([...back.results.keys()].sort(), [`${H1}.c`, `${H1}.go`], 'a result no path names is dropped');
  assert.equal(back.results.get(`${H1}.go`), results.get(`${H1}.go`));
  // Lookups in walk order and out of it; a match needs every number and marks the entry seen.
  const i = back.find('/r', 'b.c');
  assert.ok(i >= 0);
  assert.equal(back.find('/r', 'c.c'), i + 1);
  assert.equal(back.find('/r', 'a.c'), i - 1);
  assert.equal(back.find('/r', 'x.c'), -1);
  assert.equal(back.find('/nowhere', 'b.c'), -1);
  const b = entries.find(([p]) => p === '/r/b.c')![1];
  assert.equal(back.match(i, { ...b, ctimeMs: b.ctimeMs + 0.001 }), null);
  assert.equal(back.match(i, { ...b, dev: 1 }), null);
  assert.equal(back.seen[i], 0);
  assert.equal(back.match(i, b), `#${H2}`);
  assert.equal(back.seen[i], 1);
  assert.equal(StatIndex.decode(encodeIndex([], new Map())).size, 0);
});

test('index: damage of any kind is an empty index', () => {
  const good = encodeIndex([['/r/a.c', entry({ outcome: `#${H1}` })], ['/r/b.c', entry({})]], new Map([[`${H1}.c`, '{"callSites":[]}']]));
  assert.equal(StatIndex.decode(good).size, 2);
  const flip = (at: number) => { const b = Buffer.from(good); b[at]! ^= 1; return b; };
  const damaged = [good.subarray(0, good.length - 3), flip(good.length - 50), flip(100), flip(good.length - 5), Buffer.alloc(0), Buffer.from('x\n{}')];
  for (const d of damaged) assert.equal(StatIndex.decode(d).size, 0);
  // Well sealed but not what this build writes: another schema, the other byte order, a count
  // that does not fit the file.
  for (const [from, to] of [['"v":3', '"v":4'], ['"le":true', '"le":fals'], ['"count":2', '"count":3']] as const) {
    const b = Buffer.from(good);
    const at = b.indexOf(from);
    assert.ok(at > 0, from);
    b.write(to.padEnd(from.length, ' '), at, 'latin1');
    assert.equal(StatIndex.decode(reseal(b)).size, 0, from);
  }
  assert.equal(StatIndex.decode(reseal(Buffer.from(good))).size, 2, 'resealing alone keeps it');
  // An outcome naming no hash is trusted nowhere (the rest of the index is).
  const b = Buffer.from(good);
  const nums = b.indexOf(Buffer.from(new Float64Array([2049]).buffer));
  b.writeDoubleLE(9, nums + 5 * 8);
  const odd = StatIndex.decode(reseal(b));
  assert.equal(odd.size, 2);
  assert.deepEqual([...odd.entries()].map(([p]) => p), ['/r/b.c']);
  assert.equal(odd.match(odd.find('/r', 'a.c'), entry({})), null);
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
