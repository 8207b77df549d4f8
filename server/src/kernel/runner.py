#!/usr/bin/env python3
"""Runs a socket scenario on this machine's kernel: the kernel side of the differential tests
(docs/differential.md) and of `simulate --verify` (docs/cli-simulate.md). One copy, shipped in dist/.

Reads one scenario as JSON on stdin -- {"netns": {...}, "ops": [...], "stopAtFirstFailure": bool,
"somaxconn": int} with the Op shapes of engine/src/scenarioTypes.ts -- brings lo up, applies the
netns sysctls, executes the ops on real sockets and prints
{"ok": true, "kernel": "<uname -r>", "results": [{index, op, sock, port, errno}, ...]}.
With "stopAtFirstFailure" it stops after the first bind/connect/listen/sendto that fails.
`runner.py --probe` only checks that it could run (private namespace, lo up) and prints the release.

SAFETY: this script writes /proc/sys/net/ipv4/*. It must only ever run inside a private network
namespace (`unshare -n`); it refuses to start when it can see any interface other than `lo`.
Only loopback addresses are accepted (127.0.0.0/8, ::1, ::ffff:127.x, 2001:db8::/32 added to lo
inside the namespace, and the wildcards), and the number of ops is bounded.
"""
import ctypes
import errno
import fcntl
import ipaddress
import json
import os
import resource
import select
import socket
import struct
import subprocess
import sys
import time

SOL_IP = 0
IP_LOCAL_PORT_RANGE = 51
IP_BIND_ADDRESS_NO_PORT = 24
IPPROTO_MPTCP = 262
IPPROTO_SCTP = 132
MAX_OPS = 200000
FD_MARGIN = 64             # descriptors kept free for python itself and accepted peers
CONNECT_WAIT_S = 0.2       # loopback handshakes complete in microseconds; a dropped SYN is not waited for
PROC = "/proc/sys/net/ipv4/"


class ScenarioError(Exception):
    pass


def in_private_netns():
    """True when the only interface this process's network namespace has is lo, i.e. a fresh
    `unshare -n` namespace (/proc/net/dev is per namespace; /sys/class/net may show the host's)."""
    try:
        with open("/proc/net/dev") as f:
            devs = [line.split(":")[0].strip() for line in f.readlines()[2:]]
    except OSError:
        return False
    if devs != ["lo"]:
        return False
    # A host whose only interface is lo would pass the test above: also refuse to run in the
    # namespace of PID 1 (the init namespace on an ordinary host).
    try:
        if os.readlink("/proc/self/ns/net") == os.readlink("/proc/1/ns/net"):
            return False
    except OSError:
        pass
    return True


def loopback_up():
    """`ip link set lo up` without iproute2: SIOCGIFFLAGS / SIOCSIFFLAGS on lo."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = fcntl.ioctl(s, siocgifflags, struct.pack("16sH14s", b"lo", 0, b""))
        flags = struct.unpack("16sH", req[:18])[1]
        if not flags & iff_up:
            fcntl.ioctl(s, siocsifflags, struct.pack("16sH14s", b"lo", flags | iff_up, b""))


def raise_fd_limit():
    """Soft RLIMIT_NOFILE up to the hard limit; returns the usable number of sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return (soft if soft != resource.RLIM_INFINITY else 1 << 20) - FD_MARGIN


def sysctl_write(name, value):
    with open(PROC + name, "w") as f:
        f.write(value)


def sysctl_read(name):
    with open(PROC + name) as f:
        return f.read().strip()


def apply_netns(cfg):
    """Writes the NetnsConfig fields; each is optional. Order matters for the range and the
    unprivileged start (spec §3.2: the start may not exceed the range's lo), so retry once."""
    if not isinstance(cfg, dict):
        raise ScenarioError("netns must be an object")
    writes = []
    if "ipUnprivilegedPortStart" in cfg:
        writes.append(("ip_unprivileged_port_start", str(int(cfg["ipUnprivilegedPortStart"]))))
    if "portRange" in cfg:
        r = cfg["portRange"]
        writes.append(("ip_local_port_range", "%d %d" % (int(r["lo"]), int(r["hi"]))))
    if "reservedPorts" in cfg:
        v = str(cfg["reservedPorts"])
        writes.append(("ip_local_reserved_ports", v if v else "\n"))
    if "ipAutobindReuse" in cfg:
        writes.append(("ip_autobind_reuse", str(int(cfg["ipAutobindReuse"]))))
    if "tcpTwReuse" in cfg:
        writes.append(("tcp_tw_reuse", str(int(cfg["tcpTwReuse"]))))
    if "tcpTwReuseDelayMs" in cfg:
        writes.append(("tcp_tw_reuse_delay", str(int(cfg["tcpTwReuseDelayMs"]))))
    pending = writes
    for _attempt in range(2):
        failed = []
        for name, value in pending:
            try:
                sysctl_write(name, value)
            except OSError as e:
                failed.append((name, value, e))
        if not failed:
            return
        pending = [(n, v) for n, v, _ in failed]
    n, v, e = failed[0]
    raise ScenarioError("sysctl %s=%r rejected: %s" % (n, v, errno.errorcode.get(e.errno, e.errno)))


def check_addr(addr):
    """Loopback-only guard. Returns the ipaddress object."""
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        raise ScenarioError("not an IP address: %r" % (addr,))
    if ip.version == 4:
        if ip == ipaddress.IPv4Address("0.0.0.0") or ip in ipaddress.ip_network("127.0.0.0/8"):
            return ip
    else:
        if ip == ipaddress.IPv6Address("::") or ip == ipaddress.IPv6Address("::1"):
            return ip
        if ip.ipv4_mapped is not None and (ip.ipv4_mapped in ipaddress.ip_network("127.0.0.0/8")
                                           or ip.ipv4_mapped == ipaddress.IPv4Address("0.0.0.0")):
            return ip
        if ip in ipaddress.ip_network("2001:db8::/32"):
            return ip
    raise ScenarioError("address %s is not loopback (only 127/8, ::1, ::ffff:127/104, 2001:db8::/32)" % addr)


def add_doc_v6_addresses(ops):
    """2001:db8::/32 addresses used by the scenario are added to lo inside the namespace (nodad)."""
    seen = set()
    for op in ops:
        a = op.get("addr")
        if a is None:
            continue
        ip = check_addr(a)
        if ip.version == 6 and ip in ipaddress.ip_network("2001:db8::/32") and ip not in seen:
            seen.add(ip)
            subprocess.run(["ip", "-6", "addr", "add", "%s/128" % ip, "dev", "lo", "nodad"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def sockaddr(sock_family, addr, port):
    if not isinstance(port, int) or port < 0 or port > 65535:
        raise ScenarioError("bad port %r" % (port,))
    check_addr(addr)
    if sock_family == socket.AF_INET6:
        ip = ipaddress.ip_address(addr)
        if ip.version == 4:          # an IPv4 literal on an IPv6 socket: use the v4-mapped form
            addr = "::ffff:" + addr
        return (addr, port, 0, 0)
    return (addr, port)


def errname(e):
    return errno.errorcode.get(e.errno, "E%d" % e.errno) if isinstance(e, OSError) and e.errno else type(e).__name__


def local_port(s):
    try:
        p = s.getsockname()[1]
    except OSError:
        return None
    return p if p else None


def make_socket(op):
    proto = op.get("proto")
    family = op.get("family", 4)
    if family not in (4, 6):
        raise ScenarioError("family must be 4 or 6")
    af = socket.AF_INET if family == 4 else socket.AF_INET6
    if proto == "tcp":
        s = socket.socket(af, socket.SOCK_STREAM, 0)
    elif proto == "udp":
        s = socket.socket(af, socket.SOCK_DGRAM, 0)
    elif proto == "mptcp":
        s = socket.socket(af, socket.SOCK_STREAM, IPPROTO_MPTCP)
    elif proto == "sctp":
        s = socket.socket(af, socket.SOCK_STREAM, IPPROTO_SCTP)
    else:
        raise ScenarioError("unknown proto %r" % (proto,))
    return s


_libc = None


def disconnect(s):
    """connect(fd, {AF_UNSPEC}) -- Python's socket.connect() cannot pass AF_UNSPEC."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    sa = struct.pack("=H14s", socket.AF_UNSPEC, b"")
    buf = ctypes.create_string_buffer(sa, len(sa))
    if _libc.connect(s.fileno(), buf, len(sa)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def norm_peer(a):
    """(addr, port) with a v4-mapped IPv6 address written as plain IPv4."""
    host = a[0][7:] if a[0].startswith("::ffff:") and "." in a[0] else a[0]
    return (host, a[1])


def orderly_close(s, socks, accepted):
    """close() without RST. For a connected TCP client whose peer is one of the scenario's
    listeners, the server side then closes too, as a real peer would: the client, having closed
    first, ends in TIME-WAIT (not an orphaned FIN-WAIT-2, which tcp_tw_reuse never reuses)."""
    peer = None
    me = None
    if s.type == socket.SOCK_STREAM:
        try:
            peer = s.getpeername()
            me = s.getsockname()
        except OSError:
            peer = None
    s.close()
    if peer is None:
        return
    for l in socks.values():                       # collect pending children of every listener
        if l is s or l.fileno() < 0 or l.type != socket.SOCK_STREAM:
            continue
        try:
            if not l.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                continue
        except OSError:
            continue
        l.setblocking(False)
        for _ in range(100000):                    # bounded: the accept queue is finite
            try:
                c, addr = l.accept()
            except (BlockingIOError, InterruptedError):
                break
            accepted[norm_peer(addr)] = c
    child = accepted.pop(norm_peer(me), None)
    if child is not None:
        time.sleep(0.001)                          # let the client's FIN arrive first
        child.close()                              # server FIN -> client FIN-WAIT-2 -> TIME-WAIT


def range_bytes(lo, hi, optlen):
    v = ((hi & 0xFFFF) << 16) | (lo & 0xFFFF)
    if optlen == 4:
        return struct.pack("=I", v)
    raw = struct.pack("=Q", v)      # e.g. the selftest's u64 case; shorter lengths take the first bytes
    return (raw + b"\0" * max(0, optlen - 8))[:optlen]


def tcp_connect(s, target):
    """Non-blocking connect: the port is chosen synchronously (EADDRNOTAVAIL comes straight back);
    then wait briefly for the loopback handshake to learn ECONNREFUSED. A SYN dropped because of a
    full accept queue leaves the socket in SYN-SENT holding its port, which counts as success."""
    s.setblocking(False)
    rc = s.connect_ex(target)
    if rc == 0:
        return None
    if rc != errno.EINPROGRESS:
        return errno.errorcode.get(rc, "E%d" % rc)
    p = select.poll()
    p.register(s.fileno(), select.POLLOUT | select.POLLERR | select.POLLHUP)
    if p.poll(int(CONNECT_WAIT_S * 1000)):
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            return errno.errorcode.get(err, "E%d" % err)
    return None


def run(scenario):
    if not isinstance(scenario, dict) or not isinstance(scenario.get("ops"), list):
        raise ScenarioError('scenario must be {"netns": {...}, "ops": [...]}')
    ops = scenario["ops"]
    if len(ops) > MAX_OPS:
        raise ScenarioError("too many ops (%d > %d)" % (len(ops), MAX_OPS))
    budget = raise_fd_limit()
    nsocks = sum(1 for op in ops if isinstance(op, dict) and op.get("op") == "socket")
    if nsocks > budget:
        raise ScenarioError("needs %d sockets but the open-file limit allows %d (ulimit -Hn %d)"
                            % (nsocks, budget, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    stop_at_failure = bool(scenario.get("stopAtFirstFailure"))
    progress_every = 1000 if scenario.get("progress") else 0   # "progress N" lines on stderr
    if "somaxconn" in scenario:         # a full accept queue would drop SYNs and stall each connect
        with open("/proc/sys/net/core/somaxconn", "w") as f:
            f.write(str(int(scenario["somaxconn"])))
    apply_netns(scenario.get("netns") or {})
    add_doc_v6_addresses(ops)
    socks = {}
    families = {}
    dead = set()        # sockets whose socket() failed or that were closed: later ops get EBADF
    port_locked = set()  # sockets bound to an explicit non-zero port (SOCK_BINDPORT_LOCK)
    stale = set()        # TCP sockets whose getsockname() port is stale after a disconnect
    accepted = {}        # peer (addr, port) -> accepted server-side socket, see orderly_close()
    results = []
    for i, op in enumerate(ops):
        kind = op.get("op")
        sid = op.get("sock")
        res = {"index": i, "op": kind, "port": None, "errno": None}
        if sid is not None:
            res["sock"] = sid
        try:
            if kind == "socket":
                if sid in socks:
                    raise ScenarioError("op %d: socket %r already exists" % (i, sid))
                dead.add(sid)
                port_locked.discard(sid)
                stale.discard(sid)
                s = make_socket(op)
                dead.discard(sid)
                socks[sid] = s
                families[sid] = s.family
            elif kind == "sysctl":
                apply_netns(op.get("netns") or {})
            elif kind == "sleep":
                ms = float(op.get("ms", 0))
                if ms < 0 or ms > 10000:
                    raise ScenarioError("sleep ms out of 0..10000")
                time.sleep(ms / 1000.0)
            elif sid in dead:
                res["errno"] = "EBADF"
            else:
                if sid not in socks:
                    raise ScenarioError("op %d (%s): unknown socket %r" % (i, kind, sid))
                s = socks[sid]
                if kind == "setsockopt":
                    name = op.get("name")
                    if name == "IP_LOCAL_PORT_RANGE":
                        optlen = int(op.get("optlen", 4))
                        s.setsockopt(SOL_IP, IP_LOCAL_PORT_RANGE, range_bytes(int(op["lo"]), int(op["hi"]), optlen))
                    elif name == "SO_REUSEADDR":
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1 if op["value"] else 0)
                    elif name == "SO_REUSEPORT":
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1 if op["value"] else 0)
                    elif name == "IP_BIND_ADDRESS_NO_PORT":
                        s.setsockopt(SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1 if op["value"] else 0)
                    elif name == "IPV6_V6ONLY":
                        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if op["value"] else 0)
                    else:
                        raise ScenarioError("op %d: unknown option %r" % (i, name))
                elif kind == "bind":
                    s.bind(sockaddr(families[sid], op["addr"], op["port"]))
                    if op["port"] != 0:
                        port_locked.add(sid)
                elif kind == "listen":
                    s.listen(int(op.get("backlog", 4096)))
                elif kind == "connect":
                    target = sockaddr(families[sid], op["addr"], op["port"])
                    if s.type == socket.SOCK_STREAM:
                        err = tcp_connect(s, target)
                        if err:
                            res["errno"] = err
                    else:
                        s.connect(target)
                elif kind == "disconnect":
                    disconnect(s)
                elif kind == "sendto":
                    s.sendto(b"x", sockaddr(families[sid], op["addr"], op["port"]))
                elif kind == "close":
                    if op.get("rst"):
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        s.close()
                    else:
                        orderly_close(s, socks, accepted)
                    del socks[sid]
                    dead.add(sid)
                    port_locked.discard(sid)
                else:
                    raise ScenarioError("op %d: unknown op %r" % (i, kind))
                if kind == "disconnect" and sid not in port_locked:
                    # TCP leaves inet_sport stale in getsockname() although tcp_set_state(TCP_CLOSE)
                    # -> inet_put_port() released the port; only SOCK_BINDPORT_LOCK keeps it.
                    stale.add(sid)
                elif kind in ("bind", "connect", "listen", "sendto") and res["errno"] is None:
                    stale.discard(sid)   # a new port (or none) has been recorded in inet_sport
                if kind != "close" and res["errno"] is None and sid not in stale:
                    res["port"] = local_port(s)
        except OSError as e:
            res["errno"] = errname(e)
            res["port"] = None
        results.append(res)
        if progress_every and (i + 1) % progress_every == 0:
            sys.stderr.write("progress %d\n" % (i + 1))
            sys.stderr.flush()
        if stop_at_failure and res["errno"] is not None and kind in ("bind", "connect", "listen", "sendto"):
            break
    for s in list(socks.values()) + list(accepted.values()):   # RST everything so nothing lingers (the netns dies with us anyway)
        try:
            if s.type == socket.SOCK_STREAM:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        except OSError:
            pass
    return results


def main():
    if not in_private_netns():
        print(json.dumps({"ok": False, "error": "refusing to run: not inside a private network namespace (use unshare -n)"}))
        return 3
    try:
        loopback_up()
        if sys.argv[1:] == ["--probe"]:
            print(json.dumps({"ok": True, "kernel": os.uname().release, "results": []}))
            return 0
        scenario = json.load(sys.stdin)
        results = run(scenario)
    except (ScenarioError, ValueError, KeyError, TypeError, OSError) as e:
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
        return 2
    print(json.dumps({"ok": True, "kernel": os.uname().release, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
