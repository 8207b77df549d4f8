/**
 * C: the fallback #define for headers older than Linux 6.3 / glibc 2.38, an unsigned
 * 32-bit value (hi << 16 | lo with uint32_t operands), sizeof the u32 as optlen, the
 * option set before bind/connect/listen/sendto, IP_BIND_ADDRESS_NO_PORT for egress.
 */
import { headerLines, reservedSuppression, SOCK_TYPE, steps, type SnippetSpec } from './types';

/** The C body shared with C++ (which wraps it in its own spelling). */
export function cCore(s: SnippetSpec, lang: 'c' | 'cpp'): { params: string; body: string[] } {
  const st = steps(s);
  const u32 = lang === 'c' ? 'uint32_t' : 'std::uint32_t';
  const lo = lang === 'c' ? 'EGRESS_PORT_LO' : 'kPortLo';
  const hi = lang === 'c' ? 'EGRESS_PORT_HI' : 'kPortHi';
  const family = st.last === 'connect' || st.last === 'sendto' ? 'dst->sa_family' : 'family';
  const params = st.last === 'connect' ? 'const struct sockaddr *dst, socklen_t dstlen'
    : st.last === 'sendto' ? 'const struct sockaddr *dst, socklen_t dstlen, const void *buf, size_t len'
      : st.last === 'listen' ? 'int family, int backlog' : 'int family';
  const b: string[] = [];
  if (st.noPort) b.push('int one = 1;');
  b.push(`${u32} range = (${hi} << 16) | ${lo};`);
  if (st.bindZero) {
    b.push(lang === 'c' ? 'struct sockaddr_storage src;' : 'sockaddr_storage src{};');
    b.push(`socklen_t srclen = ${family} == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);`);
  }
  b.push(`int fd = socket(${family}, ${SOCK_TYPE[s.proto]}, 0);`, '', 'if (fd < 0)', '    return -1;');
  if (lang === 'cpp') b.push('auto fail = [fd] { ::close(fd); return -1; };');
  if (st.bindZero) {
    if (lang === 'c') b.push('memset(&src, 0, sizeof(src));');
    b.push(`src.ss_family = ${lang === 'c' ? '' : 'static_cast<sa_family_t>('}${family}${lang === 'c' ? '' : ')'};`);
  }
  const cast = (t: string, e: string) => (lang === 'c' ? `(${t})${e}` : `reinterpret_cast<${t}>(${e})`);
  const calls: [string, string | null][] = [];
  if (st.noPort) calls.push(['setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one))', null]);
  calls.push(['setsockopt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, &range, sizeof(range))', reservedSuppression(s)]);
  if (st.bindZero) calls.push([`bind(fd, ${cast('struct sockaddr *', '&src')}, srclen)`, null]);
  if (st.last === 'connect') calls.push(['connect(fd, dst, dstlen)', null]);
  if (st.last === 'listen') calls.push(['listen(fd, backlog)', null]);
  if (st.last === 'sendto') calls.push(['sendto(fd, buf, len, 0, dst, dstlen)', null]);
  for (const [call, comment] of calls) {
    // A suppression comment covers its own line and the line below it.
    if (comment) b.push(`/* ${comment} */`);
    b.push(`if (${call} < 0)`, lang === 'c' ? '    goto fail;' : '    return fail();');
  }
  b.push('return fd;');
  if (lang === 'c') b.push('fail:', 'close(fd);', 'return -1;');
  return { params, body: b };
}

export function generateC(s: SnippetSpec): string {
  const st = steps(s);
  const { params, body } = cCore(s, 'c');
  const doc = st.last === 'connect' ? `Connects a ${s.proto.toUpperCase()} socket to dst from a port in ${s.lo}-${s.hi}`
    : st.last === 'sendto' ? `Sends buf to dst from a UDP socket whose port is in ${s.lo}-${s.hi}`
      : st.last === 'listen' ? `A listening socket on a port in ${s.lo}-${s.hi}` : `A socket bound to a port in ${s.lo}-${s.hi} (held exclusively)`;
  return [
    '/*',
    ...headerLines(s).map((l) => ` * ${l}`),
    ' */',
    '#include <netinet/in.h>',
    '#include <stdint.h>',
    ...(st.bindZero ? ['#include <string.h>'] : []),
    '#include <sys/socket.h>',
    '#include <unistd.h>',
    '',
    '#ifndef IP_LOCAL_PORT_RANGE',
    '#define IP_LOCAL_PORT_RANGE 51 /* <linux/in.h> since Linux 6.3, glibc >= 2.38 */',
    '#endif',
    ...(st.noPort ? ['#ifndef IP_BIND_ADDRESS_NO_PORT', '#define IP_BIND_ADDRESS_NO_PORT 24 /* Linux 4.2 */', '#endif'] : []),
    '',
    `#define EGRESS_PORT_LO ${s.lo}u`,
    `#define EGRESS_PORT_HI ${s.hi}u`,
    '',
    `/* ${doc}; returns the socket, or -1 with errno set. */`,
    `int ${st.name}(${params})`,
    '{',
    ...body.map((l) => (l === '' || l.endsWith(':') ? l : `    ${l}`)),
    '}',
    '',
  ].join('\n');
}
