// Command agent runs where ip_local_reserved_ports keeps 40000-40099 for in-house
// services (the directive below tells `port-range-lens check` so). Automatic port
// selection skips reserved ports even inside the socket's own range.
// port-range-lens: reserved 40000-40099
package main

import (
	"context"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

func agentDialer() *net.Dialer {
	return &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
			// expect: reserved-ports-overlap
			unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000)
		})
	}}
}

func main() {
	agentDialer().DialContext(context.Background(), "tcp", "192.0.2.80:443")
}
