/**
 * Reach in C and Python (issue 10): the corpus files under test/fixtures/{c,python}, each
 * expectation checked (`// expect:` in C, `# expect:` in Python).
 * The expectation format is test/fixtures/README.md's (`// expect: lo=… hi=… optlen=… codes=…`,
 * `unknown`, `none`); this runner checks lo/hi/optlen/unknown/none and `bad-optlen`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeAs, codes } from './helpers';

const FIXTURES = join(__dirname, '..', 'fixtures');
const LANGS = [['c', '.c', /\/\/ expect: (.*)$/], ['python', '.py', /# expect: (.*)$/]] as const;

for (const [lang, ext, mark] of LANGS) for (const file of readdirSync(join(FIXTURES, lang)).filter((f) => f.endsWith(ext))) {
  test(`fixtures/${lang}/${file}: every expectation holds`, async () => {
    const text = readFileSync(join(FIXTURES, lang, file), 'utf8');
    const sites = await analyzeAs(lang, text);
    const lines = text.split('\n');
    const expected = lines.flatMap((l, i) => (mark.exec(l) ? [{ line: i, body: mark.exec(l)![1]!.trim() }] : []));
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
      if (kv.codes && kv.codes !== '*') assert.deepEqual(codes([s]).filter((c) => c === 'bad-optlen'), kv.codes === '-' ? [] : kv.codes.split(',').filter((c: string) => c === 'bad-optlen'), `${at}: codes`);
    }
  });
}
