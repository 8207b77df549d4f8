/**
 * The scenario API: a netns plus a sequence of socket operations -> one result per
 * operation (port or errno) and statistics. The same code backs the CLI `simulate`, the
 * webview and the differential tests against the real kernel (test/kernel/).
 */
import { errnoName, type ErrnoName } from './errno';
import { DEFAULT_KERNEL, kernelProfile, type KernelProfile } from './kernels';
import { toRandomSource, type RandomSource } from './random';
import { inetSkGetLocalPortRange } from './range';
import type { NetnsConfig, Op, OpResult, ScenarioResult, ScenarioStats } from './scenarioTypes';
import { sockBind, sockClose, sockConnect, sockDisconnect, sockListen, sockSendto, type OpTrace } from './sockets';
import { resolveNetns, SysctlError } from './sysctl';
import {
  F_NOPORT, F_OWNER, F_REUSEADDR, F_REUSEPORT, F_V6ONLY, K_MPTCP, K_SCTP, K_TCP, K_UDP, PortTables, S_OPEN,
} from './tables';
import { packRange, validateSetsockopt, type SocketKind } from './uapi';

export interface ScenarioInput {
  /** Target kernel "X.Y[.Z]" (default 6.18). */
  kernel?: string;
  netns?: NetnsConfig;
  ops: Op[];
  /** A seed (reproducible run) or a source of the kernel's random draws. */
  seed?: number | RandomSource;
  /**
   * Model the peer: a TCP/MPTCP connect to a (daddr, dport) where no scenario socket listens
   * fails with ECONNREFUSED after the port search (the port is released again unless bind()
   * named it). Default false: a connect needs no listener.
   */
  refuseWithoutListener?: boolean;
}

export type ScenarioOutput = ScenarioResult & {
  /** Effective range (inet_sk_get_local_port_range) seen by the first automatic allocation; null if none ran. */
  effective: { lo: number; hi: number } | null;
};

/** A structurally invalid operation (programming error of the caller, not a kernel errno). */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

const KIND: Record<string, number> = { tcp: K_TCP, udp: K_UDP, sctp: K_SCTP, mptcp: K_MPTCP };
const KIND_NAME: SocketKind[] = ['tcp', 'udp', 'sctp', 'mptcp'];

/** Runs operations one at a time (the CLI uses it to stop at the first failure). */
export class ScenarioRunner {
  readonly kernel: KernelProfile;
  readonly tables: PortTables;
  /** scenario sock id -> slot + 1 for small ids (dense), Map for the rest. */
  private dense = new Int32Array(1024);
  private readonly sparse = new Map<number, number>();
  private readonly results: OpResult[] = [];
  private readonly trace: OpTrace = { auto: false };
  private successes = 0;
  private firstFailure: { index: number; errno: ErrnoName } | null = null;
  private even = 0;
  private odd = 0;
  private readonly portSeen = new Uint8Array(65536);
  private portsUsed = 0;
  private readonly perDst = new Map<string, { dst: string; successes: number; firstFailure: { index: number; errno: ErrnoName } | null }>();
  private effective: { lo: number; hi: number } | null = null;
  private readonly dstCache = new Map<number, string>();
  /** Keep every OpResult (set false to keep only the statistics, e.g. for huge runs). */
  keepResults = true;

  constructor(opts: { kernel?: string; netns?: NetnsConfig; seed?: number | RandomSource; refuseWithoutListener?: boolean } = {}) {
    try {
      this.kernel = kernelProfile(opts.kernel ?? DEFAULT_KERNEL);
    } catch (e) {
      throw new ScenarioError((e as Error).message);
    }
    let ns;
    try {
      ns = resolveNetns(opts.netns ?? {});
    } catch (e) {
      throw new ScenarioError(`invalid netns: ${(e as Error).message}`);
    }
    this.tables = new PortTables(this.kernel, ns, toRandomSource(opts.seed));
    this.tables.refuseWithoutListener = !!opts.refuseWithoutListener;
  }

  /** Slot of a scenario socket id, or -1. */
  slotOf(sock: number): number {
    if (sock < this.dense.length) return this.dense[sock] - 1;
    return this.sparse.get(sock) ?? -1;
  }

  private setSlot(sock: number, slot: number): void {
    if (sock < 1 << 24) {
      if (sock >= this.dense.length) {
        let n = this.dense.length;
        while (n <= sock) n *= 2;
        const d = new Int32Array(n);
        d.set(this.dense);
        this.dense = d;
      }
      this.dense[sock] = slot + 1;
    } else if (slot < 0) this.sparse.delete(sock);
    else this.sparse.set(sock, slot);
  }

  /** The port a scenario socket currently owns (0 if none). */
  portOf(sock: number): number {
    const s = this.slotOf(sock);
    return s < 0 ? 0 : this.tables.port[s];
  }

  private fail(index: number, op: Op, errno: ErrnoName, reason?: string, port: number | null = null): OpResult {
    const r: OpResult = { index, op: op.op, port, errno };
    if ('sock' in op) r.sock = op.sock;
    if (reason) r.reason = reason;
    return r;
  }

  /** Applies one operation and returns its result. */
  apply(op: Op, index = this.results.length): OpResult {
    this.trace.refusedPort = undefined;
    const r = this.exec(op, index);
    if (r.auto) this.count(r);
    if (this.keepResults) this.results.push(r);
    return r;
  }

  private count(r: OpResult): void {
    if ((r.errno === null || r.errno === 'ECONNREFUSED') && r.port !== null) {
      this.successes++;
      if (r.port & 1) this.odd++;
      else this.even++;
      if (!this.portSeen[r.port]) {
        this.portSeen[r.port] = 1;
        this.portsUsed++;
      }
    } else if (r.errno !== null && this.firstFailure === null) {
      this.firstFailure = { index: r.index, errno: r.errno };
    }
    if (r.dst !== undefined) {
      let d = this.perDst.get(r.dst);
      if (!d) {
        d = { dst: r.dst, successes: 0, firstFailure: null };
        this.perDst.set(r.dst, d);
      }
      if (r.errno === null || (r.errno === 'ECONNREFUSED' && r.port !== null)) d.successes++;
      else if (d.firstFailure === null) d.firstFailure = { index: r.index, errno: r.errno };
    }
  }

  private exec(op: Op, index: number): OpResult {
    const t = this.tables;
    if (!op || typeof op !== 'object') throw new ScenarioError(`op ${index}: not an object`);
    switch (op.op) {
      case 'sysctl': {
        try {
          t.setNetns(resolveNetns(op.netns ?? {}, t.netns));
        } catch (e) {
          if (e instanceof SysctlError) return this.fail(index, op, 'EINVAL', e.message);
          throw e;
        }
        return { index, op: 'sysctl', port: null, errno: null };
      }
      case 'sleep': {
        if (typeof op.ms !== 'number' || !(op.ms >= 0)) throw new ScenarioError(`op ${index}: sleep needs ms >= 0`);
        t.advance(op.ms);
        return { index, op: 'sleep', port: null, errno: null };
      }
      case 'socket': {
        checkSock(op.sock, index);
        const kind = KIND[op.proto];
        if (kind === undefined) throw new ScenarioError(`op ${index}: unknown proto ${JSON.stringify(op.proto)} (tcp, udp, sctp, mptcp)`);
        const fam = op.family ?? 4;
        if (fam !== 4 && fam !== 6) throw new ScenarioError(`op ${index}: family must be 4 or 6`);
        if (this.slotOf(op.sock) >= 0) return this.fail(index, op, 'EINVAL', `socket ${op.sock} is already open`);
        this.setSlot(op.sock, t.alloc(kind, fam));
        return { index, op: 'socket', sock: op.sock, port: null, errno: null };
      }
      default:
        break;
    }
    if (!('sock' in op)) throw new ScenarioError(`op ${index}: unknown operation ${JSON.stringify((op as { op: unknown }).op)}`);
    checkSock(op.sock, index);
    const s = this.slotOf(op.sock);
    if (s < 0) return this.fail(index, op, 'EBADF', `socket ${op.sock} is not open`);
    const portNow = t.port[s] === 0 ? null : t.port[s];
    switch (op.op) {
      case 'setsockopt': {
        if (op.name === 'IP_LOCAL_PORT_RANGE') {
          let value: number;
          try {
            value = packRange(op.lo, op.hi);
          } catch (e) {
            return this.fail(index, op, 'EINVAL', (e as Error).message, portNow);
          }
          const v = validateSetsockopt(this.kernel, {
            level: 0, optname: 51, optlen: op.optlen ?? 4, value, family: t.family[s] as 4 | 6, kind: KIND_NAME[t.kind[s]],
          });
          if (!v.ok) return this.fail(index, op, v.errno, v.reason, portNow);
          t.range[s] = v.stored;
          return { index, op: 'setsockopt', sock: op.sock, port: portNow, errno: null };
        }
        const flag = op.name === 'SO_REUSEADDR' ? F_REUSEADDR : op.name === 'SO_REUSEPORT' ? F_REUSEPORT
          : op.name === 'IP_BIND_ADDRESS_NO_PORT' ? F_NOPORT : op.name === 'IPV6_V6ONLY' ? F_V6ONLY : 0;
        if (flag === 0) throw new ScenarioError(`op ${index}: unknown socket option ${JSON.stringify((op as { name: unknown }).name)}`);
        if (flag === F_V6ONLY) {
          if (t.family[s] !== 6) return this.fail(index, op, 'ENOPROTOOPT', 'IPV6_V6ONLY needs an IPv6 socket', portNow);
          if (t.flags[s] & F_OWNER || t.port[s] !== 0) return this.fail(index, op, 'EINVAL', 'IPV6_V6ONLY cannot change after bind', portNow);
        }
        if (op.value) t.flags[s] |= flag;
        else t.flags[s] &= ~flag;
        return { index, op: 'setsockopt', sock: op.sock, port: portNow, errno: null };
      }
      case 'bind': {
        const a = this.addr(s, op.addr);
        if (typeof a === 'string') return this.fail(index, op, 'EAFNOSUPPORT', a, portNow);
        if (!validPort(op.port, true)) throw new ScenarioError(`op ${index}: port must be an integer in [0, 65535]`);
        const e = sockBind(t, s, a, op.port, this.trace);
        return this.done(index, op, e, s, undefined);
      }
      case 'connect': {
        const a = this.addr(s, op.addr);
        if (typeof a === 'string') return this.fail(index, op, 'EAFNOSUPPORT', a, portNow);
        if (!validPort(op.port, true)) throw new ScenarioError(`op ${index}: port must be an integer in [0, 65535]`);
        const e = sockConnect(t, s, a, op.port, this.trace);
        this.noteEffective(s);
        return this.done(index, op, e, s, dstText(this.dstCache, t, a, op.port));
      }
      case 'sendto': {
        const a = this.addr(s, op.addr);
        if (typeof a === 'string') return this.fail(index, op, 'EAFNOSUPPORT', a, portNow);
        if (!validPort(op.port, true)) throw new ScenarioError(`op ${index}: port must be an integer in [0, 65535]`);
        const e = sockSendto(t, s, this.trace);
        return this.done(index, op, e, s, dstText(this.dstCache, t, a, op.port));
      }
      case 'listen': {
        const e = sockListen(t, s, this.trace);
        return this.done(index, op, e, s, undefined);
      }
      case 'disconnect': {
        sockDisconnect(t, s);
        // the port after the operation: released unless bind() named it
        return { index, op: 'disconnect', sock: op.sock, port: t.port[s] === 0 ? null : t.port[s], errno: null };
      }
      case 'close': {
        sockClose(t, s, !!op.rst);
        this.setSlot(op.sock, -1);
        return { index, op: 'close', sock: op.sock, port: null, errno: null };
      }
      default:
        throw new ScenarioError(`op ${index}: unknown operation ${JSON.stringify((op as { op: unknown }).op)}`);
    }
  }

  private noteEffective(s: number): void {
    if (this.effective === null && this.trace.auto) {
      const e = inetSkGetLocalPortRange(this.kernel, this.tables.netns.portRange, this.tables.range[s]);
      this.effective = { lo: e.lo, hi: e.hi };
    }
  }

  private done(index: number, op: Op & { sock: number }, errno: number, s: number, dst: string | undefined): OpResult {
    if (op.op !== 'connect') this.noteEffective(s);
    const t = this.tables;
    const r: OpResult = {
      index,
      op: op.op,
      sock: op.sock,
      port: errno === 0 && t.port[s] !== 0 ? t.port[s] : this.trace.refusedPort ?? null,
      errno: errno === 0 ? null : errnoName(errno),
    };
    if (this.trace.auto) r.auto = true;
    if (dst !== undefined) r.dst = dst;
    return r;
  }

  private addr(s: number, text: unknown): number | string {
    if (typeof text !== 'string') return 'address must be a string';
    return this.tables.addrs.parse(text, this.tables.family[s] as 4 | 6);
  }

  stats(): ScenarioStats {
    return {
      successes: this.successes,
      firstFailure: this.firstFailure,
      parity: { even: this.even, odd: this.odd },
      portsUsed: this.portsUsed,
      perDestination: [...this.perDst.values()].map((d) => ({ ...d })),
    };
  }

  finish(): ScenarioOutput {
    return { results: this.results, stats: this.stats(), effective: this.effective };
  }

  /** True when the socket exists and has not been bound or connected yet. */
  isFresh(sock: number): boolean {
    const s = this.slotOf(sock);
    return s >= 0 && this.tables.state[s] === S_OPEN && this.tables.port[s] === 0;
  }
}

function checkSock(sock: unknown, index: number): void {
  if (typeof sock !== 'number' || !Number.isInteger(sock) || sock < 0) throw new ScenarioError(`op ${index}: sock must be a non-negative integer`);
}

function validPort(p: unknown, zeroOk: boolean): boolean {
  return typeof p === 'number' && Number.isInteger(p) && p >= (zeroOk ? 0 : 1) && p <= 65535;
}

/** "HOST:PORT" text of a destination (cached per runner: no string building per operation). */
function dstText(cache: Map<number, string>, t: PortTables, a: number, port: number): string {
  const key = a * 65536 + port;
  let s = cache.get(key);
  if (s === undefined) {
    const txt = t.addrs.text[a];
    s = t.addrs.fam[a] === 6 ? `[${txt}]:${port}` : `${txt}:${port}`;
    cache.set(key, s);
  }
  return s;
}

/**
 * Runs a whole scenario. Deterministic for a given seed (or the same sequence of draws).
 * `effective` is the effective range seen by the first automatic allocation.
 */
export function runScenario(s: ScenarioInput): ScenarioOutput {
  if (!s || !Array.isArray(s.ops)) throw new ScenarioError('scenario needs an ops array');
  const r = new ScenarioRunner({ kernel: s.kernel, netns: s.netns, seed: s.seed, refuseWithoutListener: s.refuseWithoutListener });
  for (let i = 0; i < s.ops.length; i++) r.apply(s.ops[i], i);
  return r.finish();
}

