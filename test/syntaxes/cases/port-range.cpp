// SYNTAX TEST "source.cpp" "Port Range Lens injection grammars in C++"
// Checked against the real C++ grammar VS Code ships (from the tm-grammars package).
#include <netinet/in.h>
#include <string>

namespace lens {
constexpr int kRangeOpt = IP_LOCAL_PORT_RANGE;
//                        ^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens

int set_range(int fd, std::uint16_t lo, std::uint16_t hi) {
    const std::uint32_t v = (std::uint32_t{hi} << 16) | lo;
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &v, 4);
//                   ^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                               ^^^^^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
    return ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
//                          ^^^^^^ variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                                  ^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
}

static_assert(IP_PROTOCOL == 52, "IP_PROTOCOL is 52, not 51");
//            ^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
//                                ^^^^^^^^^^^ string.quoted.double.cpp - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens

const std::string kPath = "/proc/sys/net/ipv4/ip_local_port_range";
//                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.cpp constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
const std::string kStart = "net.ipv4.ip_unprivileged_port_start";
//                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.cpp constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
auto kRaw = R"(net.ipv4.tcp_tw_reuse)";
//             ^^^^^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
}  // namespace lens

// IP_LOCAL_PORT_RANGE in a comment is prose.
// ^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.cpp - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
int MY_IP_LOCAL_PORT_RANGE_X = IPPROTO_IPV6;
//  ^^^^^^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
//                             ^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
