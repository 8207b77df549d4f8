/**
 * Parser of `ss -tuanH` (iproute2; itself a netlink sock_diag client): one socket per line,
 * "Netid State Recv-Q Send-Q Local:Port Peer:Port".
 */
import type { HeldSocket } from '../../../engine/src/pressure';
import { fields, normalizeAddr } from './addr';

/** The arguments the parser expects: TCP and UDP, all states, numeric, no header. */
export const SS_ARGS = ['-tuanH'];

function endpoint(text: string, cache: Map<string, string>): { addr: string; port: number } | null {
  const c = text.lastIndexOf(':');
  if (c < 0) return null;
  const raw = text.slice(0, c);
  const portText = text.slice(c + 1);
  const port = portText === '*' ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  let addr = cache.get(raw);
  if (addr === undefined) {
    const close = raw.lastIndexOf(']');
    addr = normalizeAddr(raw.startsWith('[') ? raw.slice(1, close >= 0 ? close : undefined) : raw);
    cache.set(raw, addr);
  }
  return { addr, port };
}

/** Parses the whole output; lines it cannot read are counted, not guessed. */
export function parseSs(text: string): { sockets: HeldSocket[]; skipped: number } {
  const sockets: HeldSocket[] = [];
  const cache = new Map<string, string>(); // few distinct addresses, many sockets
  let skipped = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const f = fields(text, start, end, 6);
    start = end + 1;
    if (f.length === 0) continue;
    const proto = f[0];
    if ((proto !== 'tcp' && proto !== 'udp') || f.length < 6) { skipped++; continue; }
    const local = endpoint(f[4]!, cache);
    const peer = endpoint(f[5]!, cache);
    if (!local || !peer) { skipped++; continue; }
    const unconnected = peer.port === 0 && (peer.addr === '*' || peer.addr === '0.0.0.0' || peer.addr === '::');
    sockets.push({
      proto, state: f[1]!, localAddr: local.addr, localPort: local.port,
      remoteAddr: unconnected ? null : peer.addr, remotePort: unconnected ? 0 : peer.port,
    });
  }
  return { sockets, skipped };
}
