/**
 * C syntax facts the adapter needs: builtin constants, byte-swap and bound-name patterns, C
 * integer types, node helpers, the symbol shapes, and the process-wide macro-body snippets.
 */
import { Parser, type Node, type Tree, type Language as TSLanguage } from 'web-tree-sitter';
import type { Operand, Span } from '../../callSite';
import type { Folded, IntType } from '../../core/numeric';
import { spanOf } from '../../core/tree';

// ---------------------------------------------------------------------------------------
// Constants from system headers (used only when the file does not define the name itself)
// ---------------------------------------------------------------------------------------
export const BUILTIN: Record<string, number> = {
  SOL_IP: 0, IPPROTO_IP: 0, SOL_SOCKET: 1, IPPROTO_TCP: 6, SOL_TCP: 6, IPPROTO_UDP: 17, SOL_UDP: 17,
  IPPROTO_IPV6: 41, SOL_IPV6: 41, IPPROTO_SCTP: 132, SOL_SCTP: 132, IPPROTO_MPTCP: 262, IPPROTO_UDPLITE: 136,
  IPPROTO_RAW: 255, IPPROTO_ICMP: 1, IPPROTO_ICMPV6: 58,
  IP_LOCAL_PORT_RANGE: 51, IP_PROTOCOL: 52, IP_BIND_ADDRESS_NO_PORT: 24, IPV6_RECVHOPLIMIT: 51,
  SO_ATTACH_REUSEPORT_CBPF: 51, SO_REUSEADDR: 2, SO_REUSEPORT: 15,
  AF_INET: 2, PF_INET: 2, AF_INET6: 10, PF_INET6: 10, AF_UNIX: 1, AF_LOCAL: 1, PF_UNIX: 1,
  SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_SEQPACKET: 5, SOCK_NONBLOCK: 0o4000, SOCK_CLOEXEC: 0o2000000,
  INADDR_ANY: 0,
};

/** Other option names whose number can also be 51: never reported as the port range. */
export const OTHER_OPTION = /^(IPV6_|SO_|TCP_|UDP_|SCTP_|MPTCP_|IP_(?!LOCAL_PORT_RANGE))/;

export const BYTE_SWAP16 = /^(htons|ntohs|__builtin_bswap16|bswap_16|__bswap_16|cpu_to_be16|be16_to_cpu|htobe16|be16toh|sys_cpu_to_be16)$/;
export const BYTE_SWAP32 = /^(htonl|ntohl|__builtin_bswap32|bswap_32|__bswap_32|cpu_to_be32|be32_to_cpu|htobe32|be32toh|sys_cpu_to_be32)$/;

export const LO_NAME = /(^|_|\b)(lo|low|lower|min|start|first|begin|from|l)(_|\d|$)|^(lo|low|min|start|first|begin)/i;
export const HI_NAME = /(^|_|\b)(hi|high|upper|max|end|last|to|h)(_|\d|$)|^(hi|high|upper|max|end|last)/i;

// ---------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------
export type CType =
  | { kind: 'int'; int: IntType; size: number }
  | { kind: 'struct'; fields: { name: string; type: CType }[]; size: number | null }
  | { kind: 'array'; elem: CType; n: number | null; size: number | null }
  | { kind: 'pointer'; size: number }
  | { kind: 'unknown'; size: null };

export const UNKNOWN_TYPE: CType = { kind: 'unknown', size: null };
export const intType = (bits: number, unsigned: boolean): CType => ({ kind: 'int', int: { bits, unsigned }, size: bits / 8 });

const PRIMITIVES: Record<string, [number, boolean]> = {
  char: [8, false], 'signed char': [8, false], 'unsigned char': [8, true], bool: [8, true], _Bool: [8, true],
  short: [16, false], 'signed short': [16, false], 'unsigned short': [16, true],
  int: [32, false], signed: [32, false], 'signed int': [32, false], unsigned: [32, true], 'unsigned int': [32, true],
  long: [64, false], 'signed long': [64, false], 'unsigned long': [64, true],
  'long long': [64, false], 'signed long long': [64, false], 'unsigned long long': [64, true],
  int8_t: [8, false], uint8_t: [8, true], int16_t: [16, false], uint16_t: [16, true],
  int32_t: [32, false], uint32_t: [32, true], int64_t: [64, false], uint64_t: [64, true],
  u8: [8, true], u16: [16, true], u32: [32, true], u64: [64, true], s8: [8, false], s16: [16, false], s32: [32, false], s64: [64, false],
  __u8: [8, true], __u16: [16, true], __u32: [32, true], __u64: [64, true], __s16: [16, false], __s32: [32, false], __s64: [64, false],
  __be16: [16, true], __be32: [32, true], __le16: [16, true], __le32: [32, true], be16: [16, true], be32: [32, true],
  u_int16_t: [16, true], u_int32_t: [32, true], u_short: [16, true], u_int: [32, true], u_long: [64, true],
  ushort: [16, true], uint: [32, true], ulong: [64, true],
  size_t: [64, true], ssize_t: [64, false], socklen_t: [32, true], in_port_t: [16, true], in_addr_t: [32, true],
  uintptr_t: [64, true], intptr_t: [64, false],
};

export function primitive(text: string): CType | null {
  let t = text.replace(/\s+/g, ' ').replace(/\b(const|volatile|static|register|extern|restrict)\b/g, '').trim().replace(/\s+/g, ' ');
  t = t.replace(/^(unsigned|signed)? ?(short|long long|long) int$/, (_m, s, k) => (s ? `${s} ${k}` : k));
  const p = PRIMITIVES[t];
  return p ? intType(p[0], p[1]) : null;
}

// ---------------------------------------------------------------------------------------
// Helpers over nodes
// ---------------------------------------------------------------------------------------

export function operand(n: Node, value: number | null, span?: Span): Operand {
  return { text: n.text, value, span: span ?? spanOf(n) };
}

export function namedArgs(args: Node | null): Node[] {
  if (!args) return [];
  return args.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** Strips parentheses and casts to pointer/void types: the thing actually passed. */
export function stripCasts(n: Node | null): Node | null {
  let cur = n;
  for (let i = 0; cur && i < 64; i++) {
    if (cur.type === 'parenthesized_expression' && cur.namedChildCount === 1) cur = cur.namedChild(0);
    else if (cur.type === 'cast_expression') {
      const td = cur.childForFieldName('type');
      if (td && /\*/.test(td.text) || /\bvoid\b/.test(td?.text ?? '')) cur = cur.childForFieldName('value');
      else return cur;
    } else return cur;
  }
  return cur;
}

export function stripParens(n: Node | null): Node | null {
  let cur = n;
  for (let i = 0; cur && i < 256 && cur.type === 'parenthesized_expression' && cur.namedChildCount === 1; i++) cur = cur.namedChild(0);
  return cur;
}

/** The identifier a declarator declares (through pointers, arrays, init). */
export function declaredName(d: Node | null): Node | null {
  let cur = d;
  for (let i = 0; cur && i < 64; i++) {
    if (cur.type === 'identifier' || cur.type === 'field_identifier' || cur.type === 'type_identifier') return cur;
    cur = cur.childForFieldName('declarator') ?? (cur.type === 'parenthesized_declarator' ? cur.namedChild(0) : null);
  }
  return null;
}

export function isTopLevel(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  const t = p.type;
  return t === 'translation_unit' || (t.startsWith('preproc_') && isTopLevelBlock(p));
}

function isTopLevelBlock(n: Node): boolean {
  let p: Node | null = n;
  for (let i = 0; p && i < 16; i++) {
    const t = p.type;
    if (t === 'translation_unit') return true;
    if (!t.startsWith('preproc_')) return false;
    p = p.parent;
  }
  return false;
}

/** The statement (child of a block or of the file) that contains n. */
export function statementOf(n: Node): Node | null {
  let p: Node | null = n;
  for (let i = 0; p && i < 128; i++) {
    const parent: Node | null = p.parent;
    if (!parent) return null;
    if (parent.type === 'compound_statement' || parent.type === 'translation_unit') return p;
    p = parent;
  }
  return null;
}

export function normKey(text: string): string {
  return text.replace(/\s+/g, '');
}

// ---------------------------------------------------------------------------------------
// Per-file model
// ---------------------------------------------------------------------------------------
export interface VarSym {
  name: string;
  typeNode: Node | null;
  declarator: Node;
  init: Node | null;
  /** Right-hand sides of plain `name = expr` assignments in the scope. */
  assigns: Node[];
  /** `name.field = expr` / `name[i] = expr` assignments. */
  parts: Map<string, Node[]>;
  /** Compound assignment, ++/--: the value is not statically known. */
  mutated: boolean;
  isParam: boolean;
  paramIndex: number;
  pos: number;
}

export interface Scope {
  vars: Map<string, VarSym[]>;
}

export interface Macro {
  name: string;
  params: string[] | null;
  body: string;
  node: Node;
}

export interface FunctionInfo {
  node: Node;
  name: string;
  params: VarSym[];
  body: Node;
}

export interface Env {
  bind: Map<string, Folded>;
  /** The function whose locals are visible. */
  fn: FunctionInfo | null;
}

export const WRITE_TYPES = new Set(['assignment_expression', 'update_expression']);
export const RETURN_TYPES = new Set(['return_statement']);
export const DECL_TYPES = new Set(['declaration']);
export const SCOPE_TYPE_LIST = ['declaration', 'assignment_expression', 'update_expression'];
/**
 * Function bodies up to this size are scanned with one descendantsOfType call (which has no
 * node limit); larger ones keep the bounded walk (2,000,000 nodes), whose limit they could reach.
 */
export const NATIVE_SCAN_MAX_CHARS = 200_000;
/** Not descended into when collecting globals: function bodies and anything below declarations. */
export const TOP_PRUNE = new Set(['function_definition', 'compound_statement', 'declaration', 'expression_statement']);


/**
 * Parsed macro bodies by body text, shared by every file (of snippets.language). Their trees
 * live until the language changes, or until the cache is full when a file's analysis starts
 * (no node of them is held then: results carry no nodes).
 */
export const snippetCache = new Map<string, { tree: Tree | null; node: Node | null }>();
/** The macro-body parser, its language, and how many CFiles are being analysed (the cache is only emptied when none is). */
export const snippets = { parser: null as Parser | null, language: null as TSLanguage | null, liveFiles: 0 };
export const SNIPPET_CACHE_MAX = 512;

export function clearSnippets(): void {
  for (const e of snippetCache.values()) e.tree?.delete();
  snippetCache.clear();
}

/**
 * The (fd, level, optname, optval, optlen) arguments of a setsockopt-like call. A wrapper may
 * take extra leading arguments (`srv->so._setsockopt(ctx, fd, level, opt, val, len)`): the
 * last five are the socket call's; whether they really are is decided by the caller from the
 * optname (IP_LOCAL_PORT_RANGE or 51), never from the name alone.
 */
export function sockoptArgs(call: Node): Node[] {
  const all = namedArgs(call.childForFieldName('arguments'));
  if (all.length <= 5 || all.length > 8) return all;
  const callee = call.childForFieldName('function');
  const name = callee?.type === 'field_expression' ? callee.childForFieldName('field')?.text ?? '' : callee?.text ?? '';
  return /^(set|get)sockopt$/.test(name) ? all : all.slice(all.length - 5);
}
