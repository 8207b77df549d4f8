// SYNTAX TEST "source.rust" "Port Range Lens injection grammars in Rust"
// Checked against the real Rust grammar VS Code ships (from the tm-grammars package).
use libc::{c_void, socklen_t, IPPROTO_IP, SOL_IP};

// The Rust grammar scopes a `const NAME:` declaration in one match: the name keeps its base scope there
// and is highlighted at every use.
const IP_LOCAL_PORT_RANGE: libc::c_int = 51;
//    ^^^^^^^^^^^^^^^^^^^ constant.other.caps.rust
const OPT: libc::c_int = IP_LOCAL_PORT_RANGE;
//                       ^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens

fn set_range(fd: i32, lo: u16, hi: u16) -> i32 {
    let v: u32 = ((hi as u32) << 16) | lo as u32;
    unsafe { libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const _ as *const c_void, 4) }
//                                      ^^^^^^ variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                                              ^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
}

fn no_port(fd: i32) {
    let one: i32 = 1;
    unsafe { libc::setsockopt(fd, IPPROTO_IP, libc::IP_BIND_ADDRESS_NO_PORT, &one as *const i32 as *const c_void, 4 as socklen_t) };
//                                ^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.level.port-range-lens
//                                                  ^^^^^^^^^^^^^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens
}

const WRONG: i32 = IP_PROTOCOL; // 52, not 51
//                 ^^^^^^^^^^^ variable.other.constant.port-range-lens support.constant.sockopt.port-range-lens

const PATH: &str = "/proc/sys/net/ipv4/ip_local_port_range";
//                                    ^^^^^^^^^^^^^^^^^^^ string.quoted.double.rust constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
const START: &str = "net.ipv4.ip_unprivileged_port_start";
//                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.rust constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
const RAW: &str = r"net.ipv4.tcp_tw_reuse";
//                           ^^^^^^^^^^^^ constant.other.sysctl.port-range-lens support.variable.sysctl.port-range-lens
const QUOTED: &str = "IP_LOCAL_PORT_RANGE";
//                    ^^^^^^^^^^^^^^^^^^^ string.quoted.double.rust - variable.other.constant.port-range-lens

// IP_LOCAL_PORT_RANGE in a comment is prose.
// ^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.rust - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
/// Doc comments too: SOL_IP, ip_local_port_range.
//                    ^^^^^^ comment.line.documentation.rust - variable.other.constant.port-range-lens
static MY_IP_LOCAL_PORT_RANGE_X: i32 = 0;
//     ^^^^^^^^^^^^^^^^^^^^^^^^ - variable.other.constant.port-range-lens constant.other.sysctl.port-range-lens
fn ip_local_port_range_old() {}
// ^^^^^^^^^^^^^^^^^^^^^^^ - constant.other.sysctl.port-range-lens
