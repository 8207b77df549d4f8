/**
 * Shared by the process-level LSP tests and the non-VS Code editor clients (Neovim, Emacs
 * eglot): the C source they all open, and the run of an editor's batch client against
 * `node dist/server.js --stdio` in a throw-away directory.
 */
import assert from 'node:assert/strict';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './lspClient';

/** lo packed into the upper half: swapped-halves at line 4 (0-based 3), the kernel reads lo 40511. */
export const C_SWAPPED = [
  '#include <sys/socket.h>',
  '#include <netinet/in.h>',
  'int swapped(int fd) {',
  '  unsigned int v = (40000u << 16) | 40511u;',
  '  return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));',
  '}',
  '',
].join('\n');

/**
 * Skips with a printed reason when the editor is missing; else writes C_SWAPPED to swapped.c
 * in a fresh directory, runs the client (which writes its report to `out`), and hands the
 * parsed report to `check`. `noReport` explains a run that wrote nothing.
 */
export function runEditorClient<R>(
  t: { skip(reason: string): void },
  skipReason: string | null,
  prefix: string,
  run: (p: { dir: string; file: string; out: string }) => SpawnSyncReturns<string>,
  noReport: (r: SpawnSyncReturns<string>) => string,
  check: (report: R, r: SpawnSyncReturns<string>) => void,
): void {
  if (skipReason) {
    console.log(`# skipped: ${skipReason}`);
    t.skip(skipReason);
    return;
  }
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const file = join(dir, 'swapped.c');
    const out = join(dir, 'out.json');
    writeFileSync(file, C_SWAPPED);
    const r = run({ dir, file, out });
    assert.ok(existsSync(out), noReport(r));
    check(JSON.parse(readFileSync(out, 'utf8')) as R, r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
