/**
 * Diagnostics for a value bounded only by its inputs (DecodedValue.bounded, core/bounded.ts):
 * `half-overflow` when some inputs make a half leave 16 bits, `empty-range` when some inputs
 * make lo > hi although both halves derive from a shared input and no check guards the call.
 * Each message names the inputs and what the kernel then reads and does; the kernel's answer
 * comes from the engine (validateSetsockopt, inet_sk_get_local_port_range). Severities: the
 * bounded variant of each code (diagnostics/codes.ts BOUNDED_SEVERITY), a warning by default.
 */
import { inetSkGetLocalPortRange } from '../../../engine/src/range';
import { unpackRange, validateSetsockopt, type SocketKind } from '../../../engine/src/uapi';
import type { BoundedWitness, DecodedValue, DiagnosticCode, HalfBounds, InputValues, Severity, Span } from './callSite';
import { BOUNDED_SEVERITY } from '../diagnostics/codes';
import type { ResolvedConfig } from '../config/resolve';

export interface BoundedContext {
  config: ResolvedConfig;
  family: 4 | 6 | undefined;
  kind: SocketKind;
  /** " (through helper())" or "". */
  via: string;
  add(code: DiagnosticCode, message: string, span: Span, extra: object, severity: Severity): void;
}

const wide = (x: number | null) => x !== null && (x < 0 || x > 0xffff);
const range = (lo: number, hi: number) => (lo === hi ? `${lo}` : `${lo}-${hi}`);

/** "port 65000 and count 1000". */
export function inputsText(inputs: InputValues): string {
  const parts = inputs.map(([n, v]) => `${n} ${v}`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0] ?? '';
}

/** "the kernel reads lo=65000 hi=463 and fails with EINVAL" for one witness, from the engine. */
function kernelText(w: BoundedWitness, cx: BoundedContext): { text: string; errno: string | null } {
  const { lo, hi } = unpackRange(w.packed);
  // optlen is judged on its own (bad-optlen): the value is judged as passed with 4 bytes.
  const r = validateSetsockopt(cx.config.kernel, { level: 0, optname: 51, optlen: 4, value: w.packed, family: cx.family, kind: cx.kind });
  if (!r.ok) return { text: `the kernel reads lo=${lo} hi=${hi} and fails with ${r.errno}`, errno: r.errno };
  const e = inetSkGetLocalPortRange(cx.config.kernel, cx.config.netns, w.packed);
  const uses = e.rule === 'ignored' ? `ignores it (outside the netns range ${range(cx.config.netns.lo, cx.config.netns.hi)})` : `uses ${range(e.lo, e.hi)}`;
  return { text: `the kernel reads lo=${lo} hi=${hi}, accepts it and ${uses}`, errno: null };
}

/**
 * "hi = port + count - 1 can reach 131069 (port 65535 and count 65535)", or "go down to -1".
 * A bound without the inputs reaching it came from a wrap of the type (Rust u32 arithmetic):
 * then only the witness's own figure is given.
 */
function reachText(name: 'lo' | 'hi', h: HalfBounds | undefined, w: BoundedWitness): string {
  const value = name === 'hi' ? w.intendedHi : w.intendedLo;
  const over = value !== null && value > 0xffff;
  const at = h ? (over ? h.atHi : h.atLo) : [];
  const what = h ? `${name} = ${h.text}` : name;
  if (!h || at.length === 0) return `${what} does not fit 16 bits for some inputs (it is ${value} for ${inputsText(w.inputs)})`;
  return `${what} ${over ? `can reach ${h.hi}` : `can go down to ${h.lo}`} (${inputsText(at)})`;
}

export function boundedDiagnostics(v: DecodedValue, span: Span, cx: BoundedContext): void {
  const b = v.bounded;
  if (!b || v.packed !== null || b.guard) return;
  const overflow = b.witnesses.find((w) => wide(w.intendedLo) || wide(w.intendedHi));
  if (overflow) {
    const name = wide(overflow.intendedHi) ? 'hi' : 'lo';
    const k = kernelText(overflow, cx);
    cx.add('half-overflow', `${reachText(name, b[name], overflow)}; for ${inputsText(overflow.inputs)} ${k.text}${cx.via}`, span, {}, BOUNDED_SEVERITY['half-overflow']!);
  }
  // lo > hi only counts when both halves derive from a shared input: for independent halves
  // (`fn set(lo: u16, hi: u16)`) the order is the caller's choice, judged at each caller.
  const shared = b.loInputs.some((n) => b.hiInputs.includes(n));
  if (!shared) return;
  for (const w of b.witnesses) {
    if (wide(w.intendedLo) || wide(w.intendedHi)) continue;
    const k = kernelText(w, cx);
    const { lo, hi } = unpackRange(w.packed);
    // Only the kernel's lo > hi refusal (another errno, e.g. ENOPROTOOPT on an old kernel, is not this code's).
    if (k.errno !== 'EINVAL' || lo <= hi) continue;
    cx.add('empty-range', `lo > hi for some inputs and the code does not check it before the call: for ${inputsText(w.inputs)} ${k.text}${cx.via}`, span, {}, BOUNDED_SEVERITY['empty-range']!);
    return;
  }
}
