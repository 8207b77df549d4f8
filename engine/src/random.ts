/**
 * Seeded randomness (spec §5.7 Q6). Every random draw the modelled kernel makes goes
 * through one injectable `RandomSource`, so a run is reproducible, and a source that
 * replays the kernel's own draws makes the engine pick the same ports step for step.
 *
 * Draws the engine makes, in the order the kernel makes them:
 *  - `__inet_hash_connect`: the siphash stand-in for (saddr, daddr, dport, 10 s slot) =
 *    two u32 draws (low word = perturb index bits, high word = offset); the perturb table
 *    entry on first use (one u32; the kernel fills the whole table once with
 *    get_random_bytes, which is distributionally the same); get_random_u32_below(8)
 *    after a port is found.
 *  - `inet_csk_find_open_port`: get_random_u32_below(remaining) per half scanned.
 *  - `udp_lib_get_port`: get_random_u32() once per autobind.
 *  - `sctp_get_port_local`: get_random_u32_below(remaining) once per autobind.
 */

/** A source of uniformly distributed 32-bit unsigned integers. */
export interface RandomSource {
  /** Next draw, an integer in [0, 2^32). */
  u32(): number;
}

/** splitmix32 step: used to expand a seed into xoshiro state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128** seeded by splitmix32: fast, 2^128-1 period, good enough for simulation. */
export class Xoshiro128 implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number (got ${seed})`);
    const st = { s: (Math.trunc(seed) | 0) ^ (Math.trunc(seed / 4294967296) | 0) };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A seeded source: `seededRandom(42)` always yields the same sequence. */
export function seededRandom(seed: number): RandomSource {
  return new Xoshiro128(seed);
}

/**
 * Replays a fixed list of draws (e.g. recorded from an instrumented kernel). Throws when
 * exhausted, unless `then` supplies further draws.
 */
export function sequenceSource(values: readonly number[], then?: RandomSource): RandomSource {
  let i = 0;
  return {
    u32(): number {
      if (i < values.length) return values[i++] >>> 0;
      if (then) return then.u32();
      throw new Error(`sequenceSource: all ${values.length} draws used`);
    },
  };
}

/** Wraps a source and records every draw (for reproducing or explaining a run). */
export function recordingSource(inner: RandomSource): RandomSource & { draws: number[] } {
  const draws: number[] = [];
  return {
    draws,
    u32(): number {
      const v = inner.u32() >>> 0;
      draws.push(v);
      return v;
    },
  };
}

/**
 * get_random_u32_below(ceil) (include/linux/random.h): Lemire's multiply-shift with
 * rejection of the biased low products, so the result is exactly uniform in [0, ceil).
 */
export function randomBelow(src: RandomSource, ceil: number): number {
  // ceil <= 2^21 keeps ceil * u32 below 2^53, so the double arithmetic is exact.
  if (!(Number.isInteger(ceil) && ceil >= 1 && ceil <= 0x200000)) throw new RangeError(`randomBelow: ceil must be an integer in [1, 2^21] (got ${ceil})`);
  let mult = ceil * src.u32();
  let low = mult % 4294967296;
  if (low < ceil) {
    const bound = (4294967296 - ceil) % ceil; // -ceil % ceil in u32 arithmetic
    while (low < bound) {
      mult = ceil * src.u32();
      low = mult % 4294967296;
    }
  }
  return Math.floor(mult / 4294967296);
}

/** reciprocal_scale(val, ep_ro) = (u64)val * ep_ro >> 32 (include/linux/kernel.h), used by UDP. */
export function reciprocalScale(val: number, epRo: number): number {
  return Math.floor(((val >>> 0) * epRo) / 4294967296);
}

/** Accepts a seed or a ready source (the scenario API's `seed` field). */
export function toRandomSource(seed: number | RandomSource | undefined): RandomSource {
  if (seed === undefined) return seededRandom(1);
  if (typeof seed === 'number') return seededRandom(seed);
  if (typeof seed === 'object' && seed !== null && typeof seed.u32 === 'function') return seed;
  throw new TypeError('seed must be a number or a RandomSource');
}
