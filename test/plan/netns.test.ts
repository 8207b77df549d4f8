// The generated C and Python code run for real: each worker of a plan opens connections
// from its snippet inside a private network namespace (`unshare -n`) while the others hold
// theirs; every port lies inside the worker's slice, none is reserved, no two workers share
// one, and each worker reaches exactly the capacity the engine's simulation printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planPortRanges, type PlanResult } from '../../engine/src/plan/index';
import { generateCode, sysctlLines } from '../../server/src/plan/codegen/index';
import { kernelAvailable } from '../kernel/netns';

const WORKERS_PY = join(__dirname, 'workers.py');

const C_MAIN = `
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1, err = 0;
    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(5000) };

    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    printf("{\\"ports\\": [");
    for (int i = 0; i < n; i++) {
        struct sockaddr_in me;
        socklen_t len = sizeof(me);
        int fd = egress_connect((struct sockaddr *)&dst, sizeof(dst));
        if (fd < 0) {
            err = errno;
            break;
        }
        getsockname(fd, (struct sockaddr *)&me, &len);
        printf("%s%d", i ? ", " : "", ntohs(me.sin_port));
    }
    printf("], \\"errno\\": %d}\\n", err);
    fflush(stdout);
    getchar(); /* hold every socket until all workers have reported */
    return 0;
}
`;

const PY_MAIN = `
import errno, json, sys
held, err = [], 0
for _ in range(int(sys.argv[1])):
    try:
        held.append(egress_connect(("127.0.0.1", 5000)))
    except OSError as e:
        err = e.errno
        break
print(json.dumps({"ports": [s.getsockname()[1] for s in held], "errno": err}), flush=True)
sys.stdin.read()
`;

interface Report { ports: number[]; errno: number }

function runWorkers(plan: PlanResult, argv: string[][]): { kernel: string; workers: Report[] } {
  const job = { sysctl: sysctlLines(plan), listen: ['127.0.0.1', 5000], workers: argv };
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec python3 "$0"', WORKERS_PY], {
    input: JSON.stringify(job), encoding: 'utf8', timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function checkReports(plan: PlanResult, reports: Report[]): void {
  const reserved = new Set<number>();
  for (const part of plan.reserved.split(',').filter(Boolean)) {
    const [a, b = a] = part.split('-').map(Number);
    for (let p = a; p <= b; p++) reserved.add(p);
  }
  const owner = new Map<number, number>();
  reports.forEach((rep, w) => {
    const s = plan.slices[w];
    // One attempt beyond the capacity: the kernel refuses it with EADDRNOTAVAIL (99).
    assert.equal(rep.errno, 99, `worker ${w}: ${JSON.stringify(rep)}`);
    assert.equal(rep.ports.length, s.capacityPerDestination['127.0.0.1:5000'], `worker ${w}: the kernel reached what the engine printed`);
    for (const p of rep.ports) {
      assert.ok(p >= s.lo && p <= s.hi, `worker ${w} got ${p} outside ${s.lo}-${s.hi}`);
      assert.ok(!reserved.has(p), `worker ${w} got reserved port ${p}`);
      assert.equal(owner.get(p), undefined, `port ${p} used by workers ${owner.get(p)} and ${w}`);
      owner.set(p, w);
    }
  });
  assert.equal(owner.size, plan.usablePorts, 'together the workers used every usable port once');
}

const PLAN = { workers: 3, netns: { portRange: { lo: 40000, hi: 40059 }, reservedPorts: '40025-40027' }, destinations: ['127.0.0.1:5000'] };
const reason = kernelAvailable();

test('generated C: three workers in unshare -n stay inside their slices and never collide', { skip: reason ?? (spawnSync('gcc', ['--version']).status === 0 ? false : 'gcc not installed') }, () => {
  const plan = planPortRanges(PLAN);
  const dir = mkdtempSync(join(tmpdir(), 'prl-netns-c-'));
  try {
    const argv = generateCode(plan, ['c']).c!.map((src, w) => {
      writeFileSync(join(dir, `w${w}.c`), `${src}\n${C_MAIN}`);
      const bin = join(dir, `w${w}`);
      const cc = spawnSync('gcc', ['-std=c11', '-D_DEFAULT_SOURCE', '-Wall', '-Werror', '-o', bin, join(dir, `w${w}.c`)], { encoding: 'utf8' });
      assert.equal(cc.status, 0, cc.stderr);
      return [bin, String(plan.slices[w].usablePorts + 1)];
    });
    const out = runWorkers(plan, argv);
    console.log(`kernel ${out.kernel}: C workers got ${out.workers.map((r) => r.ports.length).join(' + ')} ports`);
    checkReports(plan, out.workers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('generated Python: three workers in unshare -n stay inside their slices and never collide', { skip: reason ?? false }, () => {
  const plan = planPortRanges(PLAN);
  const dir = mkdtempSync(join(tmpdir(), 'prl-netns-py-'));
  try {
    const argv = generateCode(plan, ['python']).python!.map((src, w) => {
      const file = join(dir, `w${w}.py`);
      writeFileSync(file, `${src}\n${PY_MAIN}`);
      return ['python3', file, String(plan.slices[w].usablePorts + 1)];
    });
    const out = runWorkers(plan, argv);
    console.log(`kernel ${out.kernel}: Python workers got ${out.workers.map((r) => r.ports.length).join(' + ')} ports`);
    checkReports(plan, out.workers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
