// Re-analysis after an edit inside a function that holds call sites (reuse.ts tryFocused):
// only that function goes through the adapter again; everything must equal a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnalyzer } from '../../server/src/analysis/index';
import { createParserHost, diffEdit } from '../../server/src/analysis/parser';
import { reuseState, tryFocused } from '../../server/src/analysis/reuse';
import { cAdapter } from '../../server/src/analysis/languages/c';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';

process.env.PRL_STRICT = '1';

const SRC = `#define PACK(lo, hi) (((uint32_t)(hi) << 16) | (lo))
static uint32_t g = (40100u << 16) | 40000u;
static void set_range(int fd, int lo, int hi) {
  uint32_t v = PACK(lo, hi);
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
}
void a(int fd) {
  int y = 1;
  uint32_t v = PACK(40000, 40100);
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
}
void b(int fd) {
  int z = 2;
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &g, sizeof g);
  set_range(fd, 41000, 41100);
}
void c(int fd) {
  int w = 3;
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &g, 2);
}
`;

/** Is the focused path taken for this edit (direct call, same inputs as the analyzer)? */
async function focusedTaken(before: string, after: string): Promise<boolean> {
  const host = await createParserHost({ grammars: ['c'] });
  try {
    const query = host.query('c')!;
    const t0 = host.parse('c', before)!;
    const raws = cAdapter.findCallSites({ file: 'a.c', text: before, language: 'c', tree: t0, query, hostByteOrder: 'little' });
    const state = reuseState(t0, before, raws, 'c');
    const edit = diffEdit(before, after)!;
    const t1 = host.parse('c', after, { tree: t0, text: before, edit })!;
    const r = tryFocused(edit, before, after, t1, raws, state,
      (masked) => cAdapter.findCallSites({ file: 'a.c', text: masked, language: 'c', tree: t1, query, hostByteOrder: 'little' }));
    t0.delete();
    t1.delete();
    return r !== null;
  } finally {
    host.dispose();
  }
}

const EDITS: [string, string, boolean][] = [
  ['a local in a call-site function', SRC.replace('int y = 1;', 'int y = 1 + 2;\n  y++;'), true],
  ['the value of the call', SRC.replace('PACK(40000, 40100)', 'PACK(40000, 40200)'), true],
  ['the optlen of the call', SRC.replace('&v, sizeof v);\n}\nvoid b', '&v, 2);\n}\nvoid b'), true],
  ['a line that names the global (even only read)', SRC.replace('&g, 2);', '&g, 4);'), false],
  ['a new call in the function', SRC.replace('int y = 1;', 'int y = 1;\n  uint32_t q = 5; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &q, 4);'), true],
  ['a call of the helper added', SRC.replace('int y = 1;', 'int y = 1; set_range(fd, 40000, 40001);'), false],
  ['a write to the global', SRC.replace('int y = 1;', 'int y = 1; g = 7;'), false],
  ['the address of the global', SRC.replace('int w = 3;', 'int w = 3; fill(&g);'), false],
  ['inside the helper', SRC.replace('uint32_t v = PACK(lo, hi);', 'uint32_t v = PACK(hi, lo);'), false],
  ['a directive', SRC.replace('int z = 2;', 'int z = 2;\n#define Q 1'), false],
];

test('edits inside call-site functions: same result as a fresh analysis, adapter re-run for that function only', async () => {
  const inc = await createAnalyzer({ incremental: true });
  const fresh = await createAnalyzer({ incremental: false });
  try {
    for (const [label, edited, focused] of EDITS) {
      inc.analyze('a.c', SRC, 'c', DEFAULT_CONFIG);
      const x = inc.analyze('a.c', edited, 'c', DEFAULT_CONFIG);
      const y = fresh.analyze('a.c', edited, 'c', DEFAULT_CONFIG);
      assert.deepEqual(x.callSites, y.callSites, label);
      assert.equal(await focusedTaken(SRC, edited), focused, `${label}: focused path ${focused ? 'not ' : ''}taken`);
    }
  } finally {
    inc.dispose();
    fresh.dispose();
  }
});

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

test('random sequences of edits inside functions: always the same as a fresh analysis', async () => {
  const r = rng(5);
  const inc = await createAnalyzer({ incremental: true });
  const fresh = await createAnalyzer({ incremental: false });
  const snippets = [' y = y + 1;', ' g = 3;', ' set_range(fd, 40000, 40010);', ' int k = 40001;', ' v = 5;', ' fill(&g);', ' fill(&v);',
    ' setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4);', ' /* c */', ' z--;', ' int g = 1;', ' 42;', '\n', ' {', ' }', ' PACK(1, 2);'];
  try {
    let text = SRC;
    inc.analyze('r.c', text, 'c', DEFAULT_CONFIG);
    for (let i = 0; i < 120; i++) {
      const lines = text.split('\n');
      const at = 1 + Math.floor(r() * (lines.length - 2));
      if (r() < 0.7) lines[at] = lines[at] + snippets[Math.floor(r() * snippets.length)]!;
      else lines[at] = lines[at]!.slice(0, Math.floor(r() * lines[at]!.length));
      text = lines.join('\n');
      const x = inc.analyze('r.c', text, 'c', DEFAULT_CONFIG);
      const y = fresh.analyze('r.c', text, 'c', DEFAULT_CONFIG);
      assert.deepEqual(x.callSites, y.callSites, `edit ${i}:\n${text}`);
      if (i % 30 === 29) { text = SRC; inc.analyze('r.c', text, 'c', DEFAULT_CONFIG); }
    }
  } finally {
    inc.dispose();
    fresh.dispose();
  }
});
