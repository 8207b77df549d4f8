/**
 * A guard in front of the LSP stdio reader. vscode-jsonrpc trusts Content-Length: a frame
 * that announces more bytes than it has swallows the next messages and the server answers
 * nothing ever again; an invalid JSON body gets no answer. This stream re-frames the input:
 * every well-formed message passes through unchanged; a frame whose body is not JSON gets a
 * JSON-RPC -32700 error response (id null) and a line on stderr; a lying Content-Length is
 * detected at the next header (raw CR LF never occurs inside a JSON body, so
 * "Content-Length: N\r\n" is a frame start) and reading resumes there.
 */
import { Transform, type TransformCallback } from 'node:stream';

const HEADER = /Content-Length:[ \t]*(\d+)\r\n/i;
const HEADER_AT = /^Content-Length:[ \t]*\d+\r\n/;
const MARK = Buffer.from('Content-Length:');
const HEADER_END = Buffer.from('\r\n\r\n');

export class FramingGuard extends Transform {
  private buf: Buffer = Buffer.alloc(0);

  /** `reply` writes a framed message to the client (the error responses). */
  constructor(private readonly reply: (framed: string) => void, private readonly warn: (msg: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    this.drain();
    done();
  }

  /** Where the search for a header inside a pending body resumes (no rescans of a large body). */
  private searched = 0;

  /** Index of the next frame start at or after `from` (-1 if none yet). */
  private nextHeader(from: number): number {
    for (let i = this.buf.indexOf(MARK, from); i >= 0; i = this.buf.indexOf(MARK, i + 1)) {
      if (HEADER_AT.test(this.buf.toString('latin1', i, i + 40))) return i;
    }
    return -1;
  }

  private fail(what: string, detail: string): void {
    this.warn(`port-range-lens: dropped a malformed LSP frame (${what}): ${detail}`);
    const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: `Parse error: ${what}` } });
    this.reply(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);
  }

  private drain(): void {
    for (;;) {
      const start = this.nextHeader(0);
      if (start < 0) {
        // Keep a tail that could be the beginning of a header; anything before it is noise.
        if (this.buf.length > 64) this.buf = this.buf.subarray(this.buf.length - 64);
        return;
      }
      if (start > 0) {
        const junk = this.buf.subarray(0, start).toString('utf8').trim();
        if (junk) this.fail('bytes outside a frame', JSON.stringify(junk.slice(0, 80)));
        this.buf = this.buf.subarray(start);
      }
      const end = this.buf.indexOf(HEADER_END);
      if (end < 0) return;
      const length = Number(HEADER.exec(this.buf.toString('latin1', 0, end + 2))![1]);
      const bodyStart = end + 4;
      const available = this.buf.length - bodyStart;
      // A header inside the announced body: the length lied (too long); the frame ends there.
      const next = this.nextHeader(Math.max(bodyStart, this.searched - MARK.length));
      if (next >= 0 && next < bodyStart + length) {
        this.fail(`Content-Length ${length} is longer than the frame`, `${next - bodyStart} bytes before the next header`);
        this.buf = this.buf.subarray(next);
        this.searched = 0;
        continue;
      }
      if (available < length) {
        this.searched = this.buf.length;
        return;
      }
      this.searched = 0;
      const body = this.buf.subarray(bodyStart, bodyStart + length);
      this.buf = this.buf.subarray(bodyStart + length);
      try {
        JSON.parse(body.toString('utf8'));
      } catch (e) {
        this.fail('invalid JSON body', (e as Error).message);
        continue;
      }
      this.push(`Content-Length: ${length}\r\n\r\n`);
      this.push(body);
    }
  }
}
