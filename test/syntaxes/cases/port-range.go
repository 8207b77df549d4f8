// SYNTAX TEST "source.go" "Port Range Lens injection grammars in Go"
// Checked against the real Go grammar VS Code ships (from the tm-grammars package).
package lens

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

const (
	IP_LOCAL_PORT_RANGE = 0x33 // fallback for x/sys/unix < v0.21.0
// <~------------------- variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
	rangePath           = "/proc/sys/net/ipv4/ip_local_port_range"
//                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.go constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
	reusePath           = `net.ipv4.ip_autobind_reuse`
//                      ^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.raw.go constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
)

func SetRange(fd int, lo, hi uint16) error {
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1); err != nil {
//                                     ^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                                                      ^^^^^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
		return err
	}
	return unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, int(hi)<<16|int(lo))
//                                  ^^^^^^ variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                                               ^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
}

func Other(fd int) (int, error) {
	// IP_LOCAL_PORT_RANGE and net.ipv4.ip_local_port_range in a comment are prose.
//  ^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
	_ = "IP_LOCAL_PORT_RANGE"
//    ^^^^^^^^^^^^^^^^^^^ string.quoted.double.go - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
	_, _ = os.ReadFile("/proc/sys/net/ipv4/tcp_tw_reuse_delay")
//                             ^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.go constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
	_ = unix.IPPROTO_IPV6 + MY_IP_LOCAL_PORT_RANGE_X + unix.IP_LOCAL_PORT_RANGEX
//        ^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                       ^^^^^^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                                                       ^^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
	return unix.GetsockoptInt(fd, syscall.SOL_IP, unix.IP_PROTOCOL)
//                                     ^^^^^^ variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                                                  ^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
}
