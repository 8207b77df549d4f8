/**
 * One resolved configuration per file, over a real stdio LSP connection: a file directive
 * is stated identically by diagnostics, hover, inlay hint, code lens and socket facts; in a
 * multi-root workspace each folder's settings (workspace/configuration with scopeUri) judge
 * that folder's files.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Hover, InlayHint } from 'vscode-languageserver-types';
import { TestClient, ensureBuilt } from './lspClient';
import { SocketFactsRequest, type SocketFacts } from '../../server/src/protocol';

/** lo 35000 lies below the directive's netns range: the kernel honours only hi → effective 40000-40511. */
const DIRECTIVE_FILE = [
  '/* port-range-lens: netns-range 40000-49999 */',
  '#include <sys/socket.h>',
  '#include <netinet/in.h>',
  'int clamp(int fd) {',
  '  unsigned int v = (40511u << 16) | 35000u;',
  '  return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));',
  '}',
  '',
].join('\n');
const CALL_LINE = 5;

const codes = (c: TestClient, u: string) => (c.diagnostics.get(u) ?? []).map((d) => String(d.code));

describe('one resolved configuration per file', () => {
  test('a file directive: diagnostics, hover, inlay hint, code lens and socket facts state the same effective range', async () => {
    ensureBuilt();
    // The settings say 32768-60999, under which 35000-40511 would be honoured in full.
    const c = new TestClient({ settings: { netnsRange: '32768-60999' } });
    try {
      await c.initialize();
      const u = 'file:///virtual/directive.c';
      await c.open(u, 'c', DIRECTIVE_FILE);
      await c.waitFor(() => c.diagnostics.has(u), 8000, 'diagnostics');
      const d = (c.diagnostics.get(u) ?? []).find((x) => x.code === 'clamped-by-netns-range');
      assert.ok(d, codes(c, u).join(','));
      assert.match(String(d.message), /40000–40511|40000-40511/);
      assert.match(String(d.message), /40000-49999|40000–49999/);

      const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: { line: CALL_LINE, character: 12 } });
      const text = typeof hover?.contents === 'object' && 'value' in hover.contents ? hover.contents.value : JSON.stringify(hover?.contents);
      assert.match(text, /40000[–-]40511/, text);
      assert.doesNotMatch(text, /35000[–-]40511 \(/, 'the hover does not claim the settings-only range');

      const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } } });
      const label = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''))).join(' | ');
      assert.match(label, /effective 40000–40511/, label);

      const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: u } });
      assert.equal(lenses[0]?.command?.title, 'Simulate this socket · 512 ports');

      const facts = await c.request<SocketFacts | null>(SocketFactsRequest.method, { uri: u, position: { line: CALL_LINE, character: 10 } });
      assert.deepEqual(facts?.netnsRange, { lo: 40000, hi: 49999 });
    } finally {
      await c.close();
    }
  });

  test('multi-root: each folder\'s netnsRange judges that folder\'s files (workspace/configuration with scopeUri)', async () => {
    ensureBuilt();
    const root = mkdtempSync(join(tmpdir(), 'prl-multi-'));
    const a = join(root, 'a');
    const b = join(root, 'b');
    mkdirSync(a);
    mkdirSync(b);
    const body = DIRECTIVE_FILE.split('\n').slice(1).join('\n');
    writeFileSync(join(a, 'x.c'), body);
    writeFileSync(join(b, 'x.c'), body);
    const c = new TestClient({
      workspaceFolders: [a, b],
      settings: { netnsRange: '32768-60999', scanWorkspace: false },
      folderSettings: { [pathToFileURL(a).href]: { netnsRange: '40000-49999' }, [pathToFileURL(b).href]: { netnsRange: '50000-59999' } },
    });
    try {
      await c.initialize();
      const ua = pathToFileURL(join(a, 'x.c')).href;
      const ub = pathToFileURL(join(b, 'x.c')).href;
      const outside = 'file:///elsewhere/x.c';
      await c.open(ua, 'c', body);
      await c.open(ub, 'c', body);
      await c.open(outside, 'c', body);
      await c.waitFor(() => c.diagnostics.has(ua) && c.diagnostics.has(ub) && c.diagnostics.has(outside), 8000, 'diagnostics of three files');
      // a: lo 35000 is below 40000 → only hi honoured; b: both halves below 50000 → ignored; outside: the window's range, fine.
      assert.deepEqual(codes(c, ua), ['clamped-by-netns-range']);
      assert.deepEqual(codes(c, ub), ['outside-netns-range']);
      assert.deepEqual(codes(c, outside), []);
      assert.match(String((c.diagnostics.get(ub) ?? [])[0]!.message), /50000-59999|50000–59999/);
    } finally {
      await c.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
