/*
 * Kernel side of bench/kernel.bench.ts: exhaust the netns ephemeral range with non-blocking
 * TCP connects to one loopback listener and time only the connect loop.
 *
 * Usage (ONLY inside `unshare -n`, after `ip link set lo up`):
 *   connect_exhaust LO HI MAX_CONNECTS [SOCK_LO SOCK_HI]
 * Writes net.ipv4.ip_local_port_range = "LO HI" and net.core.somaxconn of this namespace, listens on
 * 127.0.0.1:5000, pre-creates MAX_CONNECTS+1 sockets (untimed), then connects them one after the
 * other until the first failure (timed). Prints one JSON object.
 * Refuses to run when the namespace has any interface other than lo.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51
#endif

static int only_loopback(void) {
  FILE *f = fopen("/proc/net/dev", "r");
  char line[512];
  int n = 0, others = 0;
  if (!f) return 0;
  while (fgets(line, sizeof line, f)) {
    if (++n <= 2) continue;
    char *c = strchr(line, ':');
    if (!c) continue;
    *c = 0;
    char *name = line;
    while (*name == ' ') name++;
    if (strcmp(name, "lo") != 0) others++;
  }
  fclose(f);
  return n > 2 && others == 0;
}

static int write_file(const char *path, const char *val) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  int rc = fputs(val, f) < 0 ? -1 : 0;
  if (fclose(f) != 0) rc = -1;
  return rc;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 6) {
    fprintf(stderr, "usage: %s LO HI MAX_CONNECTS [SOCK_LO SOCK_HI]\n", argv[0]);
    return 2;
  }
  if (!only_loopback()) {
    printf("{\"ok\":false,\"error\":\"refusing to run outside a private network namespace\"}\n");
    return 3;
  }
  int lo = atoi(argv[1]), hi = atoi(argv[2]), max = atoi(argv[3]);
  int slo = argc == 6 ? atoi(argv[4]) : 0, shi = argc == 6 ? atoi(argv[5]) : 0;
  if (lo < 1024 || hi > 65535 || lo > hi || max < 1 || max > 60000) {
    printf("{\"ok\":false,\"error\":\"bad arguments\"}\n");
    return 2;
  }
  char buf[64];
  snprintf(buf, sizeof buf, "%d %d", lo, hi);
  if (write_file("/proc/sys/net/ipv4/ip_local_port_range", buf) != 0) {
    printf("{\"ok\":false,\"error\":\"cannot write ip_local_port_range: %s\"}\n", strerror(errno));
    return 1;
  }
  /* Let the accept queue hold every handshake so no SYN is dropped and retransmitted. */
  write_file("/proc/sys/net/core/somaxconn", "65535");

  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max; /* only up to the hard limit */
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  if ((rlim_t)max + 16 > rl.rlim_cur) {
    printf("{\"ok\":false,\"error\":\"open-file limit %llu too small for %d sockets\"}\n",
           (unsigned long long)rl.rlim_cur, max + 1);
    return 1;
  }

  struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(5000)};
  inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(l, (struct sockaddr *)&dst, sizeof dst) != 0 || listen(l, 65535) != 0) {
    printf("{\"ok\":false,\"error\":\"listener: %s\"}\n", strerror(errno));
    return 1;
  }

  int *fds = calloc((size_t)max + 1, sizeof *fds);
  if (!fds) return 1;
  for (int i = 0; i <= max; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fds[i] < 0) {
      printf("{\"ok\":false,\"error\":\"socket %d: %s\"}\n", i, strerror(errno));
      return 1;
    }
    if (slo || shi) {
      unsigned int v = ((unsigned int)shi << 16) | (unsigned int)slo;
      if (setsockopt(fds[i], IPPROTO_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v) != 0) {
        printf("{\"ok\":false,\"error\":\"IP_LOCAL_PORT_RANGE: %s\"}\n", strerror(errno));
        return 1;
      }
    }
  }

  int ok = 0, first_errno = 0;
  double t0 = now_ms();
  for (int i = 0; i <= max; i++) {
    int rc = connect(fds[i], (struct sockaddr *)&dst, sizeof dst);
    if (rc == 0 || errno == EINPROGRESS) {
      ok++;
    } else {
      first_errno = errno;
      break;
    }
  }
  double t1 = now_ms();

  long even = 0, odd = 0;
  for (int i = 0; i < ok; i++) {
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    if (getsockname(fds[i], (struct sockaddr *)&a, &al) == 0) {
      if (ntohs(a.sin_port) % 2) odd++; else even++;
    }
  }
  const char *en = first_errno == EADDRNOTAVAIL ? "EADDRNOTAVAIL"
                 : first_errno == EADDRINUSE ? "EADDRINUSE"
                 : first_errno == EAGAIN ? "EAGAIN"
                 : first_errno ? "other" : "none";
  printf("{\"ok\":true,\"connects\":%d,\"firstErrno\":\"%s\",\"errnoValue\":%d,\"ms\":%.3f,\"even\":%ld,\"odd\":%ld}\n",
         ok, en, first_errno, t1 - t0, even, odd);
  /* Exit without closing: the namespace and every socket in it go away with the process. */
  return 0;
}
