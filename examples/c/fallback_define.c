/*
 * wrong-fallback-define: the fallback #define uses 52 (IP_PROTOCOL), so the call below
 * silently sets another option. The right fallback is 51, as in egress.c.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 52
#endif

int set_range(int fd)
{
    uint32_t v = (40511u << 16) | 40000u;
    return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}
