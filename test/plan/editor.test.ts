// The planner and decoder as the editor asks for them (server/src/plan/editor.ts, pure):
// the same plan as the CLI, errors as data, defaults from the workspace's call sites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPortRanges } from '../../engine/src/plan/index';
import { planJson } from '../../server/src/plan/present';
import { decodeForEditor, planCommandLine, planDefaults, planForEditor } from '../../server/src/plan/editor';
import { analyzeAs } from '../analysis/helpers';

const target = { netnsRange: { lo: 40000, hi: 40999 }, reserved: '40500-40599', kernel: '6.18' };

test('planForEditor: the CLI JSON plus the chart data and the reproducing command', () => {
  const v = planForEditor({ ...target, workers: 3, destinations: ['192.0.2.10:443'] });
  assert.ok(v.ok);
  const cli = planJson(planPortRanges({ workers: 3, destinations: ['192.0.2.10:443'], netns: { portRange: target.netnsRange, reservedPorts: target.reserved } }));
  assert.deepEqual(v.slices, cli.slices);
  assert.deepEqual(v.code, cli.code);
  assert.deepEqual(v.reservedInside, [0, 100, 0]);
  assert.equal(v.cli, 'port-range-lens plan --workers 3 --netns-range 40000-40999 --reserved 40500-40599 --kernel 6.18 --dst 192.0.2.10:443');
  assert.equal(planCommandLine({ ...target, weights: [3, 1], need: 10 }), 'port-range-lens plan --weights 3,1 --netns-range 40000-40999 --reserved 40500-40599 --kernel 6.18 --need 10');
});

test('planForEditor and decodeForEditor: bad input comes back as the CLI message', () => {
  assert.deepEqual(planForEditor({ ...target, workers: 0 }), { ok: false, error: 'workers must be a positive integer (got 0)' });
  assert.deepEqual(planForEditor({ ...target, workers: 2, destinations: ['db:1'] }).ok, false);
  const d = decodeForEditor('nope', target);
  assert.equal(d.ok, false);
  const ok = decodeForEditor('[0x9e3f9c40 /* 40000..40511 */]', target);
  assert.ok(ok.ok);
  assert.deepEqual([ok.lo, ok.hi, ok.effective], [40000, 40511, { lo: 40000, hi: 40511, rule: 'socket' }]);
});

test('planDefaults: the distinct valid ranges the workspace already sets', async () => {
  const sites = await analyzeAs('python', [
    'import socket, struct',
    's = socket.socket()',
    's.setsockopt(socket.SOL_IP, 51, struct.pack("=I", 40511 << 16 | 40000))',
    's.setsockopt(socket.SOL_IP, 51, struct.pack("=I", 40511 << 16 | 40000))',
    's.setsockopt(socket.SOL_IP, 51, struct.pack("=I", 40000 << 16 | 40511))',
    's.setsockopt(socket.SOL_IP, 51, struct.pack("=I", 41023 << 16 | 40512))',
  ].join('\n'));
  const d = planDefaults({ ...target, smallRangeThreshold: 64 }, sites);
  assert.deepEqual(d.existing.map((e) => [e.lo, e.hi, e.line]), [[40000, 40511, 2], [40512, 41023, 5]]);
  assert.deepEqual(d.netnsRange, target.netnsRange);
});
