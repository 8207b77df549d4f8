/**
 * Reading a walked file, with the skip rules that need its bytes (one home, shared by the
 * `check` CLI and the workspace scan): binary files (Git's rule: a NUL byte in the first
 * 8,000 bytes) and files over MAX_FILE_BYTES are not analysed. A file over the size limit
 * is a limit that was hit (the caller reports it and the run fails); a binary file is not.
 */
import { closeSync, fstatSync, openSync, promises as fsp, readSync, statSync, type Stats } from 'node:fs';

/** Files larger than this are not analysed (reported as a limit). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Git's heuristic: a NUL byte in the first 8,000 bytes means binary. */
export function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

export type ReadResult =
  /** The bytes: a view of a buffer re-used by the next call (copy or decode before keeping). */
  | { kind: 'bytes'; bytes: Buffer; stat?: Stats }
  | { kind: 'binary'; stat?: Stats }
  | { kind: 'too-large'; size: number };

/** One buffer re-used for every read: most source files are small. */
let readBuf = Buffer.allocUnsafe(256 * 1024);

/**
 * Reads a file with one open and as few reads as it takes (no stat unless it is large, or
 * `withStat`: then the stat of the open file, taken before its bytes are read, comes along);
 * throws the I/O error (an unreadable file over the limit is still reported as too large).
 */
export function readSourceFile(file: string, maxBytes = MAX_FILE_BYTES, withStat = false): ReadResult {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    let size = -1;
    try { size = statSync(file).size; } catch { /* the open error is the one to report */ }
    if (size > maxBytes) return { kind: 'too-large', size };
    throw e;
  }
  try {
    const stat = withStat ? fstatSync(fd) : undefined;
    if (stat && stat.size > maxBytes) return { kind: 'too-large', size: stat.size };
    let len = 0;
    for (;;) {
      if (len === readBuf.length) {
        const size = fstatSync(fd).size;
        if (size > maxBytes) return { kind: 'too-large', size };
        const bigger = Buffer.allocUnsafe(Math.max(readBuf.length * 2, size + 1));
        readBuf.copy(bigger, 0, 0, len);
        readBuf = bigger;
      }
      const want = readBuf.length - len;
      const n = readSync(fd, readBuf, len, want, null);
      len += n;
      if (len > maxBytes) return { kind: 'too-large', size: Math.max(len, fstatSync(fd).size) };
      // A regular file reads short only at its end: no second call to see 0.
      if (n < want) break;
    }
    const bytes = readBuf.subarray(0, len);
    if (stat) return looksBinary(bytes) ? { kind: 'binary', stat } : { kind: 'bytes', bytes, stat };
    return looksBinary(bytes) ? { kind: 'binary' } : { kind: 'bytes', bytes };
  } finally {
    closeSync(fd);
  }
}

/**
 * The same rules without blocking the event loop (the language server's workspace scan):
 * one stat, then one read of a file within the limit.
 */
export async function readSourceFileAsync(file: string, maxBytes = MAX_FILE_BYTES): Promise<ReadResult> {
  const h = await fsp.open(file, 'r');
  try {
    const { size } = await h.stat();
    if (size > maxBytes) return { kind: 'too-large', size };
    const bytes = await h.readFile();
    if (bytes.length > maxBytes) return { kind: 'too-large', size: bytes.length };
    return looksBinary(bytes) ? { kind: 'binary' } : { kind: 'bytes', bytes };
  } finally {
    await h.close();
  }
}
