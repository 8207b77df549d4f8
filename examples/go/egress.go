// Command egress dials upstreams from per-worker slices of the ephemeral port range
// (Linux >= 6.3, IP_LOCAL_PORT_RANGE). newDialer shows the intended pattern (spec §2.7):
// IP_BIND_ADDRESS_NO_PORT + range, set in the Dialer's Control hook before bind/connect.
// Every bug* function shows one mistake that `port-range-lens check` reports; the
// `// expect:` comments list the diagnostic codes of the call on the next line
// (test/analysis/go.test.ts checks them with the default configuration: netns range
// 32768-60999, kernel 6.18, little-endian host).
package main

import (
	"context"
	"encoding/binary"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

const (
	workerLo uint16 = 40000
	workerHi uint16 = 40511
)

// packRange builds the option value: hi in the upper 16 bits, host byte order.
func packRange(lo, hi uint16) int {
	return int(uint32(hi)<<16 | uint32(lo))
}

// setPortRange is a project helper; note the (upper, lower) parameter order.
func setPortRange(fd int, upper, lower uint16) error {
	// expect: none
	return unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_LOCAL_PORT_RANGE, int(uint32(upper)<<16|uint32(lower)))
}

func newDialer() *net.Dialer {
	return &net.Dialer{
		Control: func(network, address string, c syscall.RawConn) error {
			var err error
			cerr := c.Control(func(fd uintptr) {
				if err = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1); err != nil {
					return
				}
				// expect: none
				err = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_LOCAL_PORT_RANGE, packRange(workerLo, workerHi))
			})
			if cerr != nil {
				return cerr
			}
			return err
		},
	}
}

func rawSocketWithHelper() {
	fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	// expect: none
	setPortRange(fd, 45511, 45000)
	unix.Connect(fd, &unix.SockaddrInet4{Port: 443, Addr: [4]byte{192, 0, 2, 80}})
}

// bugPerHalfBigEndian: each half written with BigEndian.PutUint16 is byte-swapped,
// and the kernel reads lo=16540, hi=16286: lo > hi, EINVAL.
func bugPerHalfBigEndian() *net.Dialer {
	return &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		var err error
		c.Control(func(fd uintptr) {
			buf := make([]byte, 4)
			binary.BigEndian.PutUint16(buf[0:], workerLo)
			binary.BigEndian.PutUint16(buf[2:], workerHi)
			// expect: network-byte-order
			err = unix.SetsockoptString(int(fd), unix.IPPROTO_IP, unix.IP_LOCAL_PORT_RANGE, string(buf))
		})
		return err
	}}
}

func bugNetworkOrder32(fd int) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(workerHi)<<16|uint32(workerLo))
	// expect: network-byte-order, outside-netns-range
	unix.SetsockoptString(fd, unix.IPPROTO_IP, unix.IP_LOCAL_PORT_RANGE, string(b[:]))
}

func bugMissingConstant(fd int) {
	// expect: missing-constant
	syscall.SetsockoptInt(fd, syscall.SOL_IP, syscall.IP_LOCAL_PORT_RANGE, packRange(41000, 41511))
}

func bugMagicNumber(fd int) {
	// expect: magic-number
	syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, 0x33, packRange(42000, 42511))
}

func bugSwapped(fd int) {
	// expect: swapped-halves
	unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, int(uint32(workerLo)<<16|uint32(workerHi)))
}

func bugWrongLevel() {
	fd, _ := unix.Socket(unix.AF_INET6, unix.SOCK_STREAM, 0)
	// expect: wrong-level
	unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IP_LOCAL_PORT_RANGE, packRange(43000, 43511))
}

func bugOutsideNetns(fd int) {
	// expect: outside-netns-range
	unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, packRange(20000, 20511))
}

func bugClamped(fd int) {
	// expect: clamped-by-netns-range
	unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, packRange(30000, 33000))
}

// bugSetAfterDial: the connection already has its port when Control runs on its RawConn.
func bugSetAfterDial() error {
	conn, err := net.Dial("tcp", "192.0.2.80:443")
	if err != nil {
		return err
	}
	rc, err := conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		return err
	}
	return rc.Control(func(fd uintptr) {
		// expect: set-after-bind
		unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, packRange(workerLo, workerHi))
	})
}

// bugExplicitPort: the ListenConfig binds :8053, a fixed port, after Control returns.
func bugExplicitPort(ctx context.Context) (net.PacketConn, error) {
	lc := net.ListenConfig{Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			// expect: explicit-port
			unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, packRange(workerLo, workerHi))
		})
	}}
	return lc.ListenPacket(ctx, "udp4", ":8053")
}

// bugExclusiveBind: LocalAddr with port 0 and no IP_BIND_ADDRESS_NO_PORT: Go binds before connect.
func bugExclusiveBind(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10)},
		Control: func(network, address string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) {
				// expect: exclusive-bind
				unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, packRange(workerLo, workerHi))
			})
		},
	}
	return d.DialContext(ctx, "tcp4", "192.0.2.80:443")
}

func bugEmptyRange(fd int) {
	// expect: empty-range
	unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, packRange(workerHi, workerLo))
}

func bugBadOptlen(fd int) {
	buf := make([]byte, 8)
	binary.LittleEndian.PutUint64(buf, uint64(workerHi)<<16|uint64(workerLo))
	// expect: bad-optlen
	unix.SetsockoptString(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, string(buf))
}

func bugHalfOverflow(fd int) {
	lo := 70000 // does not fit 16 bits: spills into hi
	// expect: half-overflow
	unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, int(uint32(workerHi)<<16|uint32(lo)))
}

func bugSmallRange(fd int) {
	// expect: small-range
	unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, packRange(44000, 44007))
}

func bugWrongFallback(fd int) {
	const IP_LOCAL_PORT_RANGE = 52 // copied from the wrong line of <linux/in.h>: 52 is IP_PROTOCOL
	// expect: wrong-fallback-define
	unix.SetsockoptInt(fd, unix.SOL_IP, IP_LOCAL_PORT_RANGE, packRange(workerLo, workerHi))
}

func readBack(fd int) (lo, hi uint16, err error) {
	// expect: none
	v, err := unix.GetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE)
	return uint16(uint32(v)), uint16(uint32(v) >> 16), err
}

func main() {
	conn, err := newDialer().DialContext(context.Background(), "tcp", "192.0.2.80:443")
	if err == nil {
		conn.Close()
	}
}
