/**
 * Python: CPython's socket module has no IP_LOCAL_PORT_RANGE (nor, before 3.12 on some
 * builds, IP_BIND_ADDRESS_NO_PORT), so the kernel's numbers are the getattr fallbacks; the
 * value is exactly 4 bytes of a native-endian u32 (struct.pack("=I")): an int only works
 * while hi < 32768 (spec §2.2).
 */
import { headerLines, reservedSuppression, steps, type SnippetSpec } from './types';

export function generatePython(s: SnippetSpec): string {
  const st = steps(s);
  const type = s.proto === 'tcp' ? 'socket.SOCK_STREAM' : 'socket.SOCK_DGRAM';
  const wildcard = '"::" if family == socket.AF_INET6 else "0.0.0.0"';
  const sig = st.last === 'connect' ? 'address, family=socket.AF_INET'
    : st.last === 'sendto' ? 'data, address, family=socket.AF_INET'
      : st.last === 'listen' ? 'family=socket.AF_INET, backlog=128' : 'family=socket.AF_INET';
  const doc = st.last === 'connect' ? `A ${s.proto.toUpperCase()} socket connected to address from a port in ${s.lo}-${s.hi}.`
    : st.last === 'sendto' ? `Sends data to address from a UDP socket whose port is in ${s.lo}-${s.hi}; returns the socket.`
      : st.last === 'listen' ? `A listening socket on a port in ${s.lo}-${s.hi}.` : `A socket bound to a port in ${s.lo}-${s.hi} (held exclusively).`;
  const body: string[] = [];
  if (st.noPort) body.push('s.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)');
  const sup = reservedSuppression(s);
  if (sup) body.push(`# ${sup}`);
  body.push('s.setsockopt(socket.IPPROTO_IP, IP_LOCAL_PORT_RANGE, struct.pack("=I", EGRESS_PORT_HI << 16 | EGRESS_PORT_LO))');
  if (st.bindZero) body.push(`s.bind((${wildcard}, 0))`);
  if (st.last === 'connect') body.push('s.connect(address)');
  if (st.last === 'listen') body.push('s.listen(backlog)');
  if (st.last === 'sendto') body.push('s.sendto(data, address)');
  return [
    ...headerLines(s).map((l) => `# ${l}`),
    'import socket',
    'import struct',
    '',
    '# Not in CPython\'s socket module: the kernel\'s numbers (<linux/in.h>).',
    'IP_LOCAL_PORT_RANGE = getattr(socket, "IP_LOCAL_PORT_RANGE", 51)',
    ...(st.noPort ? ['IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)'] : []),
    `EGRESS_PORT_LO, EGRESS_PORT_HI = ${s.lo}, ${s.hi}`,
    '',
    '',
    `def ${st.name}(${sig}):`,
    `    """${doc}"""`,
    `    s = socket.socket(family, ${type})`,
    '    try:',
    ...body.map((l) => `        ${l}`),
    '    except BaseException:',
    '        s.close()',
    '        raise',
    '    return s',
    '',
  ].join('\n');
}
