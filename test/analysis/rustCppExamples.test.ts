// examples/rust and examples/cpp: every `// expect:` line holds for the call below it, and the
// examples show the codes that apply to each language (npm start runs `check examples`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExampleExpectations, exampleCodes } from './helpers';

for (const [dir, ext, lang] of [['examples/rust', '.rs', 'rust'], ['examples/cpp', '.cpp', 'cpp']] as const) {
  test(`${dir}: every expected code at its call`, async () => {
    const { files, count, problems } = await checkExampleExpectations(dir, ext, lang, '//');
    assert.ok(files >= 1 && count >= 6, `${files} files, ${count} expectations`);
    assert.deepEqual(problems, []);
  });
}

test('the Rust and C++ examples show the value, length, order and level codes', async () => {
  const rust = await exampleCodes('examples/rust', 'rust');
  for (const c of ['empty-range', 'bad-optlen', 'swapped-halves', 'network-byte-order', 'magic-number', 'wrong-level', 'small-range', 'outside-netns-range', 'clamped-by-netns-range']) {
    assert.ok(rust.has(c), `rust: ${c}`);
  }
  const cpp = await exampleCodes('examples/cpp', 'cpp');
  for (const c of ['empty-range', 'bad-optlen', 'swapped-halves', 'network-byte-order', 'signed-shift-overflow']) assert.ok(cpp.has(c), `cpp: ${c}`);
});
