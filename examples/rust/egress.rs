// Port Range Lens example: IP_LOCAL_PORT_RANGE in Rust, right and wrong.
// `port-range-lens check examples/` reports every mistake below; good_egress() is clean.
// `// expect:` comments list the diagnostic codes of the call on the next line
// ("none" = a correct call).
use libc::{c_int, c_void, socklen_t};
use std::io;
use std::mem;
use std::os::fd::AsRawFd;
use tokio::net::TcpSocket;

// libc does not define it (Linux 6.3, include/uapi/linux/in.h).
const IP_LOCAL_PORT_RANGE: c_int = 51;

#[repr(C)]
struct RangeWrong {
    hi: u16, // hi first: on little-endian the kernel reads it as lo
    lo: u16,
}

// The generic helper of Pingora's ext.rs: optlen is the size of the payload's type.
fn set_opt<T: Copy>(fd: c_int, level: c_int, name: c_int, payload: T) -> io::Result<()> {
    let p = &payload as *const T as *const c_void;
    let r = unsafe { libc::setsockopt(fd, level, name, p, mem::size_of::<T>() as socklen_t) };
    if r == -1 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

fn local_port_range(fd: c_int, low: u16, high: u16) -> io::Result<()> {
    let range: u32 = (low as u32) | ((high as u32) << 16);
    set_opt(fd, libc::IPPROTO_IP, IP_LOCAL_PORT_RANGE, range as c_int)
}

/// Correct: NO_PORT, then the range, then connect (spec §2.7). No diagnostics.
async fn good_egress() -> io::Result<()> {
    let socket = TcpSocket::new_v4()?;
    set_opt(socket.as_raw_fd(), libc::IPPROTO_IP, libc::IP_BIND_ADDRESS_NO_PORT, 1 as c_int)?;
    // expect: none
    local_port_range(socket.as_raw_fd(), 40000, 40511)?;
    socket.connect("192.0.2.1:443".parse().unwrap()).await?;
    Ok(())
}

unsafe fn mistakes(fd: c_int) {
    // expect: empty-range
    let _ = local_port_range(fd, 40511, 40000);
    let wide_value: u64 = (40511 << 16) | 40000;
    // expect: bad-optlen
    let _ = set_opt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, wide_value);
    let s = RangeWrong { hi: 40511, lo: 40000 };
    // expect: swapped-halves
    libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &s as *const RangeWrong as *const c_void, mem::size_of::<RangeWrong>() as socklen_t);
    let be = u32::to_be((40511 << 16) | 40000);
    // expect: network-byte-order
    libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &be as *const u32 as *const c_void, 4);
    let v: u32 = (40511 << 16) | 40000;
    // expect: magic-number
    libc::setsockopt(fd, libc::SOL_IP, 51, &v as *const u32 as *const c_void, 4);
    // expect: wrong-level
    libc::setsockopt(fd, libc::SOL_SOCKET, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const c_void, 4);
    let narrow: u32 = (40003 << 16) | 40000;
    // expect: small-range
    libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &narrow as *const u32 as *const c_void, 4);
    let low: u32 = (20999 << 16) | 20000;
    // expect: outside-netns-range
    libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &low as *const u32 as *const c_void, 4);
    let wide: u32 = (40511 << 16) | 1024;
    // expect: clamped-by-netns-range
    libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &wide as *const u32 as *const c_void, 4);
}
