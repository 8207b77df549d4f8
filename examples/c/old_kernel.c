/*
 * kernel-too-old: this program targets Linux 6.1 (before the 6.1.32 back-port), where
 * IP_LOCAL_PORT_RANGE does not exist and setsockopt fails with ENOPROTOOPT.
 * port-range-lens: kernel 6.1
 */
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51
#endif

int set_range(int fd)
{
    uint32_t v = (40511u << 16) | 40000u;
    return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}
