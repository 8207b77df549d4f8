/**
 * Every query of every language compiles against its grammar and follows the one
 * capture-name contract (server/src/analysis/queries/README.md, core/captures.ts).
 * The languages are the .scm files present: a new language is covered by adding its file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, Query } from 'web-tree-sitter';
import { locateWasm } from '../../server/src/analysis/parser';
import { checkCaptureName } from '../../server/src/analysis/core/captures';

const dir = join(__dirname, '../../server/src/analysis/queries');
const files = readdirSync(dir).filter((f) => f.endsWith('.scm'));

test('a query file exists for C, Python and Go at least', () => {
  for (const l of ['c', 'python', 'go']) assert.ok(files.includes(`${l}.scm`), `${l}.scm`);
});

for (const file of files) {
  const lang = file.replace(/\.scm$/, '');
  test(`queries/${file} compiles and its captures follow the contract`, async () => {
    await Parser.init({ locateFile: () => locateWasm('web-tree-sitter.wasm') });
    const language = await Language.load(locateWasm(`tree-sitter-${lang}.wasm`));
    const source = readFileSync(join(dir, file), 'utf8');
    const query = new Query(language, source);
    try {
      const names = query.captureNames;
      assert.ok(names.length > 0);
      const problems = names.map((n) => checkCaptureName(n, lang)).filter((p): p is string => p !== null);
      assert.deepEqual(problems, []);
      // Every language finds setsockopt-like calls with the shared roles.
      for (const n of ['sockopt', 'sockopt.args', 'sockopt.callee']) assert.ok(names.includes(n), `${file} lacks @${n}`);
    } finally {
      query.delete();
    }
  });
}

test('the contract rejects unknown groups and roles', () => {
  assert.equal(checkCaptureName('sockopt.callee', 'c'), null);
  assert.match(checkCaptureName('socket.op', 'python') ?? '', /unknown group/);
  assert.match(checkCaptureName('sockopt.method', 'go') ?? '', /unknown role/);
  assert.match(checkCaptureName('sockopt.name.x', 'go') ?? '', /at most one role/);
});
