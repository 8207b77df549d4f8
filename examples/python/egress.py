"""Egress port partitioning for an HTTP proxy's upstream connections.

Each worker gets its own slice of the ephemeral port range (Linux >= 6.3,
IP_LOCAL_PORT_RANGE) so that workers never compete for source ports.
`connect_upstream` shows the intended pattern (spec §2.7); every `bug_*`
function shows one mistake that `port-range-lens check` reports. The
`# expect:` comments list the diagnostic codes of the call on the next line
(test/analysis/python.test.ts checks them with the default configuration:
netns range 32768-60999, kernel 6.18, little-endian host).
"""
import socket
import struct

SOL_IP = socket.SOL_IP
# CPython's socket module has no IP_LOCAL_PORT_RANGE: fall back to the kernel's value.
IP_LOCAL_PORT_RANGE = getattr(socket, "IP_LOCAL_PORT_RANGE", 51)
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)

WORKER_LO, WORKER_HI = 40_000, 40_511
UPSTREAM = ("192.0.2.80", 443)


def port_range(lo, hi):
    """The option value: a native-endian u32, hi in the upper 16 bits."""
    return struct.pack("=I", (hi << 16) | lo)


def limit_ports(sock, upper, lower):
    """A project helper: note the (upper, lower) parameter order."""
    # expect: none
    sock.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("=I", upper << 16 | lower))


def connect_upstream():
    """Correct: IP_BIND_ADDRESS_NO_PORT + range + bind(ip, 0) + connect."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
    # expect: none
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(WORKER_LO, WORKER_HI))
    s.bind(("192.0.2.10", 0))
    s.connect(UPSTREAM)
    return s


def connect_with_helper():
    s = socket.socket()
    # expect: none
    limit_ports(s, 45_511, 45_000)
    s.connect(UPSTREAM)
    return s


def bug_network_order():
    s = socket.socket()
    # expect: network-byte-order, outside-netns-range
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("!I", (WORKER_HI << 16) | WORKER_LO))
    s.connect(UPSTREAM)


def bug_int_form():
    s = socket.socket()
    # expect: python-int-overflow
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, (WORKER_HI << 16) | WORKER_LO)
    s.connect(UPSTREAM)


def bug_missing_constant():
    s = socket.socket()
    # expect: missing-constant
    s.setsockopt(socket.SOL_IP, socket.IP_LOCAL_PORT_RANGE, port_range(41_000, 41_511))
    s.connect(UPSTREAM)


def bug_magic_number():
    s = socket.socket()
    # expect: magic-number
    s.setsockopt(socket.IPPROTO_IP, 0x33, port_range(42_000, 42_511))
    s.connect(UPSTREAM)


def bug_swapped_halves():
    s = socket.socket()
    # expect: swapped-halves
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("=I", (WORKER_LO << 16) | WORKER_HI))
    s.connect(UPSTREAM)


def bug_wrong_level():
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    # expect: wrong-level
    s.setsockopt(socket.IPPROTO_IPV6, IP_LOCAL_PORT_RANGE, port_range(43_000, 43_511))
    s.connect(("2001:db8::80", 443))


def bug_outside_netns():
    s = socket.socket()
    # expect: outside-netns-range
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(20_000, 20_511))
    s.connect(UPSTREAM)


def bug_clamped():
    s = socket.socket()
    # expect: clamped-by-netns-range
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(30_000, 33_000))
    s.connect(UPSTREAM)


def bug_set_after_connect():
    s = socket.socket()
    s.connect(UPSTREAM)
    # expect: set-after-bind
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(WORKER_LO, WORKER_HI))


def bug_explicit_port():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # expect: explicit-port
    u.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(WORKER_LO, WORKER_HI))
    u.bind(("0.0.0.0", 5353))


def bug_exclusive_bind():
    s = socket.socket()
    # expect: exclusive-bind
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(WORKER_LO, WORKER_HI))
    s.bind(("192.0.2.10", 0))
    s.connect(UPSTREAM)


def bug_empty_range():
    s = socket.socket()
    # expect: empty-range
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(WORKER_HI, WORKER_LO))
    s.connect(UPSTREAM)


def bug_bad_optlen():
    s = socket.socket()
    # expect: bad-optlen
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("=Q", (WORKER_HI << 16) | WORKER_LO))
    s.connect(UPSTREAM)


def bug_half_overflow():
    s = socket.socket()
    # expect: half-overflow
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(70_000, WORKER_HI))
    s.connect(UPSTREAM)


def bug_small_range():
    s = socket.socket()
    # expect: small-range
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(44_000, 44_007))
    s.connect(UPSTREAM)


def bug_wrong_fallback():
    IP_LOCAL_PORT_RANGE = 52  # copied from the wrong line of <linux/in.h>: 52 is IP_PROTOCOL
    s = socket.socket()
    # expect: wrong-fallback-define
    s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, port_range(WORKER_LO, WORKER_HI))
    s.connect(UPSTREAM)


def read_back(s):
    # expect: none
    raw = s.getsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, 4)
    value = struct.unpack("=I", raw)[0]
    return value & 0xFFFF, value >> 16


if __name__ == "__main__":
    read_back(connect_upstream())
