/**
 * Rates and time to exhaustion across samples, on a generated /proc tree (PORT_RANGE_LENS_PROC
 * hook): what `pressure --interval/--watch` and the editor's live panel report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PressureSampler } from '../../server/src/pressure/sampler';

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
// 127.0.0.1 -> 127.0.0.1:5000 from local port p, state 01 (ESTABLISHED), little-endian words.
const line = (i: number, p: number) => `${String(i).padStart(4)}: 0100007F:${hex(p, 4)} 0100007F:1388 01 00000000:00000000 00:00000000 00000000 0 0 ${i} 1\n`;

test('second sample: new connections per second and seconds to exhaustion; first sample has none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prl-sampler-'));
  const prev = process.env.PORT_RANGE_LENS_PROC;
  try {
    mkdirSync(join(dir, 'net'));
    const write = (ports: number[]) => writeFileSync(join(dir, 'net', 'tcp'), HEAD + ports.map((p, i) => line(i, p)).join(''));
    for (const f of ['tcp6', 'udp', 'udp6']) writeFileSync(join(dir, 'net', f), HEAD);
    process.env.PORT_RANGE_LENS_PROC = dir;
    const s = new PressureSampler();
    const opts = { netnsRange: { lo: 40000, hi: 40099 }, reserved: '', ranges: [], source: 'proc' as const };
    write([40000, 40001, 40002, 40003]);
    const a = s.sample(opts);
    assert.deepEqual(a.rates, {});
    assert.equal(a.report.destinations[0]!.secondsToExhaustion, null);
    assert.equal(a.report.destinations[0]!.inUse, 4);
    await new Promise((r) => setTimeout(r, 500));
    write([40002, 40003, 40010, 40011, 40012, 40013, 40014, 40015]); // 2 closed, 6 new
    const b = s.sample(opts);
    const d = b.report.destinations[0]!;
    assert.equal(d.inUse, 8);
    const rate = b.rates['tcp 127.0.0.1:5000']!;
    const seconds = (b.time - a.time) / 1000;
    assert.ok(Math.abs(rate - 6 / seconds) < 6 / seconds * 0.2, `rate ${rate}, expected about ${6 / seconds}`);
    assert.ok(d.secondsToExhaustion !== null && Math.abs(d.secondsToExhaustion - 92 / rate) < 1e-6);
  } finally {
    if (prev === undefined) delete process.env.PORT_RANGE_LENS_PROC;
    else process.env.PORT_RANGE_LENS_PROC = prev;
    rmSync(dir, { recursive: true, force: true });
  }
});
