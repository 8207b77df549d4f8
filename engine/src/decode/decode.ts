/**
 * Judging a pasted value: what the kernel stores (do_ip_setsockopt via validateSetsockopt),
 * the range it then uses (inet_sk_get_local_port_range via inetSkGetLocalPortRange), how
 * strace prints it, and — when the value is refused or ignored — the byte-order or
 * half-order reading that would have made sense (spec §2.2, §2.3, §4.1).
 */
import type { ErrnoName } from '../errno';
import { DEFAULT_KERNEL, kernelProfile } from '../kernels';
import { describeRule } from '../simulate';
import { inetSkGetLocalPortRange } from '../range';
import { NETNS_DEFAULTS } from '../sysctl';
import { IP_LOCAL_PORT_RANGE, SOL_IP, unpackRange, validateSetsockopt, type PortRange } from '../uapi';
import { DecodeInputError, parseValue, type InputForm } from './parse';

export interface DecodeOptions {
  netns?: PortRange;
  kernel?: string;
  /** How byte input is read (the target host's order); default little. */
  byteOrder?: 'little' | 'big';
}

export interface DecodedPaste {
  input: string;
  form: InputForm;
  lo: number;
  hi: number;
  packed: number;
  optlen: number;
  accepted: boolean;
  errno: ErrnoName | null;
  /** Why the kernel refuses it (null when accepted). */
  reason: string | null;
  effective: { lo: number; hi: number; rule: string } | null;
  /** strace's own rendering: [0x9e3f9c40 /* 40000..40511 *\/]. */
  strace: string;
  notes: string[];
}

const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const bswap16 = (v: number) => ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
const bswap32 = (v: number) => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0;

/** strace's range comment for a value: "LO..HI", "..HI", "LO.."; null for 0 and for lo > hi. */
export function straceRangeText(packed: number): string | null {
  const { lo, hi } = unpackRange(packed);
  if (lo === 0 && hi === 0) return null;
  if (lo !== 0 && hi !== 0 && lo > hi) return null;
  return `${lo === 0 ? '' : lo}..${hi === 0 ? '' : hi}`;
}

/** How strace prints a successful 4-byte setsockopt/getsockopt of the option. */
export function straceNotation(packed: number): string {
  const c = straceRangeText(packed);
  return `[${packed === 0 ? '0' : `0x${(packed >>> 0).toString(16)}`}${c ? ` /* ${c} */` : ''}]`;
}

const fmt = (r: PortRange) => `${r.lo}-${r.hi}`;

/** Judges one pasted value; throws DecodeInputError for text that is no value at all. */
export function decodeValue(input: string, opts: DecodeOptions = {}): DecodedPaste {
  const k = kernelProfile(opts.kernel ?? DEFAULT_KERNEL);
  const netns = opts.netns ?? NETNS_DEFAULTS.portRange;
  const order = opts.byteOrder ?? 'little';
  const p = parseValue(input, order);
  const { lo, hi } = unpackRange(p.packed);
  const v = validateSetsockopt(k, { level: SOL_IP, optname: IP_LOCAL_PORT_RANGE, optlen: p.optlen, value: p.packed });
  const notes: string[] = [];
  if (p.form === 'signed') notes.push(`${input.trim()} is C's signed int view (Python's getsockopt int): as the kernel's u32 it is ${p.packed} = ${hex(p.packed)}`);
  if (p.bytes) {
    const shown = p.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    if (p.bytes.length === 4) notes.push(`bytes ${shown} read as a ${order}-endian u32 (--byte-order ${order === 'little' ? 'big' : 'little'} to read them the other way)`);
    else notes.push(`${p.bytes.length} byte${p.bytes.length === 1 ? '' : 's'} (${shown}): optlen ${p.bytes.length}, the kernel takes exactly 4`);
  }
  if (p.straceComment !== undefined && p.straceComment !== (straceRangeText(p.packed) ?? '')) {
    notes.push(`the comment says ${p.straceComment} but ${hex(p.packed)} decodes to ${straceRangeText(p.packed) ?? 'no range'}`);
  }
  let effective: DecodedPaste['effective'] = null;
  if (v.ok) {
    const eff = inetSkGetLocalPortRange(k, netns, p.packed);
    effective = { lo: eff.lo, hi: eff.hi, rule: eff.rule };
    if (p.packed === 0) notes.push('0 clears the option: the netns range applies');
    if (eff.rule !== 'netns' && eff.rule !== 'socket') notes.push(`under netns ${fmt(netns)}: ${describeRule(eff.rule)}`);
  }
  if (!v.ok || (effective && effective.rule !== 'socket' && p.packed !== 0)) notes.push(...probablyMeant(p.packed, netns, k, p.bytes !== undefined));
  return {
    input, form: p.form, lo, hi, packed: p.packed, optlen: p.optlen,
    accepted: v.ok, errno: v.ok ? null : v.errno, reason: v.ok ? null : v.reason,
    effective, strace: p.optlen === 4 ? straceNotation(p.packed) : `(optlen ${p.optlen}: strace prints the bytes)`, notes,
  };
}

/**
 * The readings that would give a range wholly inside the netns range when the value as
 * given does not: swapped halves, htonl() of the u32 (or bytes in the other order), htons() per half.
 */
function probablyMeant(packed: number, netns: PortRange, k: ReturnType<typeof kernelProfile>, fromBytes: boolean): string[] {
  const { lo, hi } = unpackRange(packed);
  const candidates: [string, number][] = [
    ['with the halves swapped ((lo << 16) | hi)', ((lo << 16) | hi) >>> 0],
    [fromBytes ? 'with the bytes read in the other order' : 'in network byte order (htonl) read back in host order', bswap32(packed)],
    ['with each half in network byte order (htons) read back', ((bswap16(hi) << 16) | bswap16(lo)) >>> 0],
  ];
  const out: string[] = [];
  const seen = new Set<number>([packed]);
  for (const [how, c] of candidates) {
    if (seen.has(c)) continue;
    seen.add(c);
    const r = unpackRange(c);
    if (r.lo === 0 || r.hi === 0) continue;
    const ok = validateSetsockopt(k, { level: SOL_IP, optname: IP_LOCAL_PORT_RANGE, optlen: 4, value: c });
    if (!ok.ok || inetSkGetLocalPortRange(k, netns, c).rule !== 'socket') continue;
    out.push(`probably meant ${r.lo}-${r.hi} (${r.hi - r.lo + 1} ports, ${hex(c)}): the value looks written ${how}`);
  }
  return out;
}

export { DecodeInputError };
