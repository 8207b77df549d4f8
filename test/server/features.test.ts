/** Pure feature tests: hand-made CallSites in, LSP shapes out (no server, no parser). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cSite, diag, env, span, applyEdits } from './fixtures';
import { hoverAt, hoverMarkdown, escapeMarkdown } from '../../server/src/features/hover';
import { inlayHints, inlayLabel } from '../../server/src/features/inlayHints';
import { codeLenses, SIMULATE_SOCKET_COMMAND } from '../../server/src/features/codeLens';
import { codeActions, suppressEdit } from '../../server/src/features/codeActions';
import { documentDiagnostics } from '../../server/src/features/diagnostics';
import { summarize } from '../../server/src/features/summary';

const LINE = '  return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));';

test('summary: 512-port range inside the default netns range is honoured and accepted', () => {
  const s = summarize(cSite(40000, 40511), env());
  assert.equal(s.ports, 512);
  assert.equal(s.packed, 0x9e3f9c40);
  assert.deepEqual(s.effective, { lo: 40000, hi: 40511, rule: 'socket', ports: 512, usable: 512, reserved: 0 });
  assert.equal(s.verdict.kind, 'accept');
});

test('summary: lo > hi is EINVAL; range outside the netns range is accepted then ignored', () => {
  assert.deepEqual(summarize(cSite(40511, 40000), env()).verdict.kind, 'error');
  const v = summarize(cSite(40511, 40000), env()).verdict;
  assert.ok(v.kind === 'error' && v.errno === 'EINVAL');
  const bad = summarize(cSite(40511, 40000), env());
  assert.deepEqual([bad.effective?.lo, bad.effective?.hi, bad.effective?.rule], [32768, 60999, 'netns'], 'a failed setsockopt leaves the netns range');
  assert.match(bad.effective?.notApplied ?? '', /EINVAL/);
  assert.match(hoverMarkdown(cSite(40511, 40000), env()).value, /\*\*32768–60999\*\*[^\n]*\s+The netns range: setsockopt fails with EINVAL/);
  const v6 = cSite(40000, 40511, { socket: { proto: 'tcp', family: 6, reuseAddr: false, bindAddressNoPort: false, events: [] } });
  v6.level = { ...v6.level, text: 'IPPROTO_IPV6', value: 41 };
  const s6 = summarize(v6, env());
  assert.equal(s6.verdict.kind, 'ignore');
  assert.match(s6.verdict.detail, /IPV6_RECVHOPLIMIT/);
  assert.equal(s6.effective?.rule, 'netns');
  const ign = summarize(cSite(20000, 30000), env());
  assert.equal(ign.verdict.kind, 'ignore');
  assert.deepEqual([ign.effective?.lo, ign.effective?.hi, ign.effective?.rule], [32768, 60999, 'ignored']);
});

test('summary: reserved ports reduce the usable count; kernel 6.1 has no option (ENOPROTOOPT)', () => {
  const s = summarize(cSite(40000, 40511), env({ reservedPorts: '40000-40009,50000' }));
  assert.equal(s.effective?.usable, 502);
  const old = summarize(cSite(40000, 40511), env({ kernel: '6.1' })).verdict;
  assert.ok(old.kind === 'error' && old.errno === 'ENOPROTOOPT');
});

test('hover on the call, the option name and the value', () => {
  const sites = [cSite(40000, 40511)];
  const onCall = hoverAt(sites, { line: 4, character: 12 }, env());
  assert.ok(onCall);
  const md = (onCall.contents as { value: string }).value;
  assert.equal((onCall.contents as { kind: string }).kind, 'markdown');
  for (const want of ['lo 40000', 'hi 40511', '512 ports', '0x9E3F9C40', '40000–40511', 'Linux 6.18', 'accepts', 'Capacity per destination', '32768–60999']) {
    assert.ok(md.includes(want), `hover lacks ${want}:\n${md}`);
  }
  assert.deepEqual(onCall.range, { start: { line: 4, character: 9 }, end: { line: 4, character: 67 } });
  const onOpt = hoverAt(sites, { line: 4, character: 40 }, env());
  assert.deepEqual(onOpt?.range, { start: { line: 4, character: 32 }, end: { line: 4, character: 51 } });
  assert.match((onOpt!.contents as { value: string }).value, /= 51 at level SOL\\_IP = 0/);
  const onVal = hoverAt(sites, { line: 4, character: 54 }, env());
  assert.deepEqual(onVal?.range?.start, { line: 4, character: 53 });
  assert.equal(hoverAt(sites, { line: 3, character: 12 }, env()), null);
  assert.equal(hoverAt(sites, { line: 4, character: 2 }, env()), null);
});

test('hover escapes code-derived text (no HTML, links or code spans from the source)', () => {
  const evil = '</script><img src=x onerror=alert(1)>[a](http://x) `x` *b*';
  const site = cSite(40000, 40511, { callee: evil });
  site.optname = { ...site.optname, text: evil };
  site.diagnostics = [diag('magic-number', site.optname.span, { message: evil })];
  const md = hoverMarkdown(site, env(), 'option').value;
  assert.ok(!md.includes('<img'), md);
  assert.ok(!md.includes('</script>'), md);
  assert.ok(!/[^\\]\[a\]\(/.test(md), md);
  assert.ok(!/[^\\]`x/.test(md), md);
  assert.equal(escapeMarkdown('a_b<c>&[d]'), 'a\\_b&lt;c\\>&amp;\\[d\\]');
});

test('inlay hints: label after the value, effective range when clipped, off by config', () => {
  const hints = inlayHints([cSite(40000, 40511)], env());
  assert.equal(hints.length, 1);
  assert.equal(hints[0]!.label, 'lo=40000 hi=40511 · 512 ports');
  assert.deepEqual(hints[0]!.position, { line: 4, character: 55 });
  assert.equal(inlayLabel(cSite(30000, 40004), env()), 'lo=30000 hi=40004 · 10005 ports · effective 32768–40004 (7237 ports)');
  assert.equal(inlayLabel(cSite(40001, 40000), env()), 'lo=40001 hi=40000 · EINVAL (lo > hi)');
  assert.equal(inlayLabel(cSite(0, 40003), env({ netnsRange: '40000-40009' })), 'lo=unset hi=40003 · effective 40000–40003 (4 ports)');
  assert.equal(inlayLabel(cSite(null, null), env()), null);
  const wide = cSite(40000, 40511);
  wide.value = { ...wide.value!, optlen: 8 };
  assert.equal(inlayLabel(wide, env()), 'lo=40000 hi=40511 · EINVAL (optlen 8)');
  assert.deepEqual(inlayHints([cSite(40000, 40511)], env({ inlayHints: false })), []);
  assert.equal(inlayHints([cSite(40000, 40511, {}, 50)], env(), { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } }).length, 0);
});

test('code lens: one per setsockopt, titled with the usable ports, running simulateSocket', () => {
  const get = cSite(null, null, { op: 'get' }, 8);
  const lenses = codeLenses('file:///w/a.c', [cSite(40000, 40511), get], env({ reservedPorts: '40000' }));
  assert.equal(lenses.length, 1);
  assert.equal(lenses[0]!.command?.title, 'Simulate this socket · 511 ports');
  assert.equal(lenses[0]!.command?.command, SIMULATE_SOCKET_COMMAND);
  assert.deepEqual(lenses[0]!.command?.arguments, [{ uri: 'file:///w/a.c', line: 4, character: 9 }]);
});

test('diagnostics: code, codeDescription, related info and the judged severity, translated only', () => {
  const site = cSite(40511, 40000);
  site.diagnostics = [
    diag('swapped-halves', site.value!.span, { related: [{ span: span(2, 2, 2, 20), message: 'bind() here' }] }),
    diag('small-range', site.span, { severity: 'information' }),
  ];
  const lines = ['', '', '', '', LINE];
  // Overrides and suppression comments were applied when the call was judged: this layer must not apply them again.
  const d = documentDiagnostics('file:///w/a.c', [site], lines, env({ severity: { 'small-range': 'off' } }));
  assert.deepEqual(d.map((x) => x.code), ['small-range', 'swapped-halves'], 'in source order');
  assert.equal(d[0]!.severity, 3);
  d.shift();
  assert.equal(d[0]!.severity, 1);
  assert.equal(d[0]!.source, 'port-range-lens');
  assert.equal(d[0]!.codeDescription?.href, 'https://example.test/docs/diagnostics.md#swapped-halves');
  assert.equal(d[0]!.relatedInformation?.[0]?.message, 'bind() here');
  assert.deepEqual(d[0]!.relatedInformation?.[0]?.location.range.start, { line: 2, character: 2 });
});

test('code actions: the diagnostic quick fix with its diagnostic attached, and a suppression', () => {
  const text = ['', '', '', '  unsigned v = (40000u << 16) | 40511u;', LINE, ''].join('\n');
  const lines = text.split('\n');
  const site = cSite(40511, 40000);
  const fixSpan = span(3, 15, 3, 38);
  site.diagnostics = [diag('swapped-halves', fixSpan, { data: { fix: { title: 'Swap the halves: (40511u << 16) | 40000u', span: fixSpan, newText: '(40511u << 16) | 40000u' } } })];
  const lsp = documentDiagnostics('file:///w/a.c', [site], lines, env());
  const actions = codeActions({ uri: 'file:///w/a.c', language: 'c', lines, sites: [site], env: env(), range: lsp[0]!.range, diagnostics: lsp });
  assert.deepEqual(actions.map((a) => a.title), ['Swap the halves: (40511u << 16) | 40000u', 'Suppress swapped-halves on this line']);
  assert.deepEqual(actions[0]!.diagnostics, [lsp[0]]);
  assert.equal(actions[0]!.kind, 'quickfix');
  assert.equal(actions[0]!.isPreferred, true);
  const fixed = applyEdits(text, actions[0]!.edit!.changes!['file:///w/a.c']!);
  assert.equal(fixed.split('\n')[3], '  unsigned v = (40511u << 16) | 40000u;');
  const sup = applyEdits(text, actions[1]!.edit!.changes!['file:///w/a.c']!);
  assert.equal(sup.split('\n')[3], '  unsigned v = (40000u << 16) | 40511u; // port-range-lens: ignore swapped-halves');
  // Without context diagnostics (some clients), the server's own diagnostics in range are used.
  const own = codeActions({ uri: 'file:///w/a.c', language: 'c', lines, sites: [site], env: env(), range: { start: { line: 3, character: 20 }, end: { line: 3, character: 20 } }, diagnostics: [] });
  assert.equal(own.length, 2);
  // Forged fix data from the client is validated, not trusted blindly.
  const forged = codeActions({ uri: 'file:///w/a.c', language: 'c', lines, sites: [], env: env(), range: lsp[0]!.range, diagnostics: [{ ...lsp[0]!, data: { fix: { title: 1, span: null } } }] });
  assert.deepEqual(forged.map((a) => a.title), ['Suppress swapped-halves on this line']);
});

test('suppression comment: language syntax, extends an existing marker, respects line continuations', () => {
  assert.equal(suppressEdit(['x = 1'], 0, 'magic-number', 'python')!.newText, '  # port-range-lens: ignore magic-number');
  assert.equal(suppressEdit(['x := 1'], 0, 'magic-number', 'go')!.newText, ' // port-range-lens: ignore magic-number');
  const ext = suppressEdit(['f() // port-range-lens: ignore wrong-level'], 0, 'bad-optlen', 'c')!;
  assert.equal(applyEdits('f() // port-range-lens: ignore wrong-level', [ext]), 'f() // port-range-lens: ignore wrong-level, bad-optlen');
  const cont = suppressEdit(['    s.setsockopt(a, \\'], 0, 'wrong-level', 'python')!;
  assert.equal(cont.newText, '    # port-range-lens: ignore wrong-level\n');
  assert.deepEqual(cont.range.start, { line: 0, character: 0 });
  assert.equal(suppressEdit([], 3, 'x', 'c'), null);
});

test('a call over a table (one site per entry): one inlay hint and one lens for the call, the hover lists every entry', () => {
  const withEntry = (lo: number, hi: number, index: number) => {
    const s = cSite(lo, hi);
    s.value = { ...s.value!, entry: { label: `T[${index}] = {${lo}, ${hi}}`, index, count: 3 } };
    return s;
  };
  const sites = [withEntry(40000, 40999, 0), withEntry(41000, 40999, 1), withEntry(42000, 42999, 2), cSite(50000, 50999, {}, 9)];
  const hints = inlayHints(sites, env());
  assert.deepEqual(hints.map((h) => h.label), [
    'T[0] lo=40000 hi=40999 · 1000 ports | T[1] lo=41000 hi=40999 · EINVAL (lo > hi) | T[2] lo=42000 hi=42999 · 1000 ports',
    'lo=50000 hi=50999 · 1000 ports',
  ]);
  assert.equal(codeLenses('file:///w/a.c', sites, env()).length, 2);
  assert.match(String(codeLenses('file:///w/a.c', sites, env())[0]!.command?.title), /\(T\[0\], 1 of 3 entries\)$/);
  const h = hoverAt(sites, { line: 4, character: 12 }, env());
  const md = (h?.contents as { value: string }).value.replace(/\\(.)/g, '$1');
  assert.match(md, /Table entries at this call \(3\):\*\*\n- T\[0\] = \{40000, 40999\}: lo=40000 hi=40999 · 1000 ports\n- T\[1\] = \{41000, 40999\}: lo=41000 hi=40999 · EINVAL \(lo > hi\)\n- T\[2\]/);
  // A call that is not over a table has no listing.
  assert.doesNotMatch(hoverMarkdown(sites[3]!, env()).value, /Table entries/);
});
