/**
 * Kernel version profiles: every behavioural difference between kernel versions
 * that the engine models lives in this one table (spec §1, §4.2, §5.1, §5.0).
 */
export interface KernelProfile {
  /** Canonical "major.minor" or "major.minor.patch" string, e.g. "6.18". */
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** IP_LOCAL_PORT_RANGE (51) exists: 6.3+, and 6.1.32+ on the 6.1 LTS line (spec §1). Else ENOPROTOOPT. */
  readonly hasLocalPortRange: boolean;
  /** inet_sk_get_local_port_range() returns "socket range set" (41db7626b732, 6.8). Before: treated as false. */
  readonly rangeFlagReturned: boolean;
  /** __inet_hash_connect scans with step 1 and no parity when the option is set (207184853dbd, 6.8). */
  readonly connectStep1WithSockRange: boolean;
  /** MPTCP sockets accept IP_LOCAL_PORT_RANGE (c85636a29264, 6.8); before: ENOPROTOOPT. */
  readonly mptcpSupportsOption: boolean;
  /** net.ipv4.tcp_tw_reuse_delay exists (6.14); before: ~1 s timestamp granularity. */
  readonly hasTwReuseDelay: boolean;
  /** Bind bucket state resets to connect-shareable on port release (d57f4b874946, 6.18). */
  readonly bucketResetOnRelease: boolean;
  /** DCCP exists (removed in 6.16 by 2a63dd0edf38). */
  readonly hasDccp: boolean;
  /** Per-socket range stored as u32 "hi<<16|lo" read locklessly (6.8); before: struct {u16 lo, hi} under lock. */
  readonly u32Storage: boolean;
}

function at(major: number, minor: number, patch: number, min: [number, number, number?]): boolean {
  const [M, m, p = 0] = min;
  if (major !== M) return major > M;
  if (minor !== m) return minor > m;
  return patch >= p;
}

/** Builds the profile for any "X.Y" or "X.Y.Z" version string. */
export function kernelProfile(version: string): KernelProfile {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(version);
  if (!m) throw new Error(`invalid kernel version "${version}" (expected X.Y or X.Y.Z, e.g. 6.18)`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = m[3] === undefined ? 0 : Number(m[3]);
  const v = (min: [number, number, number?]) => at(major, minor, patch, min);
  // 6.1.32+ got the option as a stable back-port (6728486447ee, spec §1).
  const lts61 = major === 6 && minor === 1 && patch >= 32;
  return {
    version: m[3] === undefined ? `${major}.${minor}` : `${major}.${minor}.${patch}`,
    major,
    minor,
    patch,
    hasLocalPortRange: v([6, 3]) || lts61,
    rangeFlagReturned: v([6, 8]),
    connectStep1WithSockRange: v([6, 8]),
    mptcpSupportsOption: v([6, 8]),
    hasTwReuseDelay: v([6, 14]),
    bucketResetOnRelease: v([6, 18]),
    hasDccp: !v([6, 16]),
    u32Storage: v([6, 8]),
  };
}

/** The named profiles the product offers; 6.18 is the default. */
export const KERNEL_PROFILES = ['6.3', '6.8', '6.18'] as const;
export const DEFAULT_KERNEL = '6.18';
