/**
 * The <sys/socket.h>/<netinet/in.h> constants a C++ file uses without defining them (Linux
 * values; the option numbers from engine/src/uapi.ts, their one home).
 */
import * as uapi from '../../../../../engine/src/uapi';

export const CONSTANTS: Record<string, number> = {
  SOL_IP: uapi.SOL_IP, IPPROTO_IP: uapi.IPPROTO_IP, SOL_SOCKET: uapi.SOL_SOCKET, IPPROTO_TCP: uapi.IPPROTO_TCP,
  IPPROTO_UDP: uapi.IPPROTO_UDP, IPPROTO_IPV6: uapi.IPPROTO_IPV6, SOL_IPV6: uapi.IPPROTO_IPV6, IPPROTO_SCTP: uapi.IPPROTO_SCTP,
  IPPROTO_MPTCP: uapi.IPPROTO_MPTCP, IP_LOCAL_PORT_RANGE: uapi.IP_LOCAL_PORT_RANGE, IP_PROTOCOL: uapi.IP_PROTOCOL,
  IP_BIND_ADDRESS_NO_PORT: uapi.IP_BIND_ADDRESS_NO_PORT, SO_REUSEADDR: 2, SO_REUSEPORT: 15,
  AF_INET: 2, AF_INET6: 10, SOCK_STREAM: 1, SOCK_DGRAM: 2,
};
