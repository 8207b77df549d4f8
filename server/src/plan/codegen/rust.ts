/**
 * Rust: neither std nor the libc crate defines IP_LOCAL_PORT_RANGE, so the snippet names
 * the kernel's number; the value is a u32 passed with size_of::<u32>() (exactly 4 bytes),
 * set on the raw socket before bind/connect/listen/sendto, with libc for the calls std
 * does not expose (a TcpStream cannot take an option before it connects).
 */
import { headerLines, reservedSuppression, steps, type SnippetSpec } from './types';

export function generateRust(s: SnippetSpec): string {
  const st = steps(s);
  const v6 = s.family === 6;
  const sa = v6 ? 'sockaddr_in6' : 'sockaddr_in';
  const af = v6 ? 'AF_INET6' : 'AF_INET';
  const type = s.proto === 'tcp' ? 'SOCK_STREAM' : 'SOCK_DGRAM';
  const sup = reservedSuppression(s);
  const args = st.last === 'connect' ? `dst: &libc::${sa}` : st.last === 'sendto' ? `dst: &libc::${sa}, data: &[u8]` : st.last === 'listen' ? 'backlog: i32' : '';
  const check = (call: string) => [`if ${call} < 0 {`, '    return Err(io::Error::last_os_error());', '}'];
  const ptr = (v: string, t: string) => `${v} as *const ${t} as *const libc::c_void`;
  const len = (t: string) => `size_of::<${t}>() as libc::socklen_t`;
  const body: string[] = [
    `let fd = libc::socket(libc::${af}, libc::${type}, 0);`,
    'if fd < 0 {',
    '    return Err(io::Error::last_os_error());',
    '}',
    'let sock = OwnedFd::from_raw_fd(fd);',
    'let range: u32 = (EGRESS_PORT_HI << 16) | EGRESS_PORT_LO;',
  ];
  if (st.noPort) {
    body.push('let one: libc::c_int = 1;');
    body.push(...check(`libc::setsockopt(fd, libc::IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, ${ptr('&one', 'libc::c_int')}, ${len('libc::c_int')})`));
  }
  if (sup) body.push(`// ${sup}`);
  body.push(...check(`libc::setsockopt(fd, libc::IPPROTO_IP, IP_LOCAL_PORT_RANGE, ${ptr('&range', 'u32')}, ${len('u32')})`));
  if (st.bindZero) {
    body.push(`let mut src: libc::${sa} = std::mem::zeroed();`, `src.${v6 ? 'sin6' : 'sin'}_family = libc::${af} as libc::sa_family_t;`);
    body.push(...check(`libc::bind(fd, &src as *const libc::${sa} as *const libc::sockaddr, ${len(`libc::${sa}`)})`));
  }
  if (st.last === 'connect') body.push(...check(`libc::connect(fd, dst as *const libc::${sa} as *const libc::sockaddr, ${len(`libc::${sa}`)})`));
  if (st.last === 'listen') body.push(...check('libc::listen(fd, backlog)'));
  if (st.last === 'sendto') {
    body.push(...check(`libc::sendto(fd, data.as_ptr() as *const libc::c_void, data.len(), 0, dst as *const libc::${sa} as *const libc::sockaddr, ${len(`libc::${sa}`)})`));
  }
  body.push('Ok(sock)');
  return [
    ...headerLines(s).map((l) => `// ${l}`),
    'use std::io;',
    'use std::mem::size_of;',
    'use std::os::fd::{FromRawFd, OwnedFd};',
    '',
    '/// Not in std nor in the libc crate: <linux/in.h> since Linux 6.3.',
    'const IP_LOCAL_PORT_RANGE: libc::c_int = 51;',
    ...(st.noPort ? ['/// <linux/in.h> since Linux 4.2.', 'const IP_BIND_ADDRESS_NO_PORT: libc::c_int = 24;'] : []),
    `const EGRESS_PORT_LO: u32 = ${s.lo};`,
    `const EGRESS_PORT_HI: u32 = ${s.hi};`,
    '',
    `/// A ${s.proto.toUpperCase()} socket whose local port is in ${s.lo}-${s.hi}.`,
    `pub fn ${st.name}(${args}) -> io::Result<OwnedFd> {`,
    '    // SAFETY: plain socket calls on a descriptor this function owns; pointers and lengths match.',
    '    unsafe {',
    ...body.map((l) => `        ${l}`),
    '    }',
    '}',
    '',
  ].join('\n');
}
