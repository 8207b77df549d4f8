// The one file walker (server/src/files/walk.ts) on real trees with symbolic links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { childPath, walkFiles, type WalkEvent } from '../../server/src/files/walk';
import { languageForPath } from '../../server/src/analysis/index';

const accept = (p: string) => languageForPath(p) !== null;

async function events(roots: string[], base: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of walkFiles(roots, { accept })) out.push(show(e, base));
  return out;
}
function show(e: WalkEvent, base: string): string {
  const p = relative(base, e.path) || '.';
  return e.kind === 'file' ? p : e.kind === 'note' ? `${e.kind} ${e.id} ${p}` : `${e.kind} ${e.code} ${p}`;
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'prl-walk-'));
}

test('a directory holding two symbolic links to "." is walked once', async () => {
  const d = dir();
  writeFileSync(join(d, 'x.c'), '');
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'y.py'), '');
  symlinkSync('.', join(d, 'l1'));
  symlinkSync('.', join(d, 'l2'));
  symlinkSync('..', join(d, 'sub', 'up'));
  assert.deepEqual(await events([d], d), ['sub/y.py', 'x.c']);
});

test('a symbolic link cycle reports each file once; roots overlapping too', async () => {
  const d = dir();
  mkdirSync(join(d, 'a', 'b'), { recursive: true });
  writeFileSync(join(d, 'a', 'b', 'f.go'), '');
  symlinkSync('../../a', join(d, 'a', 'b', 'loop'));
  symlinkSync('a', join(d, 'alias'));
  assert.deepEqual(await events([d], d), ['a/b/f.go']);
  // The same file through three roots: once, under the first name that reaches it.
  assert.deepEqual(await events([join(d, 'alias'), d, join(d, 'a/b/f.go')], d), ['alias/b/f.go']);
});

test('a link to a file beside it is one file; dangling links and loops are notes', async () => {
  const d = dir();
  writeFileSync(join(d, 'real.c'), '');
  symlinkSync('real.c', join(d, 'alias.c'));
  symlinkSync('missing.c', join(d, 'gone.c'));
  symlinkSync('self.h', join(d, 'self.h'));
  assert.deepEqual(await events([d], d), ['alias.c', 'note dangling-link gone.c', 'note link-loop self.h']);
});

test('a file reached by a link and by its own path is one file, whichever comes first', async () => {
  const d = dir();
  mkdirSync(join(d, 'a'));
  mkdirSync(join(d, 'b'));
  writeFileSync(join(d, 'a', 'z.c'), '');
  writeFileSync(join(d, 'b', 'y.c'), '');
  writeFileSync(join(d, 'notes.txt'), '');
  symlinkSync('../b/y.c', join(d, 'a', 'x.c')); // before its target is walked: the link is the one
  symlinkSync('../a/z.c', join(d, 'b', 'to-z.c')); // after its target's directory was walked
  symlinkSync('notes.txt', join(d, 'c.c')); // a target the walk does not accept by its own name
  assert.deepEqual(await events([d], d), ['a/x.c', 'a/z.c', 'c.c']);
  assert.deepEqual(await events([join(d, 'b', 'y.c'), d], d), ['b/y.c', 'a/z.c', 'c.c']);
  assert.deepEqual(await events([d, join(d, 'a', 'z.c'), join(d, 'b', 'to-z.c')], d), ['a/x.c', 'a/z.c', 'c.c']);
});

test('skip rules: .git, node_modules, other extensions; FIFOs are notes, not reads', async () => {
  const d = dir();
  for (const s of ['.git', 'node_modules/p', '.hg', '.svn', 'src']) mkdirSync(join(d, s), { recursive: true });
  for (const f of ['.git/a.c', 'node_modules/p/b.c', '.hg/c.c', '.svn/d.c', 'src/e.txt', 'src/f.cpp', 'src/g.hh', 'src/h.cxx']) writeFileSync(join(d, f), '');
  execFileSync('mkfifo', [join(d, 'src', 'pipe.c')]);
  assert.deepEqual(await events([d], d), ['src/f.cpp', 'src/g.hh', 'src/h.cxx', 'note special-file src/pipe.c']);
  // Named explicitly: still a note (not-source), a missing root is an error.
  assert.deepEqual(await events([join(d, 'src/e.txt'), join(d, 'nope.c')], d), ['note not-source src/e.txt', 'error ENOENT nope.c']);
});

test('source extensions: C, C++, Python, Go (and Rust once an adapter exists)', () => {
  for (const ext of ['c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'py', 'go']) assert.ok(accept(`x.${ext}`), ext);
  for (const ext of ['txt', 'js', 'md']) assert.ok(!accept(`x.${ext}`), ext);
});

test('a deep tree does not recurse (explicit stack) and 500 links back to the root finish', async () => {
  const d = dir();
  let p = d;
  for (let i = 0; i < 200; i++) { p = join(p, 'd'); }
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'deep.c'), '');
  for (let i = 0; i < 500; i++) symlinkSync(d, join(d, `up${i}`));
  const ev = await events([d], d);
  assert.equal(ev.length, 1);
  assert.match(ev[0]!, /deep\.c$/);
});

test('read rules: binary and too-large, the same in the sync and the async reader', async () => {
  const { readSourceFile, readSourceFileAsync } = await import('../../server/src/files/read');
  const d = dir();
  writeFileSync(join(d, 'text.c'), 'int x;\n');
  writeFileSync(join(d, 'bin.c'), Buffer.from([0x61, 0, 0x62]));
  writeFileSync(join(d, 'big.c'), Buffer.alloc(2000, 0x20));
  for (const read of [(f: string) => readSourceFile(f, 1000), (f: string) => readSourceFileAsync(f, 1000)]) {
    const t = await read(join(d, 'text.c'));
    assert.equal(t.kind === 'bytes' && t.bytes.toString(), 'int x;\n');
    assert.deepEqual(await read(join(d, 'bin.c')), { kind: 'binary' });
    assert.deepEqual(await read(join(d, 'big.c')), { kind: 'too-large', size: 2000 });
  }
});

test('a walked entry path is join(dir, name) without join per entry (childPath), for any spelling of the root', () => {
  const dirs = ['.', './', '..', '../', 'a', 'a/', 'a//b/', './a/./b', '/', '//', '/x/../y', 'a/..', 'a/../', '../..', '.a', '..a/', 'x/.', '/.'];
  for (const d of dirs) for (const n of ['f.c', '.hidden', '..c', 'a b']) assert.equal(childPath(d, n), join(d, n), JSON.stringify([d, n]));
});
