// SYNTAX TEST "source.c" "Port Range Lens injection grammars in C"
// Checked against the real C grammar VS Code ships (from the tm-grammars package).
#include <netinet/in.h>
#include <sys/socket.h>

/* glibc < 2.38 lacks the option: the usual fallback, as the kernel selftest does. */
#ifndef IP_LOCAL_PORT_RANGE
//      ^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
#define IP_LOCAL_PORT_RANGE 51
//      ^^^^^^^^^^^^^^^^^^^ entity.name.function.preprocessor.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
#endif

static int set_range(int fd, unsigned lo, unsigned hi)
{
    unsigned v = hi << 16 | lo;
    int one = 1;
    if (setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one))
//                     ^^^^^^^^^^ meta.function-call.c variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                                 ^^^^^^^^^^^^^^^^^^^^^^^ meta.function-call.c variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
        return -1;
    return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
//                        ^^^^^^ meta.function-call.c variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                                ^^^^^^^^^^^^^^^^^^^ meta.function-call.c variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
}

int wrong_option = IP_PROTOCOL; /* 52, the neighbour of 51 */
//                 ^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
//                                 ^^ comment.block.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens

/* Near misses keep the base grammar's scopes. */
int MY_IP_LOCAL_PORT_RANGE_X, IP_LOCAL_PORT_RANGE_MAX, xIP_PROTOCOL;
//  ^^^^^^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                            ^^^^^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                                                     ^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
int v6 = IPPROTO_IPV6, s6 = SOL_IPV6, raw = IPPROTO_IPIP;
//       ^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                          ^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                                          ^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens

// IP_LOCAL_PORT_RANGE and net.ipv4.ip_local_port_range in a comment are prose.
// ^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
/* SOL_IP in a block comment */
// ^^^^^^ comment.block.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
const char *opt_name = "IP_LOCAL_PORT_RANGE";
//                      ^^^^^^^^^^^^^^^^^^^ string.quoted.double.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens

/* Sysctl names are highlighted inside strings only. */
const char *range_path = "/proc/sys/net/ipv4/ip_local_port_range";
//                        ^^^^^^^^^^ string.quoted.double.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.c constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
const char *reserved = "net.ipv4.ip_local_reserved_ports";
//                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.c constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
const char *pair = "ip_unprivileged_port_start ip_autobind_reuse";
//                  ^^^^^^^^^^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
//                                             ^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
const char *tw = "tcp_tw_reuse_delay\ttcp_tw_reuse\nip_local_port_range";
//                ^^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
//                                  ^^ constant.character.escape.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                                    ^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
//                                                  ^^^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
const char *near = "my_ip_local_port_range ip_local_port_range_v2 net.ipv4.tcp_tw_reuses";
//                  ^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                                         ^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                                                                ^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.c - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
int ip_local_port_range = 0;
//  ^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
