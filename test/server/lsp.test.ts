/**
 * Process-level LSP tests: `node dist/server.js --stdio` spoken to by a real LSP client
 * connection (vscode-languageserver-protocol). Diagnostics, hover, inlay hints, code
 * actions applied and re-checked, code lens, configuration pull and re-check, the
 * workspace scan with progress, and malformed input answered while the server stays up.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CodeAction, CodeLens, Hover, InlayHint } from 'vscode-languageserver-types';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { TestClient, ensureBuilt } from './lspClient';
import { applyEdits } from './fixtures';
import { C_SWAPPED } from './editorClient';

const C_GOOD = [
  '#include <sys/socket.h>',
  '#include <netinet/in.h>',
  'int good(int fd) {',
  '  unsigned int v = (40511u << 16) | 40000u;',
  '  return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));',
  '}',
  '',
].join('\n');

const C_LATE = [
  '#include <sys/socket.h>',
  '#include <netinet/in.h>',
  'int late(struct sockaddr *sa, unsigned int len) {',
  '  int fd = socket(AF_INET, SOCK_STREAM, 0);',
  '  connect(fd, sa, len);',
  '  unsigned int v = (40511u << 16) | 40000u;',
  '  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));',
  '  return fd;',
  '}',
  '',
].join('\n');

const codes = (c: TestClient, uri: string) => (c.diagnostics.get(uri) ?? []).map((d) => String(d.code));

describe('LSP over stdio', () => {
  let c: TestClient;
  const uri = (name: string) => `file:///virtual/${name}`;

  before(async () => {
    ensureBuilt();
    c = new TestClient({ settings: {} });
    const init = (await c.initialize()) as { capabilities: Record<string, unknown> };
    assert.equal((init.capabilities.textDocumentSync as { change: number }).change, 2, 'incremental sync');
    assert.ok(init.capabilities.hoverProvider && init.capabilities.inlayHintProvider && init.capabilities.codeActionProvider);
  });
  after(async () => {
    await c.close();
  });

  test('diagnostics carry code, codeDescription link, source and related information', async () => {
    await c.open(uri('swapped.c'), 'c', C_SWAPPED);
    await c.open(uri('late.c'), 'c', C_LATE);
    await c.open(uri('good.c'), 'c', C_GOOD);
    await c.waitFor(() => codes(c, uri('swapped.c')).includes('swapped-halves'), 5000, 'swapped-halves');
    const d = c.diagnostics.get(uri('swapped.c'))!.find((x) => x.code === 'swapped-halves')!;
    assert.match(d.codeDescription!.href, /diagnostics\.md#swapped-halves$/);
    const doc = readFileSync(fileURLToPath(d.codeDescription!.href.replace(/#.*$/, '')), 'utf8');
    assert.match(doc, /^## swapped-halves$/m, 'the link target has the section');
    assert.equal(d.source, 'port-range-lens');
    assert.equal(d.severity, 1);
    await c.waitFor(() => codes(c, uri('late.c')).includes('set-after-bind'), 5000, 'set-after-bind');
    const late = c.diagnostics.get(uri('late.c'))!.find((x) => x.code === 'set-after-bind')!;
    assert.equal(late.relatedInformation?.[0]?.location.range.start.line, 4, 'related information points at the connect()');
    await c.waitFor(() => c.diagnostics.has(uri('good.c')));
    assert.deepEqual(codes(c, uri('good.c')), []);
  });

  test('hover on the call decodes the value and the effective range', async () => {
    await c.open(uri('hover.c'), 'c', C_GOOD);
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri('hover.c') }, position: { line: 4, character: 12 } });
    assert.ok(h, 'hover');
    const md = (h.contents as { kind: string; value: string });
    assert.equal(md.kind, 'markdown');
    for (const want of ['lo 40000', 'hi 40511', '512 ports', '0x9E3F9C40', '**40000–40511**', 'accepts']) assert.ok(md.value.includes(want), `${want} in ${md.value}`);
    const none = await c.request('textDocument/hover', { textDocument: { uri: uri('hover.c') }, position: { line: 0, character: 1 } });
    assert.equal(none, null);
  });

  test('Rust and C++ documents: the worker loads their grammar; diagnostics, hover, inlay hints, code lens', async () => {
    const rs = [
      'const IP_LOCAL_PORT_RANGE: libc::c_int = 51;',
      'fn f(fd: i32) {',
      '    let v: u32 = (40511 << 16) | 40000;',
      '    unsafe { libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const libc::c_void, 8) };',
      '}',
      '',
    ].join('\n');
    const cpp = 'void f(int fd) {\n  const auto v = static_cast<std::uint32_t>(40511) << 16 | 40000u;\n  ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);\n}\n';
    await c.open(uri('lsp.rs'), 'rust', rs);
    await c.open(uri('lsp.cpp'), 'cpp', cpp);
    await c.waitFor(() => codes(c, uri('lsp.rs')).includes('bad-optlen') && c.diagnostics.has(uri('lsp.cpp')), 20_000, 'Rust and C++ diagnostics');
    assert.deepEqual(codes(c, uri('lsp.cpp')), []);
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri('lsp.cpp') }, position: { line: 2, character: 6 } });
    assert.match(JSON.stringify(h?.contents ?? ''), /40000/);
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: uri('lsp.cpp') }, range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
    });
    assert.deepEqual(hints.map((x) => x.label), ['lo=40000 hi=40511 · 512 ports']);
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri('lsp.rs') } });
    assert.equal(lenses.length, 1);
  });

  test('a call over a table: one inlay hint and one hover list every entry; bounded halves warn', async () => {
    const cpp = [
      'struct PortRange { std::uint16_t lo; std::uint16_t hi; };',
      'static constexpr PortRange RANGES[] = {{40000, 40999}, {41000, 40999}};',
      'void f(int fd) {',
      '  for (const auto& r : RANGES) {',
      '    const std::uint32_t v = (static_cast<std::uint32_t>(r.hi) << 16) | r.lo;',
      '    ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);',
      '  }',
      '}',
      'int g(int fd, unsigned short port, unsigned short count) {',
      '  std::uint32_t v = (static_cast<std::uint32_t>(port + count - 1) << 16) | port;',
      '  return ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);',
      '}',
      '',
    ].join('\n');
    const u = uri('table.cpp');
    await c.open(u, 'cpp', cpp);
    await c.waitFor(() => codes(c, u).includes('half-overflow'), 20_000, 'table and bounded diagnostics');
    const diags = c.diagnostics.get(u) ?? [];
    const entry = diags.find((d) => d.code === 'empty-range' && d.range.start.line === 5);
    assert.match(String(entry?.message ?? ''), /^entry RANGES\[1\] = \{41000, 40999\}: lo 41000 > hi 40999/);
    assert.equal(entry?.severity, 1, 'a constant entry that always fails: error');
    const over = diags.find((d) => d.code === 'half-overflow');
    assert.equal(over?.severity, 2, 'the bounded variant: warning');
    assert.match(String(over?.message ?? ''), /can reach 131069 .*for port 65000 and count 1000 the kernel reads lo=65000 hi=463 and fails with EINVAL/);
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 12, character: 0 } } });
    assert.deepEqual(hints.map((h) => [h.position.line, h.label]), [[5, 'RANGES[0] lo=40000 hi=40999 · 1000 ports | RANGES[1] lo=41000 hi=40999 · EINVAL (lo > hi)']]);
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: { line: 5, character: 8 } });
    // The markdown with its escapes removed: what the reader sees.
    const md = ((h?.contents ?? { value: '' }) as { value: string }).value.replace(/\\(.)/g, '$1');
    assert.match(md, /Table entries at this call \(2\):\*\*\n- RANGES\[0\] = \{40000, 40999\}: lo=40000 hi=40999 · 1000 ports\n- RANGES\[1\] = \{41000, 40999\}: lo=41000 hi=40999 · EINVAL \(lo > hi\) · empty-range/);
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: u } });
    assert.deepEqual(lenses.map((l) => l.range.start.line), [5, 10], 'one lens per call');
    const hb = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: { line: 10, character: 12 } });
    const mb = ((hb?.contents ?? { value: '' }) as { value: string }).value.replace(/\\(.)/g, '$1');
    assert.match(mb, /Value not statically known\.  \nIt depends on port \(u16, searched 0–65535\), count \(u16, searched 0–65535\); lo = port: 0\.\.65535, hi = port \+ count - 1: -1\.\.131069\./);
  });

  test('inlay hints and code lens', async () => {
    await c.open(uri('hints.c'), 'c', C_GOOD);
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: uri('hints.c') }, range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } },
    });
    assert.deepEqual(hints.map((h) => h.label), ['lo=40000 hi=40511 · 512 ports']);
    assert.equal(hints[0]!.position.line, 4);
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri('hints.c') } });
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.command?.title, 'Simulate this socket · 512 ports');
    assert.equal(lenses[0]!.command?.command, 'portRangeLens.simulateSocket');
    assert.deepEqual(lenses[0]!.command?.arguments, [{ uri: uri('hints.c'), line: 4, character: 9 }]);
  });

  test('a quick fix applied to the text removes its diagnostic; so does the suppression comment', async () => {
    const u = uri('fix.c');
    await c.open(u, 'c', C_SWAPPED);
    await c.waitFor(() => codes(c, u).includes('swapped-halves'), 5000, 'swapped-halves on fix.c');
    const d = c.diagnostics.get(u)!.find((x) => x.code === 'swapped-halves')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: u }, range: d.range, context: { diagnostics: [d] } });
    const fix = actions.find((a) => !a.title.startsWith('Suppress'));
    assert.ok(fix, `a quick fix among ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.diagnostics?.[0]?.code, 'swapped-halves');
    const fixed = applyEdits(C_SWAPPED, fix.edit!.changes![u]!);
    const v = await c.change(u, fixed);
    await c.waitFor(() => c.diagnostics.get(u) !== undefined && !codes(c, u).includes('swapped-halves'), 5000, `fixed text re-checked (v${v})`);

    const u2 = uri('suppress.c');
    await c.open(u2, 'c', C_SWAPPED);
    await c.waitFor(() => codes(c, u2).includes('swapped-halves'), 5000, 'swapped-halves on suppress.c');
    const d2 = c.diagnostics.get(u2)!.find((x) => x.code === 'swapped-halves')!;
    const actions2 = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: u2 }, range: d2.range, context: { diagnostics: [d2] } });
    const sup = actions2.find((a) => a.title === 'Suppress swapped-halves on this line')!;
    const text2 = applyEdits(C_SWAPPED, sup.edit!.changes![u2]!);
    assert.match(text2, /\/\/ port-range-lens: ignore swapped-halves/);
    await c.change(u2, text2);
    await c.waitFor(() => !codes(c, u2).includes('swapped-halves'), 5000, 'suppressed');
  });

  test('incremental edits are applied (range changes)', async () => {
    const u = uri('incr.c');
    await c.open(u, 'c', C_GOOD);
    // Turn "(40511u << 16) | 40000u" into "(40000u << 16) | 40511u" with two ranged edits.
    await c.change(u, '40000', { start: { line: 3, character: 20 }, end: { line: 3, character: 25 } });
    await c.change(u, '40511', { start: { line: 3, character: 36 }, end: { line: 3, character: 41 } });
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } },
    });
    assert.deepEqual(hints.map((h) => h.label), ['lo=40511 hi=40000 · EINVAL (lo > hi)']);
  });

  test('a configuration change is pulled with workspace/configuration and open documents are re-checked', async () => {
    const u = uri('config.c');
    await c.open(u, 'c', C_GOOD);
    await c.waitFor(() => c.diagnostics.has(u));
    assert.deepEqual(codes(c, u), []);
    const before = c.configurationRequests;
    c.settings = { netnsRange: '50000-60000', inlayHints: false };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor(() => codes(c, u).includes('outside-netns-range'), 5000, 'outside-netns-range after the change');
    assert.ok(c.configurationRequests > before, 'server asked workspace/configuration');
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: u }, position: { line: 4, character: 12 } });
    assert.ok((h.contents as { value: string }).value.includes('netns 50000–60000'));
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } } });
    assert.deepEqual(hints, []);
    c.settings = {};
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor(() => !codes(c, u).includes('outside-netns-range'), 5000, 'back to the default range');
  });

  test('the server answers requests while a large file is being analysed (analysis runs in a worker)', async () => {
    const small = uri('small.c');
    await c.open(small, 'c', C_GOOD);
    await c.waitFor(() => c.diagnostics.has(small));
    const big = uri('big.c');
    const body = Array.from({ length: 1500 }, (_, i) => `int f${i}(int fd){ unsigned v = (40511u << 16) | 40000u; return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v)); }`).join('\n');
    await c.open(big, 'c', body);
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: small }, position: { line: 4, character: 12 } });
    assert.ok(h);
    assert.ok(!c.diagnostics.has(big), 'the hover was answered before the 1500-call file finished');
    // A hover on the big file waits for its analysis; cancelling it answers at once.
    const cts = new CancellationTokenSource();
    const pending = c.conn.sendRequest('textDocument/hover', { textDocument: { uri: big }, position: { line: 10, character: 40 } }, cts.token);
    setTimeout(() => cts.cancel(), 20);
    const outcome = await pending.then((r) => ({ r }), (e: Error) => ({ e }));
    assert.ok(!c.diagnostics.has(big), 'the cancelled hover was answered before the analysis finished');
    assert.ok('e' in outcome ? /cancel/i.test(String(outcome.e.message)) : outcome.r === null, JSON.stringify(outcome));
    await c.waitFor(() => c.diagnostics.has(big), 60_000, 'big file diagnostics');
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: big } });
  });

  test('malformed requests and documents are answered; the server stays up', async () => {
    assert.equal(await c.request('textDocument/hover', { nonsense: true }), null);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri: 42 }, position: 'x' }), null);
    assert.deepEqual(await c.request('textDocument/codeAction', { textDocument: { uri: uri('hover.c') } }), []);
    // Raw frames the client library would refuse to send: null params, broken JSON, a wrong header.
    const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    c.proc.stdin!.write(frame('{"jsonrpc":"2.0","id":"raw-1","method":"textDocument/inlayHint","params":null}'));
    c.proc.stdin!.write(frame('{"jsonrpc":"2.0","id":"raw-2","method":"textDocument/hover","params":[1,2,3]}'));
    c.proc.stdin!.write(frame('{"jsonrpc":"2.0","id":"raw-3","method":"textDocument/codeLens","params":{"textDocument":null}}'));
    c.proc.stdin!.write(frame('{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":7}}}'));
    c.proc.stdin!.write(frame('{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///virtual/never-opened.c","version":3},"contentChanges":[{"text":"x"}]}}'));
    c.proc.stdin!.write(frame('{"jsonrpc":"2.0","id":"raw-4", "method": '));
    await assert.rejects(c.request('portRangeLens/noSuchMethod', {}), /Unhandled method|not found/i);
    await assert.rejects(c.request('portRangeLens/simulate', { proto: 'carrier-pigeon' }), /proto/);
    assert.equal(await c.request('portRangeLens/socketFacts', { uri: 5 }), null);
    // Hostile documents: deep nesting, a NUL-laden binary blob, a 300 KB line, unbalanced syntax.
    const nested = `int f(int fd){ return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, ${'('.repeat(5000)}1${')'.repeat(5000)}, 4); }`;
    const blob = Array.from({ length: 20000 }, (_, i) => String.fromCharCode(i % 256)).join('') + 'setsockopt(';
    const long = `int x = ${'1+'.repeat(150_000)}1; setsockopt(fd, 0, 51, &x, 4);`;
    const broken = 'int f( { setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v)\n#if\n"unterminated';
    for (const [name, text, lang] of [['nested.c', nested, 'c'], ['blob.py', blob, 'python'], ['long.c', long, 'c'], ['broken.c', broken, 'c'], ['weird.rs', 'fn main(){}', 'rust']] as const) {
      await c.open(uri(name), lang, text);
    }
    await c.waitFor(() => ['nested.c', 'blob.py', 'long.c', 'broken.c'].every((n) => c.diagnostics.has(uri(n))), 15000, 'hostile documents analysed');
    // 600 random messages: random methods with random parameter shapes.
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0), seed % n);
    const keys = ['textDocument', 'uri', 'position', 'range', 'line', 'character', 'context', 'diagnostics', 'settings', 'changes', 'contentChanges', 'text', 'version', 'languageId', 'start', 'end'];
    const val = (d: number): unknown => {
      const k = rnd(d > 3 ? 6 : 10);
      if (k === 0) return null;
      if (k === 1) return rnd(100) - 50;
      if (k === 2) return uri('fuzz.c');
      if (k === 3) return ['x', 1, null];
      if (k === 4) return true;
      if (k === 5) return 'x'.repeat(rnd(50));
      return Object.fromEntries(keys.filter(() => rnd(3) === 0).map((key) => [key, val(d + 1)]));
    };
    const methods = ['textDocument/hover', 'textDocument/inlayHint', 'textDocument/codeLens', 'textDocument/codeAction', 'portRangeLens/socketFacts',
      'textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'workspace/didChangeWatchedFiles', '$/cancelRequest'];
    for (let i = 0; i < 600; i++) {
      const msg: Record<string, unknown> = { jsonrpc: '2.0', method: methods[rnd(methods.length)], params: val(0) };
      if (rnd(2)) msg.id = `fuzz-${i}`;
      c.proc.stdin!.write(frame(JSON.stringify(msg)));
    }
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri('hover.c') }, position: { line: 4, character: 12 } });
    assert.ok(h, 'the server still answers after hostile input');
    assert.deepEqual(c.logs.filter((l) => /uncaught|unhandled rejection/.test(l)), []);
    assert.equal(c.proc.exitCode, null);
  });
});

describe('LSP workspace scan and editors without workspace/configuration', () => {
  test('files not open get diagnostics from the background scan, with $/progress; node_modules is skipped', async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'prl-ws-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'src', 'swapped.c'), C_SWAPPED);
    writeFileSync(join(dir, 'src', 'good.c'), C_GOOD);
    writeFileSync(join(dir, 'node_modules', 'dep', 'swapped.c'), C_SWAPPED);
    const c = new TestClient({ workspaceFolder: dir, settings: {} });
    try {
      await c.initialize();
      const u = pathToFileURL(join(dir, 'src', 'swapped.c')).href;
      await c.waitFor(() => codes(c, u).includes('swapped-halves'), 8000, 'scan diagnostics');
      assert.ok(c.progressCreated >= 1, 'window/workDoneProgress/create was used');
      assert.ok(!c.diagnostics.has(pathToFileURL(join(dir, 'node_modules', 'dep', 'swapped.c')).href));
      // A file fixed on disk (not open) is re-checked when the client reports the change.
      const good = pathToFileURL(join(dir, 'src', 'good.c')).href;
      writeFileSync(join(dir, 'src', 'good.c'), C_SWAPPED);
      await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: good, type: 2 }] });
      await c.waitFor(() => codes(c, good).includes('swapped-halves'), 5000, 'watched file re-checked');
      writeFileSync(join(dir, 'src', 'good.c'), C_GOOD);
      await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: good, type: 2 }] });
      await c.waitFor(() => codes(c, good).length === 0, 5000, 'watched file fixed');
      // scanWorkspace=false clears the scanned findings.
      c.settings = { scanWorkspace: false };
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await c.waitFor(() => codes(c, u).length === 0, 5000, 'scan findings cleared');
    } finally {
      await c.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the first diagnostics already use the settings the client answers (no default-config flash)', async () => {
    ensureBuilt();
    const c = new TestClient({ settings: { netnsRange: '40000-40255' } });
    try {
      await c.initialize();
      const u = 'file:///virtual/first.c';
      await c.open(u, 'c', C_GOOD);
      await c.waitFor(() => c.diagnostics.has(u), 5000, 'first diagnostics');
      assert.ok(codes(c, u).includes('clamped-by-netns-range'), codes(c, u).join(','));
    } finally {
      await c.close();
    }
  });

  test('initializationOptions and pushed settings configure a client without workspace/configuration', async () => {
    ensureBuilt();
    const c = new TestClient({ configuration: false, initializationOptions: { inlayHints: false, netnsRange: '40000-40255' } });
    try {
      await c.initialize();
      const u = 'file:///virtual/init.c';
      await c.open(u, 'c', C_GOOD);
      await c.waitFor(() => codes(c, u).includes('clamped-by-netns-range'), 5000, 'clamped-by-netns-range');
      const range = { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } };
      assert.deepEqual(await c.request('textDocument/inlayHint', { textDocument: { uri: u }, range }), []);
      assert.equal(c.configurationRequests, 0);
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { portRangeLens: { inlayHints: true } } });
      await c.waitFor(() => !codes(c, u).includes('clamped-by-netns-range'), 5000, 'default range after push');
      const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: u }, range });
      assert.equal(hints.length, 1);
    } finally {
      await c.close();
    }
  });
});
