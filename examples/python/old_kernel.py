"""An MPTCP-capable uploader that must also run on the fleet's Linux 6.5 hosts.

IP_LOCAL_PORT_RANGE exists since Linux 6.3, but MPTCP sockets accept it only
since 6.8: on 6.5 setsockopt fails with ENOPROTOOPT (kernel-too-old).
The directive below makes `port-range-lens check` judge this file for 6.5.
"""
# port-range-lens: kernel 6.5
import socket
import struct

IP_LOCAL_PORT_RANGE = getattr(socket, "IP_LOCAL_PORT_RANGE", 51)
IPPROTO_MPTCP = getattr(socket, "IPPROTO_MPTCP", 262)


def tcp_upload(dest):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # expect: none
    s.setsockopt(socket.SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("=I", (46_511 << 16) | 46_000))
    s.connect(dest)
    return s


def mptcp_upload(dest):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    # expect: kernel-too-old
    s.setsockopt(socket.SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("=I", (46_511 << 16) | 46_000))
    s.connect(dest)
    return s
