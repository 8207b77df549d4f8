// Re-use after an edit (reuse.ts) must not miss a name a call site reaches only through a
// macro or a global's initializer: writing that global elsewhere changes the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnalyzer } from '../../server/src/analysis/index';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';

const SRC = `static uint32_t g = 40000;
static const uint32_t h = g;
#define LO g
void other(int x) {
  int y = x;
}
void f(int fd) {
  uint32_t v = (40100u << 16) | LO;
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
}
`;

test('an edit that writes a global used through a macro re-runs the analysis', async () => {
  const inc = await createAnalyzer({ incremental: true });
  const fresh = await createAnalyzer({ incremental: false });
  try {
    for (const [edit, reusable] of [
      [SRC.replace('int y = x;', 'int y = x + 1;'), true],
      [SRC.replace('int y = x;', 'int y = x; g = 41000;'), false],
      [SRC.replace('int y = x;', 'int y = x; h++;'), false],
    ] as const) {
      inc.analyze('a.c', SRC, 'c', DEFAULT_CONFIG);
      const a = inc.analyze('a.c', edit, 'c', DEFAULT_CONFIG);
      const b = fresh.analyze('a.c', edit, 'c', DEFAULT_CONFIG);
      assert.equal(a.reused === true, reusable, edit);
      assert.deepEqual(a.callSites.map((c) => c.value), b.callSites.map((c) => c.value), edit);
    }
    // The fresh analysis indeed differs once g is written elsewhere (the test can fail).
    const written = fresh.analyze('a.c', SRC.replace('int y = x;', 'int y = x; g = 41000;'), 'c', DEFAULT_CONFIG);
    assert.equal(written.callSites[0]?.value?.lo, null);
  } finally {
    inc.dispose();
    fresh.dispose();
  }
});
