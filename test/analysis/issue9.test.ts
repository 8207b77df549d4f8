/**
 * Regression tests for the analysis bugs of issue 9, each reproduced first: call sites after
 * the 20,000th textual match of a C file were dropped; a Python file of comment lines inside a
 * function took quadratic time to parse (tree-sitter-python's scanner, worked around by
 * languages/python/mask.ts); a 2-byte or 1-byte value was shown as its first byte; `-1`
 * literals in C were "not statically known".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeAs, codes, getAnalyzer } from './helpers';
import { maskCommentLines } from '../../server/src/analysis/languages/python/mask';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';

test('a 2.5 MB C file with 40,000 call sites is analysed completely', async () => {
  const call = '  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);';
  const fns: string[] = [];
  for (let f = 0; f < 400; f++) fns.push(`void f${f}(int fd) {\n  unsigned v = (40100u << 16) | 40000;\n${Array(100).fill(call).join('\n')}\n}`);
  const text = '#include <netinet/in.h>\n' + fns.join('\n');
  assert.ok(text.length > 2_400_000);
  const r = (await getAnalyzer()).analyze('big.c', text, 'c', DEFAULT_CONFIG);
  assert.equal(r.error, undefined);
  assert.equal(r.callSites.length, 40_000);
  const last = r.callSites[r.callSites.length - 1]!;
  assert.deepEqual([last.value?.lo, last.value?.hi], [40000, 40100]);
  assert.equal(r.notes, undefined); // nothing was cut
});

test('20,000 comment lines inside a Python function: parsed (linear), the call is found', { timeout: 120_000 }, async () => {
  const comments = Array.from({ length: 20_000 }, (_, i) => `    # comment ${i}: it's """ not a string`).join('\n');
  const text = `import socket\ndef f():\n    s = socket.socket()\n${comments}\n    s.setsockopt(socket.SOL_IP, 51, (40100 << 16) | 40000)\n`;
  const sites = await analyzeAs('python', text);
  assert.equal(sites.length, 1);
  assert.deepEqual([sites[0]!.value?.lo, sites[0]!.value?.hi], [40000, 40100]);
  assert.equal(sites[0]!.span.line, 20_003);
});

test('the parser sees comment-only Python lines blanked, same length and lines, strings untouched', () => {
  const src = 'x = 1  # trailing stays\n    # only comment\r\ns = """\n# inside a string\n"""\n\t# tab\n';
  const m = maskCommentLines(src);
  assert.equal(m.length, src.length);
  assert.deepEqual(m.split('\n').map((l) => l.length), src.split('\n').map((l) => l.length));
  assert.equal(m, 'x = 1  # trailing stays\n                  \r\ns = """\n# inside a string\n"""\n\t     \n');
  assert.equal(maskCommentLines('no comments'), 'no comments');
});

test('2-byte and 1-byte values decode as the bytes given in every language; the length stays bad-optlen', async () => {
  const cases: [Parameters<typeof analyzeAs>[0], string, number][] = [
    ['python', 'import socket, struct\ns = socket.socket()\ns.setsockopt(socket.SOL_IP, 51, struct.pack("=H", 40001))\n', 40001],
    ['python', 'import socket, struct\ns = socket.socket()\ns.setsockopt(socket.SOL_IP, 51, struct.pack("B", 200))\n', 200],
    ['c', 'void f(int fd) { uint16_t v = 40001; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }', 40001],
    ['c', 'void f(int fd) { uint8_t v = 200; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 1); }', 200],
    ['go', 'package p\nimport ("encoding/binary"; "golang.org/x/sys/unix")\nfunc f(fd int) { b := make([]byte, 2); binary.LittleEndian.PutUint16(b, 40001); unix.SetsockoptString(fd, unix.SOL_IP, 51, string(b)) }\n', 40001],
    ['go', 'package p\nimport "golang.org/x/sys/unix"\nfunc f(fd int) { unix.SetsockoptByte(fd, unix.SOL_IP, 51, 200) }\n', 200],
  ];
  for (const [lang, text, lo] of cases) {
    const [s] = await analyzeAs(lang, text);
    assert.ok(s, `${lang}: ${text}`);
    assert.deepEqual([s.value?.lo, s.value?.hi], [lo, 0], `${lang}: ${text}`);
    assert.ok(codes([s]).includes('bad-optlen'), `${lang}: ${text}`);
  }
});

test('negative and wrapped C literals fold to their two\'s-complement 32-bit value', async () => {
  for (const decl of ['uint32_t v = -1;', 'unsigned v = -1;', 'int v = -1;', 'uint32_t v = 4294967295 + 1 - 1;']) {
    const [s] = await analyzeAs('c', `void f(int fd) { ${decl} setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v)); }`);
    assert.equal(s?.value?.packed, 0xffffffff, decl);
    assert.deepEqual([s?.value?.lo, s?.value?.hi], [65535, 65535], decl);
  }
  const [w] = await analyzeAs('c', 'void f(int fd) { uint32_t v = -65536 + 40000; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v)); }');
  assert.deepEqual([w?.value?.lo, w?.value?.hi], [40000, 65535]);
});

test('a limit still hit is a per-file note, in every language (here: the evaluation budget)', async () => {
  const { createAnalyzer } = await import('../../server/src/analysis/index');
  const a = await createAnalyzer({ incremental: false, maxEvalSteps: 3 });
  try {
    const texts: [Parameters<typeof analyzeAs>[0], string][] = [
      ['c', 'void f(int fd) { unsigned v = ((40100u << 16) | 40000) + 0 + 0 + 0; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }'],
      ['python', 'import socket\ns = socket.socket()\ns.setsockopt(socket.SOL_IP, 51, ((40100 << 16) | 40000) + 0 + 0 + 0)\n'],
      ['go', 'package p\nimport "golang.org/x/sys/unix"\nfunc f(fd int) { unix.SetsockoptInt(fd, unix.SOL_IP, 51, ((40100 << 16) | 40000) + 0 + 0 + 0) }\n'],
    ];
    for (const [lang, text] of texts) {
      const r = a.analyze(`x.${lang === 'python' ? 'py' : lang}`, text, lang, DEFAULT_CONFIG);
      assert.equal(r.callSites.length, 1, lang);
      assert.equal(r.callSites[0]!.value?.packed ?? null, null, lang); // unknown, not guessed
      assert.deepEqual(r.notes?.map((n) => [n.kind, n.id]), [['limit', 'budget']], lang);
      assert.match(r.notes![0]!.message, /^evaluation budget spent at line 1|^evaluation budget spent at line 3/);
    }
  } finally {
    a.dispose();
  }
});
