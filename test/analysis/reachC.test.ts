/**
 * Reach in C (issue 10): the corpus files under test/fixtures/c, each expectation checked.
 * The expectation format is test/fixtures/README.md's (`// expect: lo=… hi=… optlen=… codes=…`,
 * `unknown`, `none`); this runner checks lo/hi/optlen/unknown/none and `bad-optlen`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeAs, codes } from './helpers';

const DIR = join(__dirname, '..', 'fixtures', 'c');

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.c'))) {
  test(`fixtures/c/${file}: every expectation holds`, async () => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const sites = await analyzeAs('c', text);
    const lines = text.split('\n');
    const expected = lines.flatMap((l, i) => (/\/\/ expect: (.*)$/.exec(l) ? [{ line: i, body: /\/\/ expect: (.*)$/.exec(l)![1]! }] : []));
    for (const s of sites) assert.ok(expected.some((e) => e.line === s.span.line && e.body !== 'none'), `${file}:${s.span.line + 1}: unexpected call site`);
    for (const e of expected) {
      const at = `${file}:${e.line + 1}`;
      const here = sites.filter((s) => s.span.line === e.line);
      if (e.body === 'none') {
        assert.equal(here.length, 0, `${at}: a look-alike was reported`);
        continue;
      }
      assert.equal(here.length, 1, `${at}: one call site`);
      const s = here[0]!;
      const kv = Object.fromEntries(e.body.split(/\s+/).map((t) => t.split('=')));
      if ('unknown' in kv) assert.equal(s.value?.packed ?? null, null, `${at}: unknown`);
      if (kv.lo) assert.equal(s.value?.lo, Number(kv.lo), `${at}: lo`);
      if (kv.hi) assert.equal(s.value?.hi, Number(kv.hi), `${at}: hi`);
      if (kv.optlen) assert.equal(s.value?.optlen, Number(kv.optlen), `${at}: optlen`);
      if (kv.codes && kv.codes !== '*') assert.deepEqual(codes([s]).filter((c) => c === 'bad-optlen'), kv.codes === '-' ? [] : kv.codes.split(',').filter((c) => c === 'bad-optlen'), `${at}: codes`);
    }
  });
}
