"""A metrics agent on hosts where ip_local_reserved_ports keeps 40000-40099 for
in-house services (the directive below tells `port-range-lens check` so).

Automatic port selection skips reserved ports, even inside a socket's own
IP_LOCAL_PORT_RANGE: 100 of the agent's 512 ports are never used, and a range
made only of reserved ports leaves bind(0) and connect() nothing at all.
"""
# port-range-lens: reserved 40000-40099
import socket
import struct

IP_LOCAL_PORT_RANGE = getattr(socket, "IP_LOCAL_PORT_RANGE", 51)
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)


def agent_socket(collector):
    s = socket.socket()
    s.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
    # expect: reserved-ports-overlap
    s.setsockopt(socket.SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("=I", (40_511 << 16) | 40_000))
    s.bind(("0.0.0.0", 0))
    s.connect(collector)
    return s


def probe_socket(target):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # expect: reserved-ports-overlap
    u.setsockopt(socket.SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("=I", (40_099 << 16) | 40_000))
    u.sendto(b"ping", target)
    return u
