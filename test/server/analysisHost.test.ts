/** The analyzer worker: answers, restarts after a run over budget, keeps serving afterwards. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AnalysisHost } from '../../server/src/analysisHost';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import { ensureBuilt, ROOT, SERVER_JS } from './lspClient';

const GOOD = 'int f(int fd){ unsigned v = (40511u << 16) | 40000u; return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v)); }\n';

test('an analysis over its budget is abandoned, the worker restarts and serves the next file', { timeout: 60_000 }, async () => {
  ensureBuilt();
  const logs: string[] = [];
  const host = new AnalysisHost({ script: SERVER_JS, wasmDir: join(ROOT, 'dist'), queryDir: join(ROOT, 'dist', 'queries'), timeoutMs: 1500, log: (m) => logs.push(m) });
  try {
    const ok = await host.analyze('/v/a.c', GOOD, 'c', DEFAULT_CONFIG);
    assert.equal(ok.error, undefined);
    assert.equal(ok.callSites.length, 1);
    assert.deepEqual([ok.callSites[0]!.value?.lo, ok.callSites[0]!.value?.hi], [40000, 40511]);
    // 40,000 call sites: far more than 1.5 s of analysis on any machine.
    const huge = Array.from({ length: 40_000 }, (_, i) => `int f${i}(int fd){ unsigned v = (40511u << 16) | 40000u; return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v)); }`).join('\n');
    const t0 = Date.now();
    const slow = await host.analyze('/v/huge.c', huge, 'c', DEFAULT_CONFIG);
    assert.match(slow.error ?? '', /abandoned after 1500 ms/);
    assert.ok(Date.now() - t0 < 10_000, 'answered soon after the budget');
    assert.equal(host.restarts, 1);
    assert.ok(logs.some((l) => l.includes('analysis did not finish within 1500 ms: abandoned, analyzer restarted')), logs.join('\n'));
    const again = await host.analyze('/v/b.c', GOOD, 'c', DEFAULT_CONFIG);
    assert.equal(again.error, undefined);
    assert.equal(again.callSites.length, 1);
  } finally {
    host.dispose();
  }
});

test('requests queue in order; a superseded queued run is answered with the newer result', async () => {
  ensureBuilt();
  const host = new AnalysisHost({ script: SERVER_JS, wasmDir: join(ROOT, 'dist'), queryDir: join(ROOT, 'dist', 'queries') });
  try {
    const a = host.analyze('/v/q1.c', GOOD, 'c', DEFAULT_CONFIG);
    const b = host.analyze('/v/q2.c', GOOD, 'c', DEFAULT_CONFIG);
    host.supersede('/v/q2.c', { callSites: [], error: 'superseded' });
    assert.equal((await b).error, 'superseded');
    assert.equal((await a).callSites.length, 1);
    assert.equal(host.pending, 0);
    // Background (scan) work waits behind open documents queued later.
    const order: string[] = [];
    const first = host.analyze('/v/busy.c', GOOD, 'c', DEFAULT_CONFIG).then(() => order.push('busy'));
    const bg = host.analyze('/v/scan.c', GOOD, 'c', DEFAULT_CONFIG, false).then(() => order.push('scan'));
    const fg = host.analyze('/v/open.c', GOOD, 'c', DEFAULT_CONFIG).then(() => order.push('open'));
    await Promise.all([first, bg, fg]);
    assert.deepEqual(order, ['busy', 'open', 'scan']);
  } finally {
    host.dispose();
  }
  assert.equal((await host.analyze('/v/x.c', GOOD, 'c', DEFAULT_CONFIG)).error, 'server shutting down');
});
