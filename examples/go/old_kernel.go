// Command relay is built for an appliance that still runs Linux 6.1.20, before the
// 6.1.32 back-port of IP_LOCAL_PORT_RANGE: setsockopt fails with ENOPROTOOPT there
// (kernel-too-old). The directive below makes `port-range-lens check` judge it for 6.1.
// port-range-lens: kernel 6.1
package main

import (
	"context"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

func relayDialer() *net.Dialer {
	return &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		var err error
		c.Control(func(fd uintptr) {
			// expect: kernel-too-old
			err = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_LOCAL_PORT_RANGE, 47511<<16|47000)
		})
		return err
	}}
}

func main() {
	relayDialer().DialContext(context.Background(), "tcp", "192.0.2.80:443")
}
