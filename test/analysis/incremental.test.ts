import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnalyzer } from '../../server/src/analysis/index';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import type { CallSite } from '../../server/src/analysis/callSite';

const SRC = `static const uint32_t HI = 40511;
void other(int x) {
  int y = x + 1;
}
void f(int fd) {
  uint32_t v = (HI << 16) | 40000u;
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
}
void g(int x) {
  int z = x * 2;
}
`;

const summary = (s: CallSite[]) => s.map((c) => [c.span.line, c.value?.lo, c.value?.hi, c.diagnostics.map((d) => d.code).join(',')]);

test('edits re-analyse incrementally and give the same answer as a fresh analysis', async () => {
  const inc = await createAnalyzer({ incremental: true });
  const fresh = await createAnalyzer({ incremental: false });
  const edits: string[] = [
    SRC.replace('int y = x + 1;', 'int y = x + 2;'), // unrelated function, same line count
    SRC.replace('int y = x + 1;', 'int y = x + 1;\n  y++;\n  y--;'), // adds lines above the call
    SRC.replace('int z = x * 2;', 'int z = x * 3;\n'), // below the call
    SRC.replace('HI = 40511', 'HI = 40000'), // a global the call uses
    SRC.replace('int y = x + 1;', 'int y = x + 1; HI = 3;'), // a write to that global elsewhere
    SRC.replace('40000u;', '40001u;'), // the call's own function
    SRC.replace('void g(int x) {', '#define X 1\nvoid g(int x) {'),
    SRC.replace('int z = x * 2;', 'int z = x * 2; setsockopt(z, SOL_IP, IP_LOCAL_PORT_RANGE, &z, 2);'),
  ];
  try {
    const reusedFor: boolean[] = [];
    for (const e of edits) {
      inc.analyze('a.c', SRC, 'c', DEFAULT_CONFIG);
      const a = inc.analyze('a.c', e, 'c', DEFAULT_CONFIG);
      reusedFor.push(a.reused === true);
      const b = fresh.analyze('a.c', e, 'c', DEFAULT_CONFIG);
      assert.deepEqual(summary(a.callSites), summary(b.callSites), e);
      assert.deepEqual(a.callSites.map((c) => c.socket), b.callSites.map((c) => c.socket));
    }
    // Only the edits in functions without call sites, touching no name they use, re-use.
    assert.deepEqual(reusedFor, [true, true, true, false, false, false, false, false]);
  } finally {
    inc.dispose();
    fresh.dispose();
  }
});
