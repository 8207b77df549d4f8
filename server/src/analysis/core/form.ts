/**
 * The common form: what every language lowers its tree-sitter tree into, so that one
 * evaluator (core/evaluator.ts) and one call-site stage serve C, C++, Python, Go and Rust.
 *
 * A language adapter produces, per file, a `FormUnit`: the bindings (constants, variables,
 * parameters, fields), function definitions with their returns, the calls that matter
 * (setsockopt-like and socket operations), byte buffers built step by step, and loops over
 * constant tables. Expressions keep a link to their source (`at`) for spans and fixes, but
 * the evaluator never looks at tree-sitter nodes: everything it needs is in the form.
 *
 * Stable (the Rust/C++ adapters rely on it): the shapes below. Additive changes only.
 */
import type { Span } from '../callSite';
import type { IntType } from './numeric';

/** Where a form item comes from: byte offsets in the file text and the LSP span. */
export interface Origin {
  start: number;
  end: number;
  span: Span;
  /** The source text (shortened by the adapter when long). */
  text: string;
}

/** A type as the language wrote it, reduced to what values and sizes need. */
export type FormType =
  | { k: 'int'; int: IntType; name: string }
  | { k: 'bytes'; size: number | null; name: string } // [4]byte, char[4], bytes
  | { k: 'array'; elem: FormType; count: number | null; name: string }
  | { k: 'struct'; name: string; fields: { name: string; type: FormType }[] }
  | { k: 'pointer'; to: FormType; name: string }
  /** A type parameter (Rust `T`, C++ `template<class T>`): bound from the argument when a call is followed. */
  | { k: 'typeParam'; name: string }
  | { k: 'unknown'; name: string };

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '<<' | '>>' | '|' | '&' | '^' | '&^' | '**';
export type UnaryOp = '-' | '+' | '~' | '!';
export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Byte order of an encoding step: host order, or an explicit order. */
export type Endian = 'host' | 'little' | 'big';

/**
 * Expressions. `opaque` is the honest "the lowering did not understand this": it evaluates
 * to unknown. Names are resolved by the evaluator through the scope chain of the unit.
 */
export type Expr =
  | { k: 'int'; value: bigint; type?: IntType | null; at: Origin }
  | { k: 'str'; value: string; at: Origin }
  /** A byte string literal (Python b'..', Go []byte{..} of constants). */
  | { k: 'byteLit'; bytes: number[]; at: Origin }
  | { k: 'name'; name: string; at: Origin }
  /** a.b, a->b, self.x, pkg.Const, Type::CONST (path joined by '.'). */
  | { k: 'member'; object: Expr; field: string; at: Origin }
  | { k: 'index'; object: Expr; index: Expr; at: Origin }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr; at: Origin }
  | { k: 'unary'; op: UnaryOp; arg: Expr; at: Origin }
  | { k: 'compare'; op: CompareOp; left: Expr; right: Expr; at: Origin }
  | { k: 'cond'; test: Expr; then: Expr; else: Expr; at: Origin }
  /** (uint32_t)x, uint32(x), x as u32, static_cast<T>(x), T(x): wraps to the type. */
  | { k: 'cast'; type: FormType; arg: Expr; at: Origin }
  /** sizeof(T), sizeof x, size_of::<T>(), unsafe.Sizeof(x), ctypes.sizeof(x). */
  | { k: 'sizeof'; of: { type: FormType } | { expr: Expr }; at: Origin }
  /** &x, &v as *const _, unsafe.Pointer(&x), ctypes.byref(x): the object itself. */
  | { k: 'addr'; arg: Expr; at: Origin }
  /** *p, p[0] on a pointer. */
  | { k: 'deref'; arg: Expr; at: Origin }
  | { k: 'call'; call: FormCall; at: Origin }
  /** A struct or array initialiser: {lo, hi}, {.lo = a, .hi = b}, [2]uint16{a, b}, Range{lo: a, hi: b}. */
  | { k: 'init'; type: FormType | null; items: { field?: string; value: Expr }[]; at: Origin }
  /** Integer encoded to bytes: struct.pack item, v.to_be_bytes(), binary.BigEndian.PutUint16. */
  | { k: 'encode'; value: Expr; size: number; order: Endian; signed?: boolean; at: Origin }
  /** Bytes read back as an integer: binary.BigEndian.Uint32(b), u32::from_ne_bytes(b), int.from_bytes. */
  | { k: 'decode'; bytes: Expr; size: number; order: Endian; at: Origin }
  /** Concatenation of byte sequences (struct.pack of several items, a + b on bytes, append). */
  | { k: 'concat'; parts: Expr[]; at: Origin }
  /** Byte swap of a 16- or 32-bit value (htons, htonl, u32::to_be on a little-endian host...). */
  | { k: 'bswap'; bits: 16 | 32; arg: Expr; hostOnly: boolean; at: Origin }
  /** len(b): the number of bytes of a byte value (Go len of a []byte or string; every alternative the same length). */
  | { k: 'len'; of: Expr; at: Origin }
  | { k: 'opaque'; at: Origin };

/** A call in the common form. `lastName` is the last identifier of the callee (`ops->setsockopt` → setsockopt). */
export interface FormCall {
  callee: Expr;
  lastName: string;
  /** Receiver of a method call (sock in sock.setsockopt), not counted in args. */
  receiver?: Expr;
  args: Expr[];
  /** Keyword arguments (Python). */
  keywords?: Record<string, Expr>;
  /** The variable the call's result initialises or is assigned to (`int s = socket(...)`), when the lowering says. */
  assign?: string;
  at: Origin;
}

/**
 * A name bound to a value. `kind`:
 * - const: a constant (C #define / enum / const, Go const, Rust const/static, Python module constant assigned once);
 * - var: a variable with one assignment visible at the use (more writes → `writes` > 1, value unknown unless all agree);
 * - param: a function parameter (its value comes from a call, or from its type's interval);
 * - field: self.x / this->x assigned once (Python __init__, C++ constructor);
 * - loop: the variable of a loop over a constant table (see FormLoop).
 */
export interface Binding {
  name: string;
  kind: 'const' | 'var' | 'param' | 'field' | 'loop';
  type: FormType | null;
  /** The assigned values (declaration initialiser first). Empty for params and uninitialised vars. */
  values: Expr[];
  /** Mutations the evaluator cannot follow (address taken, ++, op=, assignment inside a loop). */
  escapes?: boolean;
  /** Byte-buffer building steps on this name, in source order (Go append/PutUint16, C memcpy...). */
  steps?: BufferStep[];
  /**
   * The name does not exist in the library the code names (Rust `libc::IP_LOCAL_PORT_RANGE`):
   * its value is what the author meant, and a call naming it gets `missing-constant`.
   */
  missing?: boolean;
  at: Origin;
}

/** One step that writes into a byte buffer binding. */
export type BufferStep =
  | { k: 'put'; offset: number; value: Expr; size: number; order: Endian; at: Origin }
  | { k: 'append'; value: Expr; at: Origin } // value is bytes (encode/byteLit/concat)
  | { k: 'store'; index: number; value: Expr; at: Origin }; // b[2] = x

/** A loop whose variable takes each entry of a constant table in turn (per-entry judgement). */
export interface FormLoop {
  /** The loop variable(s): `for (i = 0; i < N; i++) ... t[i]`, `for lo, hi in RANGES`, `for _, r := range ranges`. */
  vars: string[];
  /** The table (an init/list expression, or a name bound to one); index loops use `indexOver`. */
  over: Expr;
  /** For index loops: the variable is an index into `over` (each entry is over[i]). */
  indexOver?: boolean;
  /** A dict's view (Python `T.items()`: each row is (key, value); `T.values()`): absent, the table's entries. */
  view?: 'items' | 'values';
  /** Destructuring (`for name, (lo, hi) in T.items()`): each variable's path of positions into its row; absent, [i] for several variables, [] for one. */
  paths?: number[][];
  /** How many entries the loop visits from the first (`i < 2`, `t < tbl + 2`); absent: the whole table (`ARRAY_SIZE(tbl)`). */
  count?: Expr;
  /** Byte range of the loop body: uses inside it see the loop variable. */
  body: Origin;
  at: Origin;
}

/** A lexical scope: a function body, a block that introduces names, or the file. */
export interface FormScope {
  bindings: Map<string, Binding[]>;
  loops: FormLoop[];
  /** Branches that assign the same name differently (if/else, switch on kernel version): each arm's value. */
  parent: FormScope | null;
  at: Origin;
}

export interface FormFunction {
  name: string;
  /** Type parameters, bound to the static type of the matching argument when the call is followed. */
  typeParams?: string[];
  params: { name: string; type: FormType | null }[];
  /** Declared result type (for wrapping the returned value). */
  result: FormType | null;
  /** Every `return e` (one → exact follow; several → a finite set). */
  returns: Expr[];
  scope: FormScope;
  /** `self`/receiver parameter name, when a method. */
  receiver?: string;
  at: Origin;
}

/** The lowered file. Adapters fill it lazily where lowering everything would be slow. */
export interface FormUnit {
  language: 'c' | 'cpp' | 'python' | 'go' | 'rust';
  hostByteOrder: 'little' | 'big';
  /** File-level bindings (globals, module constants, #defines, enums). */
  globals: FormScope;
  /** Function definitions by name (a name defined twice maps to several: never followed). */
  functions: Map<string, FormFunction[]>;
  /** Struct layouts by name (C/C++/Rust repr(C), Go struct types). */
  types: Map<string, FormType>;
  /** The scope in force at a byte offset (innermost function/block). */
  scopeAt(offset: number): FormScope;
  /** Every call whose lastName ends in setsockopt/getsockopt (shape not yet checked), in source order. */
  calls?: FormCall[];
  /** Socket operations (socket/bind/connect/listen/sendto...) for the socket context, in source order. */
  sockops?: FormCall[];
  /**
   * Conditions that check values before a call: `if`/`while` tests, `assert`-like calls, each
   * with the identifiers it reads. A guard before a call that reads one of the inputs of a
   * bounded value suppresses the bounded warnings (core/bounded.ts). Absent: none recorded.
   */
  guards?: FormGuard[];
}

export interface FormGuard {
  /** Identifiers (and member paths) the condition reads. */
  names: string[];
  at: Origin;
}
