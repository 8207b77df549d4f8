/**
 * C++: the same calls as C (c.ts cCore), with <cstdint> types, constexpr bounds in a
 * namespace, C++ casts and a small fail lambda instead of goto.
 */
import { cCore } from './c';
import { headerLines, steps, type SnippetSpec } from './types';

export function generateCpp(s: SnippetSpec): string {
  const st = steps(s);
  const { params, body } = cCore(s, 'cpp');
  return [
    ...headerLines(s).map((l) => `// ${l}`),
    '#include <cstdint>',
    '#include <netinet/in.h>',
    '#include <sys/socket.h>',
    '#include <unistd.h>',
    '',
    '#ifndef IP_LOCAL_PORT_RANGE',
    '#define IP_LOCAL_PORT_RANGE 51 // <linux/in.h> since Linux 6.3, glibc >= 2.38',
    '#endif',
    ...(st.noPort ? ['#ifndef IP_BIND_ADDRESS_NO_PORT', '#define IP_BIND_ADDRESS_NO_PORT 24 // Linux 4.2', '#endif'] : []),
    '',
    'namespace egress {',
    '',
    `constexpr std::uint32_t kPortLo = ${s.lo};`,
    `constexpr std::uint32_t kPortHi = ${s.hi};`,
    '',
    `// Returns the socket (ports ${s.lo}-${s.hi}), or -1 with errno set.`,
    `inline int ${st.name}(${params}) {`,
    ...body.map((l) => (l === '' ? l : `  ${l.replace(/^ {4}/, '  ')}`)),
    '}',
    '',
    '}  // namespace egress',
    '',
  ].join('\n');
}
