# SYNTAX TEST "source.python" "Port Range Lens injection grammars in Python"
# Checked against the real Python grammar VS Code ships (from the tm-grammars package).
import socket
import struct
from socket import SOL_IP, IP_BIND_ADDRESS_NO_PORT
#                  ^^^^^^ variable.other.constant.port-range-lens support.constant.level.port-range-lens
#                          ^^^^^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens

IP_LOCAL_PORT_RANGE = getattr(socket, "IP_LOCAL_PORT_RANGE", 51)
# <------------------- variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
#                                      ^^^^^^^^^^^^^^^^^^^ string.quoted.single.python - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens


def set_range(sock, lo, hi):
    """Narrow the ports for sock; see net.ipv4.ip_local_port_range."""
#                                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.docstring.multi.python constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_BIND_ADDRESS_NO_PORT, 1)
#                          ^^^^^^^^^^ meta.member.access.python variable.other.constant.port-range-lens support.constant.level.port-range-lens
#                                             ^^^^^^^^^^^^^^^^^^^^^^^ meta.member.access.python variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
    sock.setsockopt(socket.SOL_IP, IP_LOCAL_PORT_RANGE, struct.pack("=I", hi << 16 | lo))
#                          ^^^^^^ meta.member.access.python variable.other.constant.port-range-lens support.constant.level.port-range-lens
#                                  ^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
    return sock.getsockopt(socket.SOL_IP, socket.IP_PROTOCOL)
#                                                ^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens


with open("/proc/sys/net/ipv4/ip_local_reserved_ports") as f:
#          ^^^^^^^^^^ string.quoted.single.python - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
#                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.single.python constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
    reserved = f.read()
KEYS = [b"net.ipv4.tcp_tw_reuse", 'tcp_tw_reuse_delay', "ip_autobind_reuse"]
#         ^^^^^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
#                                  ^^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
#                                                        ^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
# f-strings are left alone: their literal text has no string scope when injections run.
log(f"IP_LOCAL_PORT_RANGE={lo}-{hi} ip_local_port_range={net}")
#     ^^^^^^^^^^^^^^^^^^^ meta.fstring.python string.interpolated.python - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
#                                   ^^^^^^^^^^^^^^^^^^^ meta.fstring.python string.interpolated.python - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens

# IP_LOCAL_PORT_RANGE and net.ipv4.ip_local_port_range in a comment are prose.
# ^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.python - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
#                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.python - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
x = socket.IP_LOCAL_PORT_RANGE_V2 + MY_IP_LOCAL_PORT_RANGE_X + socket.IPPROTO_IPV6
#          ^^^^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
#                                   ^^^^^^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
#                                                                     ^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
ip_local_port_range = "ip_local_port_range_old"
# <------------------- - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
#                      ^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.single.python - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
