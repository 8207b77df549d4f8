/**
 * Where this machine's socket list comes from: `ss -tuanH` (iproute2, a netlink sock_diag
 * client) when it runs, else /proc/net/{tcp,tcp6,udp,udp6}. One parser per source (ss.ts,
 * procNet.ts). No npm library reads sock_diag here: the only netlink package (`netlink` 0.3)
 * is a native addon for rtnetlink/generic netlink without inet_diag (docs/pressure.md).
 *
 * Test hooks (docs/pressure.md): PORT_RANGE_LENS_SS replaces the `ss` executable and
 * PORT_RANGE_LENS_PROC the /proc root (e.g. a directory of generated files for the benchmark).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import type { HeldSocket, PressureProto } from '../../../engine/src/pressure';
import { parseSs, SS_ARGS } from './ss';
import { parseProcNet } from './procNet';

export type SourceName = 'ss' | 'proc';

export class SourceError extends Error {
  override name = 'SourceError';
}

export interface SocketSnapshot {
  source: SourceName;
  sockets: HeldSocket[];
  /** Lines neither parser could read (counted, never guessed). */
  skipped: number;
  /** Why the preferred source was not used (auto only). */
  note?: string;
}

export function procRoot(): string {
  return process.env.PORT_RANGE_LENS_PROC || '/proc';
}

export function readWithSs(): SocketSnapshot {
  const bin = process.env.PORT_RANGE_LENS_SS || 'ss';
  const r = spawnSync(bin, SS_ARGS, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 30_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new SourceError(code === 'ENOENT' ? `ss not found (${bin}; iproute2)` : `ss (${bin}) failed: ${r.error.message}`);
  }
  if (r.status !== 0) throw new SourceError(`ss ${SS_ARGS.join(' ')} exited ${r.status}: ${r.stderr.trim() || 'no message'}`);
  return { source: 'ss', ...parseSs(r.stdout) };
}

export function readWithProc(): SocketSnapshot {
  const root = procRoot();
  const le = endianness() === 'LE';
  const sockets: HeldSocket[] = [];
  let skipped = 0;
  let read = 0;
  const errors: string[] = [];
  for (const [file, proto] of [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']] as [string, PressureProto][]) {
    const path = join(root, 'net', file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && file.endsWith('6')) continue; // a kernel without IPv6
      errors.push(`${path}: ${code ?? (e as Error).message}`);
      continue;
    }
    read++;
    const p = parseProcNet(text, proto, le);
    for (const s of p.sockets) sockets.push(s);
    skipped += p.skipped;
  }
  if (errors.length) throw new SourceError(`cannot read this machine's sockets from ${root}/net (${errors.join('; ')})`);
  if (read === 0) throw new SourceError(`no socket table under ${root}/net`);
  return { source: 'proc', sockets, skipped };
}

/** Reads the socket list from the named source, or ss then /proc for 'auto'. */
export function readSockets(source: SourceName | 'auto' = 'auto'): SocketSnapshot {
  if (source === 'ss') return readWithSs();
  if (source === 'proc') return readWithProc();
  try {
    return readWithSs();
  } catch (e) {
    const snap = readWithProc();
    return { ...snap, note: `${(e as Error).message}; read ${procRoot()}/net instead` };
  }
}
