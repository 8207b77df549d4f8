/** The pure views of "Verify on this machine's kernel", the live pressure panel and the status bar addition. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVerifyView } from '../../client/src/webview/verifyModel';
import { buildPressureModel, pressureStatus, pushSample, HISTORY } from '../../client/src/webview/pressureModel';
import { notRun } from '../../server/src/kernel/verify';
import type { PressureForEditorView } from '../../server/src/machineRequests';

const side = { successes: 100, firstFailure: null, parity: { even: 100, odd: 0 }, portsUsed: 100 };

test('verify view: two columns, the differing row marked, every difference listed', () => {
  const v = buildVerifyView({
    ms: 812, engine: side,
    kernel: { ran: true, reason: null, release: '6.18.44', ...side, parity: { even: 50, odd: 50 }, agrees: false, differences: ['parity split: kernel 50e/50o, engine 100e/0o (z = 8.2)'] },
  });
  assert.equal(v.heading, 'Linux 6.18.44 · private network namespace · 0.8 s');
  assert.equal(v.verdict, '1 difference from the simulation');
  assert.deepEqual(v.rows.filter((r) => r.differs).map((r) => [r.label, r.engine, r.kernel]), [['Parity', '100 even · 0 odd', '50 even · 50 odd']]);
  assert.equal(v.rows.length, 4);
  assert.deepEqual(v.differences, ['parity split: kernel 50e/50o, engine 100e/0o (z = 8.2)']);
  const no = buildVerifyView({ ms: 1, engine: null, kernel: notRun('unshare(1) not found (/x; util-linux)') });
  assert.equal(no.ran, false);
  assert.equal(no.verdict, 'unshare(1) not found (/x; util-linux)');
});

function sample(time: number, inUse: number, rate = 0): PressureForEditorView {
  return {
    time, source: 'ss', sockets: inUse + 1, note: null, rates: rate ? { 'tcp 10.0.0.1:443': rate } : {},
    declared: [{ lo: 40000, hi: 40999, at: ['a.c:3', 'b.c:4', 'c.c:5', 'd.c:6'] }],
    report: {
      version: 1, netnsRange: { lo: 32768, hi: 60999 }, reserved: '',
      destinations: [{ proto: 'tcp', destination: '10.0.0.1:443', inUse, timeWait: 2, capacity: 1000, usedFraction: inUse / 1000, secondsToExhaustion: rate ? (1000 - inUse) / rate : null }],
      ranges: [{ lo: 40000, hi: 40999, inUse, capacity: 1000, usedFraction: inUse / 1000 }],
    },
  };
}

test('pressure model: series over time per destination, table with rate and exhaustion, declared slices marked', () => {
  let h: PressureForEditorView[] = [];
  h = pushSample(h, sample(1_000, 100));
  h = pushSample(h, sample(4_000, 400, 100));
  const m = buildPressureModel(h)!;
  assert.deepEqual(m.series, [{ label: 'tcp 10.0.0.1:443', points: [{ x: 0, y: 10 }, { x: 3, y: 40 }] }]);
  assert.deepEqual(m.rows[0], { proto: 'tcp', destination: '10.0.0.1:443', inUse: 400, timeWait: 2, capacity: 1000, used: '40.0%', rate: '100.0/s', exhaustion: '6 s' });
  assert.deepEqual(m.declared, [{ range: '40000–40999', inUse: 400, capacity: 1000, used: '40.0%', fraction: 0.4, at: 'a.c:3, b.c:4, c.c:5 … 1 more' }]);
  for (let i = 0; i < HISTORY + 5; i++) h = pushSample(h, sample(5_000 + i, 1));
  assert.equal(h.length, HISTORY);
});

test('status bar: the busiest destination only past the threshold; 0 turns it off', () => {
  assert.equal(pressureStatus(sample(0, 700), 0.8), null);
  assert.deepEqual(pressureStatus(sample(0, 850), 0.8)?.text, '$(flame) 85% 10.0.0.1:443');
  assert.match(pressureStatus(sample(0, 850), 0.8)!.tooltip, /850 of 1000 in use/);
  assert.equal(pressureStatus(sample(0, 999), 0), null);
});
