/**
 * The Go packages the analysis knows: golang.org/x/sys/unix and syscall constants (linux),
 * encoding/binary's byte orders, and the file's imports (a local name → the package it is).
 */
import type { Node } from 'web-tree-sitter';

export type GoPackage = 'unix' | 'syscall' | 'binary' | 'net' | 'unsafe' | 'other';

/** golang.org/x/sys/unix (linux) values; IP_LOCAL_PORT_RANGE since v0.21.0 (spec §0). */
export const UNIX: Record<string, number> = {
  SOL_IP: 0, IPPROTO_IP: 0, SOL_SOCKET: 1, SOL_TCP: 6, SOL_UDP: 17, IPPROTO_TCP: 6, IPPROTO_UDP: 17,
  IPPROTO_IPV6: 0x29, SOL_IPV6: 0x29, IPPROTO_SCTP: 0x84, IPPROTO_MPTCP: 0x106, IPPROTO_ICMP: 1, IPPROTO_RAW: 0xff,
  IP_LOCAL_PORT_RANGE: 0x33, IP_PROTOCOL: 0x34, IP_BIND_ADDRESS_NO_PORT: 0x18,
  SO_REUSEADDR: 2, SO_REUSEPORT: 0xf, SO_KEEPALIVE: 9, SO_RCVBUF: 8, SO_SNDBUF: 7,
  IP_TOS: 1, IP_TTL: 2, IPV6_V6ONLY: 0x1a, AF_INET: 2, AF_INET6: 0xa, AF_UNIX: 1,
  SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_SEQPACKET: 5, SOCK_NONBLOCK: 0x800, SOCK_CLOEXEC: 0x80000,
  // Options that are also 51 at other levels (IPV6_RECVHOPLIMIT, SO_ATTACH_REUSEPORT_CBPF) are
  // left out on purpose: a package constant other than IP_LOCAL_PORT_RANGE is never this option.
};

/** Go's frozen syscall package: no IP_LOCAL_PORT_RANGE, no IP_BIND_ADDRESS_NO_PORT, no IPPROTO_MPTCP. */
export const SYSCALL: Record<string, number> = Object.fromEntries(
  Object.entries(UNIX).filter(([k]) => !['IP_LOCAL_PORT_RANGE', 'IP_PROTOCOL', 'IP_BIND_ADDRESS_NO_PORT', 'IPPROTO_MPTCP'].includes(k)),
);

const PATHS: Record<string, GoPackage> = {
  'golang.org/x/sys/unix': 'unix', syscall: 'syscall', 'encoding/binary': 'binary', net: 'net', unsafe: 'unsafe',
};

/** Local name → package, from the import declarations; snippets without imports use the usual names. */
export function importsOf(decls: readonly Node[]): Map<string, GoPackage> {
  const imports = new Map<string, GoPackage>();
  for (const decl of decls) {
    const stack: Node[] = [decl];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type !== 'import_spec') {
        for (const c of n.namedChildren) if (c) stack.push(c);
        continue;
      }
      const path = n.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '') ?? '';
      const alias = n.childForFieldName('name')?.text;
      const local = alias && alias !== '.' && alias !== '_' ? alias : path.split('/').pop() ?? path;
      imports.set(local, PATHS[path] ?? 'other');
    }
  }
  for (const p of ['unix', 'syscall', 'binary', 'net', 'unsafe'] as const) if (!imports.has(p)) imports.set(p, p);
  return imports;
}

/** Byte order of binary.BigEndian / LittleEndian / NativeEndian. */
export function endianOf(field: string): 'big' | 'little' | 'host' | null {
  return field === 'BigEndian' ? 'big' : field === 'LittleEndian' ? 'little' : field === 'NativeEndian' ? 'host' : null;
}
