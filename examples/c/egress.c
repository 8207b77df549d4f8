/*
 * Port Range Lens example: IP_LOCAL_PORT_RANGE in C, right and wrong.
 * `port-range-lens check examples/` reports every mistake below; good_egress() is clean.
 *
 * This file is judged with some ports reserved, as if the host had
 * net.ipv4.ip_local_reserved_ports = 50000-50003:
 * port-range-lens: reserved 50000-50003
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51 /* <linux/in.h> since 6.3, glibc >= 2.38 */
#endif
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define PORT_LO 40000
#define PORT_HI 40511
#define PACK_RANGE(lo, hi) (((uint32_t)(hi) << 16) | (uint32_t)(lo))

struct port_range { uint16_t lo, hi; };      /* lo first: the low half on little-endian */
struct range_wrong { uint16_t hi, lo; };     /* hi first: the kernel reads it as lo */

/* Correct: NO_PORT + range + bind(addr, 0) + connect (spec §2.7). No diagnostics. */
int good_egress(const struct sockaddr_in *dst)
{
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint32_t range = PACK_RANGE(PORT_LO, PORT_HI);
    struct sockaddr_in src;

    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &range, sizeof(range));
    memset(&src, 0, sizeof(src));
    src.sin_family = AF_INET;
    bind(fd, (struct sockaddr *)&src, sizeof(src));
    return connect(fd, (const struct sockaddr *)dst, sizeof(*dst));
}

/* empty-range: lo > hi, both non-zero: EINVAL. */
void empty_range(int fd)
{
    struct port_range r = { .lo = 40511, .hi = 40000 };
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, sizeof(r));
}

/* bad-optlen: a u16 length: EINVAL. */
void bad_optlen(int fd)
{
    uint32_t v = PACK_RANGE(PORT_LO, PORT_HI);
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(uint16_t));
}

/* half-overflow: 70000 does not fit in 16 bits and spills into hi. */
void half_overflow(int fd)
{
    uint32_t v = (40511u << 16) | 70000u;
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* swapped-halves: lo ends up in the upper 16 bits. */
void swapped_halves(int fd)
{
    const uint32_t lo = PORT_LO, hi = PORT_HI;
    uint32_t v = (lo << 16) | hi;
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* swapped-halves: the struct lists hi first. */
void swapped_struct(int fd)
{
    struct range_wrong r = { .hi = 40511, .lo = 40000 };
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, sizeof(r));
}

/* network-byte-order: htonl; the kernel reads host order (lo=16286, hi=16540 here). */
void network_order(int fd)
{
    uint32_t v = htonl(PACK_RANGE(PORT_LO, PORT_HI));
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* wrong-level + magic-number: 51 at IPPROTO_IPV6 is IPV6_RECVHOPLIMIT. */
void wrong_level(void)
{
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    uint32_t v = PACK_RANGE(PORT_LO, PORT_HI);
    setsockopt(fd, IPPROTO_IPV6, 51, &v, sizeof(v));
}

/* outside-netns-range: 20000-20999 is below 32768-60999: silently ignored. */
void outside_netns(int fd)
{
    uint32_t v = PACK_RANGE(20000, 20999);
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* clamped-by-netns-range: hi 65000 is above 60999: only lo is honoured. */
void clamped(int fd)
{
    uint32_t v = PACK_RANGE(60000, 65000);
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* set-after-bind: connect() already chose a port. */
void set_after_connect(const struct sockaddr_in *dst)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint32_t v = PACK_RANGE(PORT_LO, PORT_HI);
    connect(fd, (const struct sockaddr *)dst, sizeof(*dst));
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* explicit-port: bind(8080) ignores the range. */
void explicit_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint32_t v = PACK_RANGE(PORT_LO, PORT_HI);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(8080) };
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
    bind(fd, (struct sockaddr *)&a, sizeof(a));
}

/* reserved-ports-overlap + small-range: 50000-50007 with 50000-50003 reserved. */
void small_reserved(int fd)
{
    uint32_t v = PACK_RANGE(50000, 50007);
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* signed-shift-overflow: hi is promoted to int; 40511 << 16 overflows int. */
void signed_shift(int fd)
{
    uint16_t lo = PORT_LO, hi = PORT_HI;
    uint32_t v = (hi << 16) | lo;
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* exclusive-bind: bind(addr, 0) without IP_BIND_ADDRESS_NO_PORT, then connect(). */
void exclusive_bind(const struct sockaddr_in *dst)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint32_t v = PACK_RANGE(PORT_LO, PORT_HI);
    struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = 0 };
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
    bind(fd, (struct sockaddr *)&src, sizeof(src));
    connect(fd, (const struct sockaddr *)dst, sizeof(*dst));
}

/* A project helper that takes (upper, lower): the analyzer reads the order from the body. */
static int set_port_range(int fd, uint32_t upper, uint32_t lower)
{
    uint32_t v = (upper << 16) | lower;
    return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

void helper_calls(int fd)
{
    set_port_range(fd, 40511, 40000);   /* right: 40000-40511 */
    set_port_range(fd, 40000, 40511);   /* empty-range: the helper puts its first argument in hi */
}

/* Suppressed on purpose: the comment names the code. */
void suppressed(int fd)
{
    uint32_t v = PACK_RANGE(40000, 40007);
    /* port-range-lens: ignore small-range */
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

/* No diagnostics: another option (not a call site), and a value that is not statically known. */
void not_reported(int fd, uint32_t runtime_value)
{
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &runtime_value, sizeof(runtime_value));
}
