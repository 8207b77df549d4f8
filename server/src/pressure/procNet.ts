/**
 * Parser of /proc/net/{tcp,tcp6,udp,udp6}: "sl local_address rem_address st ...", addresses
 * as hex words in host byte order, ports as big hex, the state as the kernel's TCP_* number.
 */
import type { HeldSocket, PressureProto } from '../../../engine/src/pressure';
import { ipv6Text, fields } from './addr';

/** include/net/tcp_states.h numbers -> the names ss prints. UDP uses ESTABLISHED (connected) and CLOSE. */
const TCP_STATES = ['', 'ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'UNCONN', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING', 'NEW-SYN-RECV'];

/** One 8-hex-digit word as the 4 bytes it holds in memory (the kernel prints the __be32 read natively). */
function wordBytes(hex: string, littleEndian: boolean): number[] {
  const v = parseInt(hex, 16) >>> 0;
  const b = [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return littleEndian ? b.reverse() : b;
}

function addrText(hex: string, littleEndian: boolean): string {
  if (hex.length === 8) return wordBytes(hex, littleEndian).join('.');
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) bytes.push(...wordBytes(hex.slice(i, i + 8), littleEndian));
  const g = new Uint16Array(8);
  for (let i = 0; i < 8; i++) g[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  return ipv6Text(g);
}

/** Address text per hex form: a machine has few distinct addresses and many sockets. */
type AddrCache = Map<string, string>;

function endpoint(text: string, littleEndian: boolean, cache: AddrCache): { addr: string; port: number } | null {
  const c = text.indexOf(':');
  if (c !== 8 && c !== 32) return null;
  const port = parseInt(text.slice(c + 1), 16);
  if (!(port >= 0 && port <= 65535)) return null;
  const hex = text.slice(0, c);
  let addr = cache.get(hex);
  if (addr === undefined) cache.set(hex, (addr = addrText(hex, littleEndian)));
  return { addr, port };
}



/** Parses one /proc/net/<proto>[6] file's text. */
export function parseProcNet(text: string, proto: PressureProto, littleEndian: boolean): { sockets: HeldSocket[]; skipped: number } {
  const sockets: HeldSocket[] = [];
  const cache: AddrCache = new Map();
  let skipped = 0;
  let start = text.indexOf('\n') + 1; // header line
  if (start === 0) return { sockets, skipped };
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const f = fields(text, start, end, 4);
    start = end + 1;
    if (f.length === 0) continue;
    const local = f[1] ? endpoint(f[1], littleEndian, cache) : null;
    const remote = f[2] ? endpoint(f[2], littleEndian, cache) : null;
    const st = f[3] ? parseInt(f[3], 16) : NaN;
    if (!local || !remote || !(st >= 1 && st < TCP_STATES.length)) { skipped++; continue; }
    const unconnected = remote.port === 0;
    sockets.push({
      proto, state: proto === 'udp' && st === 7 ? 'UNCONN' : TCP_STATES[st]!, localAddr: local.addr, localPort: local.port,
      remoteAddr: unconnected ? null : remote.addr, remotePort: unconnected ? 0 : remote.port,
    });
  }
  return { sockets, skipped };
}
