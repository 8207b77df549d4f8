/**
 * The one model of a setsockopt/getsockopt call that touches IP_LOCAL_PORT_RANGE.
 * Produced by the language adapters, judged by checks.ts, presented by features/ and the CLI.
 * Lines and columns are 0-based here (LSP); the CLI's JSON adds 1.
 */
export type Language = 'c' | 'cpp' | 'python' | 'go' | 'rust';
import type { DiagnosticCode, Severity } from '../diagnostics/codes';
export type { DiagnosticCode, Severity };
export type ByteOrder = 'host' | 'network' | 'little' | 'big' | 'unknown';

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A folded operand: its source text and value (null = not statically known). */
export interface Operand {
  text: string;
  value: number | null;
  span: Span;
}

export interface DecodedValue {
  /** As the kernel reads them (after byte order); null when not statically known. */
  lo: number | null;
  hi: number | null;
  /** The u32 the kernel sees, null when not statically known. */
  packed: number | null;
  byteOrder: ByteOrder;
  /** Bytes passed as optlen; null when not statically known. */
  optlen: number | null;
  /** lo/hi as the author wrote them, before byte order / packing mistakes (for fixes and messages). */
  intendedLo?: number | null;
  intendedHi?: number | null;
  /** How the value was built (drives checks): e.g. 'int', 'struct.pack', 'to_bytes', 'struct', 'array', 'shift-or'. */
  form?: string;
  /**
   * Set when the value is one entry of a constant table the code loops over: the call is
   * reported once per entry (same span), each naming its entry.
   */
  entry?: TableEntry;
  /**
   * Set when the value is not constant but only bounded by the types of free inputs (the
   * integer parameters of the function making the call; each caller in the file is judged on
   * its own) and the arithmetic on them: what concrete inputs make the kernel read
   * (core/bounded.ts). lo/hi/packed stay null: nothing is guessed.
   */
  bounded?: BoundedValue;
  span: Span;
}

/** Input values, by name (`port`, `count`). */
export type InputValues = ReadonlyArray<readonly [name: string, value: number]>;

/** A half as the author computed it, over every searched input: its expression and bounds. */
export interface HalfBounds {
  text: string;
  lo: number;
  hi: number;
  /** Inputs at which lo / hi is reached. */
  atLo: InputValues;
  atHi: InputValues;
}

/** One concrete choice of inputs and the u32 the kernel then reads. */
export interface BoundedWitness {
  inputs: InputValues;
  packed: number;
  /** The halves as computed before packing (may exceed 16 bits), when the packing shows them. */
  intendedLo: number | null;
  intendedHi: number | null;
}

export interface BoundedValue {
  /** The free inputs searched, each over its type's range clipped to 0..65535 (a port or a count). */
  inputs: ReadonlyArray<{ name: string; type: string; lo: number; hi: number }>;
  /** The halves as written (shift-or operands, struct/array items), when the packing shows them. */
  lo?: HalfBounds;
  hi?: HalfBounds;
  /** The inputs each half (as the kernel reads it) depends on. */
  loInputs: string[];
  hiInputs: string[];
  /** Witnesses to judge with the engine: half overflows first, then lo > hi as read, then the rest (at most 32). */
  witnesses: BoundedWitness[];
  /** A check before the call that involves the inputs (`if lo > hi { return }`, `assert(..)`): its text. */
  guard?: string;
}

/** One entry of a table a call's value comes from: `RANGES[2] = {41000, 40999}`, entry `index` (0-based) of `count`. */
export interface TableEntry {
  label: string;
  index: number;
  count: number;
}

/** What the analyzer learned about the socket the call acts on (same function / closure). */
export interface SocketEvent {
  kind: 'socket' | 'bind' | 'connect' | 'listen' | 'sendto' | 'setsockopt';
  /** For bind: the port (null = unknown), for setsockopt: the option name. */
  port?: number | null;
  option?: string;
  span: Span;
}

export interface SocketContext {
  proto: 'tcp' | 'udp' | 'sctp' | 'mptcp' | 'unknown';
  family: 4 | 6 | null;
  reuseAddr: boolean;
  bindAddressNoPort: boolean;
  /** Socket operations on the same socket variable, in source order (before and after the call). */
  events: SocketEvent[];
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  span: Span;
  /** Related locations, e.g. the earlier bind() for set-after-bind. */
  related?: { span: Span; message: string }[];
  /** Machine-readable data for quick fixes (replacement text etc.). */
  data?: Record<string, unknown>;
}

/**
 * Syntactic facts a language adapter records for checks.ts (which turns them into
 * diagnostics); adapters never build diagnostics themselves.
 */
export interface SyntacticFacts {
  /** optname written as a bare number (51 / 0x33) instead of the named constant. */
  magicNumber?: Operand;
  /** socket.IP_LOCAL_PORT_RANGE (Python) / syscall.IP_LOCAL_PORT_RANGE (Go): does not exist. */
  missingConstant?: Operand;
  /** C/C++: a u16/int shifted left by 16 without an unsigned cast (UB for hi >= 32768). */
  signedShift?: Operand;
  /** The file #defines / declares its own IP_LOCAL_PORT_RANGE with this value. */
  fallbackDefine?: Operand;
  /** Python: setsockopt(level, opt, <int>) (not bytes). */
  pythonIntForm?: boolean;
  /** The value expression text and span, for fixes. */
  valueExpr?: Operand;
  /** The optlen expression (C), for the bad-optlen fix. */
  optlenExpr?: Operand;
}

export interface CallSite {
  file: string;
  language: Language;
  op: 'set' | 'get';
  /** The whole call expression. */
  span: Span;
  /** The callee as written, e.g. "setsockopt", "unix.SetsockoptInt", "zsock_setsockopt". */
  callee: string;
  level: Operand;
  optname: Operand;
  value: DecodedValue | null;
  socket: SocketContext;
  facts: SyntacticFacts;
  /**
   * Set when this call site is a call of a project helper that forwards lo/hi into the
   * option: the helper's name and the span of the helper's own setsockopt.
   */
  via?: { helper: string; span: Span };
  /** Filled by checks.ts. */
  effective: { lo: number; hi: number; rule: string } | null;
  diagnostics: Diagnostic[];
}

