import { ERRNO } from '../../engine/src/errno';
/**
 * A hand-built SimulationReport for the page tests (independent of the engine, so the
 * page can be tested on its own; the engine-backed report is tested beside it).
 */
import type { SimulateParams, SimulationReport } from '../../server/src/protocol';
import type { Op, OpResult, ScenarioResult } from '../../engine/src/scenarioTypes';

/** Sockets 0..n-1 each connect; ports are taken in `order` until it runs out → EADDRNOTAVAIL. */
function scenario(order: number[], sockets: number): { ops: Op[]; result: ScenarioResult } {
  const ops: Op[] = [];
  const results: OpResult[] = [];
  let successes = 0;
  let firstFailure: ScenarioResult['stats']['firstFailure'] = null;
  let even = 0;
  let odd = 0;
  for (let s = 0; s < sockets; s++) {
    ops.push({ op: 'socket', sock: s, proto: 'tcp' });
    results.push({ index: results.length, op: 'socket', sock: s, port: null, errno: null });
    ops.push({ op: 'connect', sock: s, addr: '192.0.2.1', port: 80 });
    const port = order[s];
    if (port === undefined) {
      const index = results.length;
      results.push({ index, op: 'connect', sock: s, port: null, errno: 'EADDRNOTAVAIL' });
      firstFailure ??= { index, errno: 'EADDRNOTAVAIL' };
      break;
    }
    results.push({ index: results.length, op: 'connect', sock: s, port, errno: null });
    successes++;
    if (port % 2 === 0) even++;
    else odd++;
  }
  return { ops, result: { results, stats: { successes, firstFailure, parity: { even, odd }, portsUsed: successes } } };
}

export function fixtureReport(over: Partial<SimulateParams> = {}, sockets = 20): SimulationReport {
  const params: SimulateParams = {
    proto: 'tcp',
    family: 4,
    op: 'connect',
    range: { lo: 40000, hi: 40015 },
    count: 'exhaust',
    destinations: ['192.0.2.1:80'],
    kernel: '6.18',
    seed: 1,
    netns: { portRange: { lo: 32768, hi: 60999 }, reservedPorts: '40004-40005' },
    reuseAddr: false,
    bindAddressNoPort: false,
    ...over,
  };
  const withOrder = [40007, 40008, 40009, 40010, 40011, 40012, 40013, 40014, 40015, 40000, 40001, 40002, 40003, 40006];
  const withoutOrder = Array.from({ length: sockets }, (_, i) => 33000 + i * 2);
  const w = scenario(withOrder, sockets);
  const wo = scenario(withoutOrder, sockets);
  return {
    params,
    effective: { lo: 40000, hi: 40015, rule: 'socket' },
    netnsRange: { lo: 32768, hi: 60999 },
    reserved: '40004-40005',
    reservedSpans: [{ lo: 40004, hi: 40005 }],
    ops: w.ops,
    withOption: w.result,
    withoutOption: wo.result,
    cli: "port-range-lens simulate --proto tcp --op connect --range 40000-40015 --count exhaust --dest 192.0.2.1:80 --kernel 6.18 --seed 1 --netns-range 32768-60999 --reserved '40004-40005' --format json",
    errnoNumbers: { ...ERRNO },
  };
}
