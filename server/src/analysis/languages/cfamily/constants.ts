/**
 * The <sys/socket.h>/<netinet/in.h> constants a C or C++ file uses without defining them
 * (Linux values; the option numbers from engine/src/uapi.ts, their one home). A file's own
 * #define or enum of the same name wins (it is bound in the file's scope, found first).
 * IPV6_RECVHOPLIMIT and SO_ATTACH_REUSEPORT_CBPF are 51 too: core/sites.ts never takes an
 * option named like another option for IP_LOCAL_PORT_RANGE.
 */
import * as uapi from '../../../../../engine/src/uapi';

export const CONSTANTS: Record<string, number> = {
  SOL_IP: uapi.SOL_IP, IPPROTO_IP: uapi.IPPROTO_IP, SOL_SOCKET: uapi.SOL_SOCKET, IPPROTO_TCP: uapi.IPPROTO_TCP, SOL_TCP: uapi.IPPROTO_TCP,
  IPPROTO_UDP: uapi.IPPROTO_UDP, SOL_UDP: uapi.IPPROTO_UDP, IPPROTO_IPV6: uapi.IPPROTO_IPV6, SOL_IPV6: uapi.IPPROTO_IPV6,
  IPPROTO_SCTP: uapi.IPPROTO_SCTP, SOL_SCTP: uapi.IPPROTO_SCTP, IPPROTO_MPTCP: uapi.IPPROTO_MPTCP, IPPROTO_UDPLITE: 136,
  IPPROTO_RAW: 255, IPPROTO_ICMP: 1, IPPROTO_ICMPV6: 58,
  IP_LOCAL_PORT_RANGE: uapi.IP_LOCAL_PORT_RANGE, IP_PROTOCOL: uapi.IP_PROTOCOL,
  IP_BIND_ADDRESS_NO_PORT: uapi.IP_BIND_ADDRESS_NO_PORT, IPV6_RECVHOPLIMIT: 51, SO_ATTACH_REUSEPORT_CBPF: 51,
  SO_REUSEADDR: 2, SO_REUSEPORT: 15,
  AF_INET: 2, PF_INET: 2, AF_INET6: 10, PF_INET6: 10, AF_UNIX: 1, AF_LOCAL: 1, PF_UNIX: 1,
  SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_SEQPACKET: 5, SOCK_NONBLOCK: 0o4000, SOCK_CLOEXEC: 0o2000000,
  INADDR_ANY: 0,
};
