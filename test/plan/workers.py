"""Runs planned workers side by side inside a private network namespace (test/plan/netns.test.ts).

Reads {"sysctl": [...], "listen": [host, port], "workers": [[argv...], ...]} on stdin, applies the
plan's sysctl lines, opens the listener, starts every worker, collects the one JSON line each
prints once it holds all its sockets, then lets them all exit and prints the collected lines.
Refuses to run when any interface but lo is visible (never touches the host's namespace).
"""
import json
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "server", "src", "kernel"))
from runner import in_private_netns  # noqa: E402 (the kernel runner's own guard, server/src/kernel)

if not in_private_netns():
    sys.exit("refusing to run outside a private network namespace")
job = json.load(sys.stdin)
for line in job["sysctl"]:
    subprocess.run(line, shell=True, check=True, stdout=subprocess.DEVNULL)
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(tuple(job["listen"]))
listener.listen(4096)
procs = [subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for argv in job["workers"]]
# Every worker holds its sockets until all have reported: the ports below coexist.
reports = [json.loads(p.stdout.readline() or '{"ports": [], "errno": -1}') for p in procs]
for p in procs:
    p.stdin.close()
    p.wait(timeout=30)
print(json.dumps({"kernel": os.uname().release, "workers": reports}))
