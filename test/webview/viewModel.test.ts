import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildViewModel, socketOutcomes, TABLE_ROW_LIMIT } from '../../client/src/webview/viewModel';
import { contentSecurityPolicy, escapeHtml, makeNonce, pageHtml } from '../../client/src/webview/html';
import { buildParams, parseDestinations, parseSocketRange as parseRange } from '../../server/src/simulationSetup';
import type { ScenarioResult } from '../../engine/src/scenarioTypes';
import { fixtureReport } from './fixture';
import { parseReservedPorts } from '../../engine/src/sysctl';
import { randomBytes } from 'node:crypto';

const HOSTILE = `</script><img src=x onerror="window.__pwned=1">&amp;<b>`;

test('view model: effective range, exhaustion point and errno, parity, comparison side', () => {
  const vm = buildViewModel(fixtureReport(), 'client.c:42 setsockopt');
  assert.equal(vm.title, 'Simulation: client.c:42 setsockopt');
  assert.equal(vm.withOption.effective, '40000–40015');
  assert.equal(vm.withOption.size, '16 ports');
  // 14 ports handed out (16 minus the 2 reserved), the 15th socket fails.
  assert.equal(vm.withOption.successes, '14 sockets got a port');
  assert.equal(vm.withOption.failedAt, 15);
  assert.equal(vm.withOption.errno, 'EADDRNOTAVAIL');
  assert.equal(vm.withOption.errnoNumber, 99);
  assert.equal(vm.withOption.exhaustion, 'Exhausted at socket 15: connect() → EADDRNOTAVAIL (errno 99)');
  assert.equal(vm.withOption.parity.even + vm.withOption.parity.odd, 14);
  assert.match(vm.withOption.parity.text, /^7 even · 7 odd \(50% even\)$/);
  assert.equal(vm.withoutOption.effective, '32768–60999');
  assert.equal(vm.withoutOption.exhausted, false);
  assert.equal(vm.withoutOption.exhaustion, 'No failure in 20 sockets');
  assert.equal(vm.withoutOption.parity.text, '20 even · 0 odd (100% even)');
  assert.equal(vm.rangeSummary, 'Effective range 40000–40015 (16 ports) inside the netns range 32768–60999');
  assert.deepEqual(vm.portLine.reserved, [{ lo: 40004, hi: 40005 }]);
  assert.equal(vm.portLine.labels.reserved, 'reserved 40004-40005');
  assert.ok(vm.portLine.zoom.lo <= 32768 && vm.portLine.zoom.hi >= 60999);
  assert.equal(vm.chart.with.length, 14);
  assert.deepEqual(vm.chart.with[0], { x: 1, y: 40007 });
  assert.equal(vm.chart.xMax, 20);
  assert.equal(vm.chart.yMin, 33000);
  assert.equal(vm.chart.yMax, 40015);
  assert.match(vm.cli, /^port-range-lens simulate /);
  assert.deepEqual(JSON.parse(vm.json), fixtureReport());
});

test('view model: the table is the chart as rows, one per socket, cut at the limit', () => {
  const vm = buildViewModel(fixtureReport());
  assert.equal(vm.table.rows.length, 20);
  assert.deepEqual(vm.table.rows[0], ['1', '40007', 'ok', '33000', 'ok']);
  assert.deepEqual(vm.table.rows[14], ['15', '—', 'EADDRNOTAVAIL (errno 99)', '33028', 'ok']);
  assert.deepEqual(vm.table.rows[15], ['16', '', 'not run', '33030', 'ok']);
  assert.equal(vm.table.truncated, null);
  const big = buildViewModel(fixtureReport({}, TABLE_ROW_LIMIT + 5));
  assert.equal(big.table.rows.length, TABLE_ROW_LIMIT);
  assert.match(big.table.truncated ?? '', /First 1,000 of 1,005 sockets/);
});

test('view model: code-derived strings pass through as plain text, never as markup', () => {
  const r = fixtureReport({ destinations: [HOSTILE] });
  r.reserved = HOSTILE;
  r.cli = `port-range-lens simulate --dest '${HOSTILE}'`;
  const vm = buildViewModel(r, HOSTILE);
  // The model keeps the text verbatim (the page sets it with textContent) ...
  assert.equal(vm.title, `Simulation: ${HOSTILE}`);
  assert.ok(vm.subtitle.includes(HOSTILE));
  assert.ok(vm.cli.includes(HOSTILE));
  // ... and the reserved text is never parsed by the page: its runs are the engine's numbers.
  assert.deepEqual(vm.portLine.reserved, r.reservedSpans);
  // Every value is a string or number: nothing for the page to parse.
  const walk = (x: unknown): void => {
    if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return;
    assert.equal(typeof x, 'object');
    for (const v of Object.values(x as object)) walk(v);
  };
  walk(vm);
});

test('page shell: strict CSP with a nonce, title escaped, no inline script or style', () => {
  const nonce = makeNonce((n) => randomBytes(n));
  assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(nonce, makeNonce((n) => randomBytes(n)));
  const csp = contentSecurityPolicy('https://webview.test', nonce);
  assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src https://webview.test; img-src https://webview.test data:; font-src https://webview.test`);
  assert.ok(!csp.includes('unsafe'));
  const html = pageHtml({ cspSource: 'https://webview.test', nonce, scriptUri: 'https://webview.test/dist/webview.js', styleUri: 'https://webview.test/dist/webview.css', title: HOSTILE });
  assert.ok(!html.includes('<img'), 'hostile title must be escaped');
  assert.ok(html.includes('&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&amp;amp;'));
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.ok(html.includes(`<script nonce="${nonce}" src="https://webview.test/dist/webview.js"></script>`));
  assert.ok(!/style=/.test(html) && !/<style/.test(html));
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('view model: rule other than "socket" explains itself; option flags add notes', () => {
  const r = fixtureReport({ range: { lo: 20000, hi: 40015 }, bindAddressNoPort: true, reuseAddr: true });
  r.effective = { lo: 32768, hi: 40015, rule: 'socket-hi' };
  const vm = buildViewModel(r);
  assert.equal(vm.rule, 'socket-hi');
  assert.match(vm.ruleText, /only hi lies inside the netns range/);
  assert.equal(vm.notes.length, 4);
  assert.match(vm.notes[0], /^The socket asked for 20000–40015, but only hi/);
  assert.match(vm.notes[1], /IP_BIND_ADDRESS_NO_PORT/);
  assert.deepEqual(vm.portLine.option, { lo: 20000, hi: 40015 });
  assert.ok(vm.portLine.zoom.lo < 20000);
});

test('socketOutcomes: bind() with IP_BIND_ADDRESS_NO_PORT gets no port, the connect() after it does', () => {
  const res: ScenarioResult = {
    results: [
      { index: 0, op: 'socket', sock: 7, port: null, errno: null },
      { index: 1, op: 'setsockopt', sock: 7, port: null, errno: null },
      { index: 2, op: 'bind', sock: 7, port: null, errno: null },
      { index: 3, op: 'connect', sock: 7, port: 40001, errno: null },
      { index: 4, op: 'socket', sock: 8, port: null, errno: null },
      { index: 5, op: 'bind', sock: 8, port: null, errno: 'EADDRINUSE' },
      { index: 6, op: 'connect', sock: 8, port: null, errno: 'EINVAL' },
    ],
    stats: { successes: 1, firstFailure: { index: 5, errno: 'EADDRINUSE' }, parity: { even: 0, odd: 1 }, portsUsed: 1 },
  };
  assert.deepEqual(socketOutcomes(res), [
    { n: 1, op: 'connect', port: 40001, errno: null },
    { n: 2, op: 'bind', port: null, errno: 'EADDRINUSE' },
  ]);
});

test('reserved runs come from the engine (ReservedPorts.spans, the same parser as /proc), not a copy in the page', () => {
  const r = parseReservedPorts('40007,40000-40004,40003-40005\n50001');
  assert.ok(r.ok);
  assert.deepEqual(r.value.spans(), [{ lo: 40000, hi: 40005 }, { lo: 40007, hi: 40007 }, { lo: 50001, hi: 50001 }]);
  assert.equal(r.value.toString(), '40000-40005,40007,50001');
  const vm = buildViewModel({ ...fixtureReport(), reservedSpans: r.value.spans() });
  assert.deepEqual(vm.portLine.reserved, [{ lo: 40000, hi: 40005 }, { lo: 40007, hi: 40007 }, { lo: 50001, hi: 50001 }]);
  const { reservedSpans: _, ...old } = fixtureReport();
  assert.deepEqual(buildViewModel(old as never).portLine.reserved, [], 'a report restored from an older version draws no runs and does not throw');
});

test('simulate params: code facts win, answers fill the rest, defaults last', () => {
  const env = { netns: { portRange: { lo: 32768, hi: 60999 } }, kernel: '6.8' };
  const facts = { proto: 'udp' as const, family: 6 as const, lo: 40000, hi: 40511, packed: 0x9e3f9c40, reuseAddr: true, bindAddressNoPort: false, op: null, destinations: [], label: 'a.py:3 setsockopt' };
  const p = buildParams(facts, {}, env);
  assert.deepEqual(p, {
    proto: 'udp', family: 6, op: 'sendto', range: { lo: 40000, hi: 40511 }, count: 'exhaust', destinations: ['[::1]:5000'],
    kernel: '6.8', seed: 1, netns: env.netns, reuseAddr: true, bindAddressNoPort: false,
  });
  const q = buildParams(facts, { op: 'bind', count: 10, seed: 7, kernel: '6.3', range: '1000-2000' }, env);
  assert.equal(q.op, 'bind');
  assert.deepEqual(q.destinations, []);
  assert.deepEqual(q.range, { lo: 1000, hi: 2000 });
  assert.equal(q.count, 10);
  assert.equal(buildParams(null, {}, env).proto, 'tcp');
  assert.equal(buildParams(null, {}, env).op, 'connect');
  assert.equal(buildParams(null, {}, env).range, null);
  assert.deepEqual(parseRange(' 40000 - 40511 '), { lo: 40000, hi: 40511 });
  assert.throws(() => parseRange('40000'), /not a port range/);
  assert.throws(() => parseRange('1-70000'), /0\.\.65535/);
  assert.deepEqual(parseDestinations('192.0.2.1:80, [2001:db8::1]:443'), ['192.0.2.1:80', '[2001:db8::1]:443']);
  assert.throws(() => parseDestinations('<img>:80'), /not addr:port/);
});

test('view model of a real engine run (the report the server sends)', async () => {
  const { runSimulation } = await import('../../engine/src/simulate');
  const r = runSimulation({
    proto: 'tcp', family: 4, op: 'connect', range: { lo: 40000, hi: 40511 }, count: 'exhaust', destinations: ['127.0.0.1:5000'],
    kernel: '6.18', seed: 1, netns: { portRange: { lo: 32768, hi: 60999 }, reservedPorts: '40100-40109' }, reuseAddr: false, bindAddressNoPort: false,
  });
  const vm = buildViewModel(r, 'egress.c:42 setsockopt');
  // 512 ports minus 10 reserved: the 503rd connect() finds no free port.
  assert.equal(vm.withOption.successes, '502 sockets got a port');
  assert.equal(vm.withOption.exhaustion, 'Exhausted at socket 503: connect() → EADDRNOTAVAIL (errno 99)');
  assert.equal(vm.withoutOption.effective, '32768–60999');
  assert.equal(vm.withoutOption.failedAt, 28223);
  assert.ok(vm.chart.with.every((p) => p.y >= 40000 && p.y <= 40511 && (p.y < 40100 || p.y > 40109)));
  assert.equal(new Set(vm.chart.with.map((p) => p.y)).size, 502);
  assert.equal(vm.table.rows.length, TABLE_ROW_LIMIT);
  assert.equal(vm.cli, r.cli);
});

test('view model: several destinations show the capacity per destination; failure reasons are kept', async () => {
  const { runSimulation } = await import('../../engine/src/simulate');
  const r = runSimulation({
    proto: 'tcp', family: 4, op: 'connect', range: { lo: 40000, hi: 40015 }, count: 'exhaust', destinations: ['127.0.0.1:5000', '127.0.0.1:5001'],
    kernel: '6.18', seed: 1, netns: { portRange: { lo: 32768, hi: 60999 } }, reuseAddr: false, bindAddressNoPort: false,
  });
  const vm = buildViewModel(r);
  // connect() shares a local port across destinations: 16 ports × 2 destinations.
  assert.equal(vm.withOption.successes, '32 sockets got a port');
  assert.match(vm.withOption.perDestination ?? '', /^127\.0\.0\.1:5000: 16 sockets( then EADDRNOTAVAIL)? · 127\.0\.0\.1:5001: 16 sockets/);
  const one = buildViewModel(fixtureReport());
  assert.equal(one.withOption.perDestination, null);
  const res: ScenarioResult = {
    results: [{ index: 0, op: 'connect', sock: 0, port: null, errno: 'EINVAL', reason: 'bad address <b>' }],
    stats: { successes: 0, firstFailure: { index: 0, errno: 'EINVAL' }, parity: { even: 0, odd: 0 }, portsUsed: 0 },
  };
  assert.deepEqual(socketOutcomes(res), [{ n: 1, op: 'connect', port: null, errno: 'EINVAL', reason: 'bad address <b>' }]);
});
