/**
 * Go: golang.org/x/sys/unix has IP_LOCAL_PORT_RANGE only since v0.21.0 and the standard
 * syscall package never will, so the snippet names its own constants (the kernel's
 * numbers) and sets them in the Control hook, which runs after socket() and before Go
 * binds, connects or listens. A Dialer without LocalAddr does not bind: connect() picks
 * the port, sharing it across distinct 4-tuples (spec §5.1).
 */
import { headerLines, reservedSuppression, steps, type SnippetSpec } from './types';

export function generateGo(s: SnippetSpec): string {
  const st = steps(s);
  const sup = reservedSuppression(s);
  const control = [
    'func(network, address string, c syscall.RawConn) error {',
    '\tvar err error',
    '\tcerr := c.Control(func(fd uintptr) {',
    ...(st.noPort
      ? ['\t\tif err = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, ipBindAddressNoPort, 1); err != nil {', '\t\t\treturn', '\t\t}']
      : []),
    ...(sup ? [`\t\t// ${sup}`] : []),
    '\t\terr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, ipLocalPortRange, int(uint32(egressPortHi)<<16|uint32(egressPortLo)))',
    '\t})',
    '\tif cerr != nil {',
    '\t\treturn cerr',
    '\t}',
    '\treturn err',
    '}',
  ];
  const net = s.proto === 'tcp' ? 'tcp' : 'udp';
  let fn: string[];
  if (st.last === 'connect') {
    fn = [
      `// EgressDial dials address (network "${net}", "${net}4" or "${net}6") from a port in ${s.lo}-${s.hi}.`,
      'func EgressDial(ctx context.Context, network, address string) (net.Conn, error) {',
      '\td := net.Dialer{Control: ' + control[0],
      ...control.slice(1, -1).map((l) => `\t${l}`),
      '\t}}',
      '\treturn d.DialContext(ctx, network, address)',
      '}',
    ];
  } else if (st.last === 'listen') {
    fn = [
      `// EgressListen listens on an ephemeral port in ${s.lo}-${s.hi} (address "host:0").`,
      'func EgressListen(ctx context.Context, network, address string) (net.Listener, error) {',
      '\tlc := net.ListenConfig{Control: ' + control[0],
      ...control.slice(1, -1).map((l) => `\t${l}`),
      '\t}}',
      '\treturn lc.Listen(ctx, network, address)',
      '}',
    ];
  } else if (s.proto === 'tcp') {
    // bind(addr, 0) alone: Go's net package always connects or listens, so raw syscalls.
    const v6 = s.family === 6;
    fn = [
      `// EgressBind returns a TCP socket bound to a port in ${s.lo}-${s.hi}, held exclusively until it is closed.`,
      'func EgressBind() (int, error) {',
      `	fd, err := syscall.Socket(syscall.AF_INET${v6 ? '6' : ''}, syscall.SOCK_STREAM, 0)`,
      '	if err != nil {',
      '		return -1, err',
      '	}',
      ...(sup ? [`	// ${sup}`] : []),
      '	if err = syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, ipLocalPortRange, int(uint32(egressPortHi)<<16|uint32(egressPortLo))); err == nil {',
      `		err = syscall.Bind(fd, &syscall.SockaddrInet${v6 ? '6' : '4'}{})`,
      '	}',
      '	if err != nil {',
      '		syscall.Close(fd)',
      '		return -1, err',
      '	}',
      '	return fd, nil',
      '}',
    ];
  } else {
    fn = [
      `// EgressPacketConn opens a UDP socket on a port in ${s.lo}-${s.hi} (address "host:0"); WriteTo sends from it.`,
      'func EgressPacketConn(ctx context.Context, network, address string) (net.PacketConn, error) {',
      '\tlc := net.ListenConfig{Control: ' + control[0],
      ...control.slice(1, -1).map((l) => `\t${l}`),
      '\t}}',
      '\treturn lc.ListenPacket(ctx, network, address)',
      '}',
    ];
  }
  return [
    ...headerLines(s).map((l) => `// ${l}`),
    'package egress',
    '',
    ...(st.last === null && s.proto === 'tcp' ? ['import "syscall"'] : ['import (', '\t"context"', '\t"net"', '\t"syscall"', ')']),
    '',
    '// The kernel\'s numbers (<linux/in.h>): the syscall package has neither, golang.org/x/sys/unix',
    '// has IP_LOCAL_PORT_RANGE since v0.21.0.',
    'const (',
    '\tipLocalPortRange = 51',
    ...(st.noPort ? ['\tipBindAddressNoPort = 24'] : []),
    '',
    `\tegressPortLo uint16 = ${s.lo}`,
    `\tegressPortHi uint16 = ${s.hi}`,
    ')',
    '',
    ...fn,
    '',
  ].join('\n');
}
