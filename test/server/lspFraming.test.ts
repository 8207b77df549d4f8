/**
 * The stdio framing guard (server/src/lsp/framing.ts) against a raw byte stream: a frame whose
 * Content-Length lies or whose body is not JSON gets a -32700 error, and the next message is
 * answered. Both the guard alone and the real server process are driven.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { FramingGuard } from '../../server/src/lsp/framing';
import { SERVER_JS, ensureBuilt } from './lspClient';

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const msg = (id: number, method: string, params: unknown = {}) => JSON.stringify({ jsonrpc: '2.0', id, method, params });

/** Splits a byte stream of frames into parsed bodies. */
function bodies(out: string): { id?: unknown; error?: { code: number }; result?: unknown }[] {
  const res: { id?: unknown; error?: { code: number }; result?: unknown }[] = [];
  let rest = out;
  for (;;) {
    const m = /^Content-Length: (\d+)\r\n\r\n/.exec(rest);
    if (!m) break;
    const start = m[0].length;
    const len = Number(m[1]);
    const avail = Buffer.from(rest.slice(start), 'utf8');
    // A frame still arriving (the server's output read while it streams): wait for the rest.
    if (avail.length < len) break;
    const b = avail.subarray(0, len).toString('utf8');
    res.push(JSON.parse(b));
    rest = rest.slice(start + b.length);
  }
  return res;
}

function runGuard(chunks: string[]): { passed: string[]; replies: string[]; warnings: string[] } {
  const replies: string[] = [];
  const warnings: string[] = [];
  const g = new FramingGuard((f) => replies.push(f), (w) => warnings.push(w));
  const passed: string[] = [];
  g.on('data', (d: Buffer) => passed.push(d.toString('utf8')));
  for (const c of chunks) g.write(Buffer.from(c, 'utf8'));
  return { passed: bodies(passed.join('')).map((b) => JSON.stringify(b)), replies: replies.map((r) => JSON.stringify(bodies(r)[0])), warnings };
}

test('guard: good frames pass unchanged, also split at every byte', () => {
  const a = frame(msg(1, 'a', { text: 'Content-Length: 5 inside a string, µ' }));
  const b = frame(msg(2, 'b'));
  const whole = runGuard([a + b]);
  assert.equal(whole.passed.length, 2);
  assert.deepEqual(whole.replies, []);
  const s = a + b;
  const bytes = [...Buffer.from(s, 'utf8')].map((x) => String.fromCharCode(x));
  const g = new FramingGuard(() => assert.fail('no error expected'), () => undefined);
  const out: Buffer[] = [];
  g.on('data', (d: Buffer) => out.push(d));
  for (const ch of bytes) g.write(Buffer.from([ch.charCodeAt(0)]));
  assert.equal(bodies(Buffer.concat(out).toString('utf8')).length, 2);
});

test('guard: a Content-Length longer than the frame, shorter than the frame, and invalid JSON each get -32700 and reading resumes', () => {
  const good = frame(msg(7, 'next'));
  const tooLong = `Content-Length: 500\r\n\r\n${msg(1, 'x')}`;
  const r1 = runGuard([tooLong, good]);
  assert.deepEqual(r1.passed.map((p) => JSON.parse(p).id), [7]);
  assert.equal(JSON.parse(r1.replies[0]!).error.code, -32700);
  const tooShort = `Content-Length: 10\r\n\r\n${msg(2, 'y')}`;
  const r2 = runGuard([tooShort + good]);
  assert.deepEqual(r2.passed.map((p) => JSON.parse(p).id), [7]);
  assert.ok(r2.replies.length >= 1 && r2.replies.every((r) => JSON.parse(r).error.code === -32700));
  const r3 = runGuard([frame('{"jsonrpc":"2.0","id":3,'), good]);
  assert.deepEqual(r3.passed.map((p) => JSON.parse(p).id), [7]);
  assert.equal(JSON.parse(r3.replies[0]!).error.code, -32700);
  assert.ok(r3.warnings.some((w) => /invalid JSON/.test(w)));
});

test('server process: after a lying Content-Length and a malformed body it still answers, with -32700 for each bad frame', async () => {
  ensureBuilt();
  const p = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  p.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const answered = (id: number) => bodies(out).some((b) => b.id === id && b.result !== undefined);
  const until = async (pred: () => boolean, what: string) => {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > 8000) assert.fail(`timed out waiting for ${what}; stdout ${out.slice(-300)} stderr ${err.slice(-300)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    p.stdin!.write(frame(msg(1, 'initialize', { processId: null, rootUri: null, capabilities: {} })));
    await until(() => answered(1), 'initialize');
    p.stdin!.write(`Content-Length: 9999\r\n\r\n${msg(2, 'shutdown', null)}`);
    p.stdin!.write(frame('{ not json'));
    p.stdin!.write(frame(msg(3, 'textDocument/hover', { textDocument: { uri: 'file:///nope.c' }, position: { line: 0, character: 0 } })));
    await until(() => bodies(out).some((b) => b.id === 3), 'the hover after the bad frames');
    const errors = bodies(out).filter((b) => b.error?.code === -32700);
    assert.equal(errors.length, 2, JSON.stringify(bodies(out)));
    assert.match(err, /malformed LSP frame/);
    assert.equal(p.exitCode, null);
  } finally {
    p.kill();
  }
});
