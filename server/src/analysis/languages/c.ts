/**
 * The C/C++ adapter: turns matches of queries/c.scm into call sites. Values are folded with
 * evaluate.ts over a per-file symbol model (macros, enums, structs, typedefs, globals and
 * per-function locals assigned once); a project's helper that forwards lo/hi into the
 * option is instantiated at each call with constant arguments (parameter order read from
 * its body). Anything not statically known stays null.
 */
import { Parser, type Node, type Tree, type Language as TSLanguage } from 'web-tree-sitter';
import type { DecodedValue, Operand, SocketContext, SocketEvent, Span, SyntacticFacts } from '../callSite';
import { INT, UINT, UNKNOWN, bswap16, bswap32, known, promote, toNumber, wrap, type Folded, type IntType } from '../core/numeric';
import { Evaluator } from '../core/treeFold';
import type { AdapterInput, LanguageAdapter, RawCallSite } from './types';
import { MAX_START_DEPTH } from '../core/matches';

// ---------------------------------------------------------------------------------------
// Constants from system headers (used only when the file does not define the name itself)
// ---------------------------------------------------------------------------------------
const BUILTIN: Record<string, number> = {
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
const OTHER_OPTION = /^(IPV6_|SO_|TCP_|UDP_|SCTP_|MPTCP_|IP_(?!LOCAL_PORT_RANGE))/;

const BYTE_SWAP16 = /^(htons|ntohs|__builtin_bswap16|bswap_16|__bswap_16|cpu_to_be16|be16_to_cpu|htobe16|be16toh|sys_cpu_to_be16)$/;
const BYTE_SWAP32 = /^(htonl|ntohl|__builtin_bswap32|bswap_32|__bswap_32|cpu_to_be32|be32_to_cpu|htobe32|be32toh|sys_cpu_to_be32)$/;

const LO_NAME = /(^|_|\b)(lo|low|lower|min|start|first|begin|from|l)(_|\d|$)|^(lo|low|min|start|first|begin)/i;
const HI_NAME = /(^|_|\b)(hi|high|upper|max|end|last|to|h)(_|\d|$)|^(hi|high|upper|max|end|last)/i;

// ---------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------
type CType =
  | { kind: 'int'; int: IntType; size: number }
  | { kind: 'struct'; fields: { name: string; type: CType }[]; size: number | null }
  | { kind: 'array'; elem: CType; n: number | null; size: number | null }
  | { kind: 'pointer'; size: number }
  | { kind: 'unknown'; size: null };

const UNKNOWN_TYPE: CType = { kind: 'unknown', size: null };
const intType = (bits: number, unsigned: boolean): CType => ({ kind: 'int', int: { bits, unsigned }, size: bits / 8 });

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

function primitive(text: string): CType | null {
  let t = text.replace(/\s+/g, ' ').replace(/\b(const|volatile|static|register|extern|restrict)\b/g, '').trim().replace(/\s+/g, ' ');
  t = t.replace(/^(unsigned|signed)? ?(short|long long|long) int$/, (_m, s, k) => (s ? `${s} ${k}` : k));
  const p = PRIMITIVES[t];
  return p ? intType(p[0], p[1]) : null;
}

// ---------------------------------------------------------------------------------------
// Helpers over nodes
// ---------------------------------------------------------------------------------------
export function spanOf(n: Node): Span {
  return { line: n.startPosition.row, column: n.startPosition.column, endLine: n.endPosition.row, endColumn: n.endPosition.column };
}

function operand(n: Node, value: number | null, span?: Span): Operand {
  return { text: n.text, value, span: span ?? spanOf(n) };
}

function namedArgs(args: Node | null): Node[] {
  if (!args) return [];
  return args.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** Strips parentheses and casts to pointer/void types: the thing actually passed. */
function stripCasts(n: Node | null): Node | null {
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

function stripParens(n: Node | null): Node | null {
  let cur = n;
  for (let i = 0; cur && i < 256 && cur.type === 'parenthesized_expression' && cur.namedChildCount === 1; i++) cur = cur.namedChild(0);
  return cur;
}

/** The identifier a declarator declares (through pointers, arrays, init). */
function declaredName(d: Node | null): Node | null {
  let cur = d;
  for (let i = 0; cur && i < 64; i++) {
    if (cur.type === 'identifier' || cur.type === 'field_identifier' || cur.type === 'type_identifier') return cur;
    cur = cur.childForFieldName('declarator') ?? (cur.type === 'parenthesized_declarator' ? cur.namedChild(0) : null);
  }
  return null;
}

function isTopLevel(n: Node): boolean {
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
function statementOf(n: Node): Node | null {
  let p: Node | null = n;
  for (let i = 0; p && i < 128; i++) {
    const parent: Node | null = p.parent;
    if (!parent) return null;
    if (parent.type === 'compound_statement' || parent.type === 'translation_unit') return p;
    p = parent;
  }
  return null;
}

function normKey(text: string): string {
  return text.replace(/\s+/g, '');
}

// ---------------------------------------------------------------------------------------
// Per-file model
// ---------------------------------------------------------------------------------------
interface VarSym {
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

interface Scope {
  vars: Map<string, VarSym[]>;
}

interface Macro {
  name: string;
  params: string[] | null;
  body: string;
  node: Node;
}

interface FunctionInfo {
  node: Node;
  name: string;
  params: VarSym[];
  body: Node;
}

interface Env {
  bind: Map<string, Folded>;
  /** The function whose locals are visible. */
  fn: FunctionInfo | null;
}

const WRITE_TYPES = new Set(['assignment_expression', 'update_expression']);
const RETURN_TYPES = new Set(['return_statement']);
const DECL_TYPES = new Set(['declaration']);
const SCOPE_TYPE_LIST = ['declaration', 'assignment_expression', 'update_expression'];
/**
 * Function bodies up to this size are scanned with one descendantsOfType call (which has no
 * node limit); larger ones keep the bounded walk (2,000,000 nodes), whose limit they could reach.
 */
const NATIVE_SCAN_MAX_CHARS = 200_000;
/** Not descended into when collecting globals: function bodies and anything below declarations. */
const TOP_PRUNE = new Set(['function_definition', 'compound_statement', 'declaration', 'expression_statement']);

let snippetParser: Parser | null = null;
let snippetLanguage: TSLanguage | null = null;
/**
 * Parsed macro bodies by body text, shared by every file (of snippetLanguage). Their trees
 * live until the language changes, or until the cache is full when a file's analysis starts
 * (no node of them is held then: results carry no nodes).
 */
const snippetCache = new Map<string, { tree: Tree | null; node: Node | null }>();
const SNIPPET_CACHE_MAX = 512;
/** CFiles being analysed (the cache is only emptied when none is). */
let liveFiles = 0;

function clearSnippets(): void {
  for (const e of snippetCache.values()) e.tree?.delete();
  snippetCache.clear();
}

class CFile {
  readonly root: Node;
  readonly macros = new Map<string, Macro>();
  readonly enumNodes: Node[] = [];
  private enumValues: Map<string, Folded> | null = null;
  readonly structs = new Map<string, Node>();
  readonly typedefs = new Map<string, { type: Node | null; declarator: Node }>();
  readonly sockoptCalls: Node[] = [];
  readonly sockCalls: Node[] = [];
  private scopes = new Map<number, Scope>();
  private globals: Scope | null = null;
  private macroCache = new Map<string, Node | null>();
  readonly expanding = new Set<string>();
  /** Evaluation modes. */
  intent = false;
  shiftSink: ((node: Node, left: Folded, right: Folded) => void) | null = null;
  sawSwap = false;
  env: Env = { bind: new Map(), fn: null };
  readonly ev: Evaluator;

  constructor(readonly input: AdapterInput) {
    if (liveFiles === 0 && snippetCache.size > SNIPPET_CACHE_MAX) clearSnippets();
    liveFiles++;
    this.root = input.tree.rootNode;
    this.ev = new Evaluator(
      {
        language: 'c',
        identifier: (n) => this.identifier(n),
        call: (n) => this.call(n),
        other: (n) => this.other(n),
        onShift: (n, l, r) => this.shiftSink?.(n, l, r),
      },
      { maxDepth: 150, maxSteps: 400_000 },
    );
    try {
      this.collect();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  dispose(): void {
    liveFiles = Math.max(0, liveFiles - 1);
  }

  /** Byte ranges already run through the query (dedupe when a range is asked twice). */
  private queried = new Set<string>();
  private seen = new Set<number>();
  private fnCache = new Map<number, FunctionInfo | null>();

  /**
   * Runs the detection query only where it can find something: the top-level items that
   * are not function bodies (macros, enums, structs, typedefs, globals) and the functions
   * (or top-level items) around each textual "sockopt". A restricted query cursor skips the
   * rest of the tree, so a large file with few call sites costs little more than its parse.
   */
  private collect(): void {
    const ranges: [number, number][] = [];
    // 1. Top-level items other than function definitions (descending into #if blocks).
    const visit = (n: Node, depth: number) => {
      const cursor = n.walk();
      try {
        if (!cursor.gotoFirstChild()) return;
        let open: [number, number] | null = null;
        do {
          // The type first, from the cursor: most items are functions, never materialised.
          const t = cursor.nodeType;
          if (t === 'function_definition' || t === 'compound_statement') { open = null; continue; }
          const c = cursor.currentNode;
          if (depth < 8 && /^preproc_(if|ifdef|else|elif|elifdef)$/.test(t) && c.descendantsOfType('function_definition').length) {
            open = null;
            visit(c, depth + 1);
            continue;
          }
          if (t === 'comment' || t === 'expression_statement' && c.text.trim() === ';') continue;
          if (open && open[1] <= c.startIndex && c.startIndex - open[1] < 4096) open[1] = c.endIndex;
          else { open = [c.startIndex, c.endIndex]; ranges.push(open); }
        } while (cursor.gotoNextSibling());
      } finally {
        cursor.delete();
      }
    };
    visit(this.root, 0);
    // 2. Around every "sockopt" in the text: its function, or its top-level item.
    const re = /sockopt/gi;
    let m: RegExpExecArray | null;
    let guard = 0;
    let coveredUntil = -1;
    while ((m = re.exec(this.input.text)) && guard++ < 20_000) {
      if (m.index < coveredUntil) continue;
      const leaf = this.root.descendantForIndex(m.index, m.index + 7);
      if (!leaf) continue;
      const fn = this.functionNodeAt(leaf);
      let item: Node = fn ?? leaf;
      if (!fn) for (let i = 0; i < 64 && item.parent && item.parent.id !== this.root.id; i++) item = item.parent;
      ranges.push([item.startIndex, item.endIndex]);
      coveredUntil = item.endIndex;
    }
    // The ranges in the order above (so every capture is met in the same order); each run
    // with the next ones when only whitespace separates them (the pruned text of `check`
    // leaves blank lines between the kept items), one query run for all of them.
    const text = this.input.text;
    for (let k = 0; k < ranges.length;) {
      const [a] = ranges[k]!;
      let b = ranges[k]![1];
      let j = k + 1;
      while (j < ranges.length) {
        const [c, d] = ranges[j]!;
        if (c < b || c - b > 4096 || !/^[ \t\r\n\f\v]*$/.test(text.slice(b, c))) break;
        b = Math.max(b, d);
        j++;
      }
      if (j === k + 1) this.runQuery(a, b);
      else {
        const parts = ranges.slice(k, j).map(([x, y]) => `${x}:${y}`);
        if (!parts.every((key) => this.queried.has(key))) {
          this.runQuery(a, b);
          for (const key of parts) this.queried.add(key);
        }
      }
      k = j;
    }
  }

  private runQuery(startIndex: number, endIndex: number): void {
    const key = `${startIndex}:${endIndex}`;
    if (this.queried.has(key)) return;
    this.queried.add(key);
    const q = this.input.query;
    // maxStartDepth: a 100,000-deep f(f(f(...))) otherwise keeps one in-progress match per
    // level and the query cursor goes quadratic (167 s measured); call sites sit far shallower.
    for (const m of q.matches(this.root, { startIndex, endIndex, maxStartDepth: MAX_START_DEPTH })) {
      const cap = (name: string) => m.captures.find((c) => c.name === name)?.node ?? null;
      const main = m.captures[m.captures.length - 1]?.node;
      const anchor = cap('sockopt') ?? cap('sockop') ?? cap('macro') ?? cap('fmacro') ?? cap('enums') ?? cap('struct') ?? cap('typedef') ?? main;
      if (!anchor || this.seen.has(anchor.id)) continue;
      this.seen.add(anchor.id);
      const sockopt = cap('sockopt');
      if (sockopt) { this.sockoptCalls.push(sockopt); continue; }
      const sockcall = cap('sockop');
      if (sockcall) { this.sockCalls.push(sockcall); continue; }
      const macro = cap('macro');
      if (macro) {
        const name = cap('macro.name')!.text;
        this.macros.set(name, { name, params: null, body: macro.childForFieldName('value')?.text ?? '', node: macro });
        continue;
      }
      const fmacro = cap('fmacro');
      if (fmacro) {
        const name = cap('fmacro.name')!.text;
        const params = namedArgs(cap('fmacro.params')).map((p) => p.text);
        this.macros.set(name, { name, params, body: fmacro.childForFieldName('value')?.text ?? '', node: fmacro });
        continue;
      }
      const enums = cap('enums');
      if (enums) { this.enumNodes.push(enums); continue; }
      const st = cap('struct');
      if (st) { this.structs.set(cap('struct.name')!.text, st); continue; }
      const td = cap('typedef');
      if (td) {
        const type = td.childForFieldName('type');
        for (const d of td.childrenForFieldName('declarator')) {
          const nm = d && declaredName(d);
          if (nm && d) this.typedefs.set(nm.text, { type, declarator: d });
        }
      }
    }
    this.sockoptCalls.sort((a, b) => a.startIndex - b.startIndex);
    this.sockCalls.sort((a, b) => a.startIndex - b.startIndex);
  }

  private buckets: Map<number, { sockopt: Node[]; sockcall: Node[] }> | null = null;
  private bucketed = { sockopt: 0, sockcall: 0 };

  /** The socket calls inside one function, in source order (bucketed once per file). */
  callsIn(fn: FunctionInfo, kind: 'sockopt' | 'sockcall'): Node[] {
    this.ensureQueried(fn);
    this.buckets ??= new Map();
    const all = kind === 'sockopt' ? this.sockoptCalls : this.sockCalls;
    if (this.bucketed[kind] !== all.length) {
      for (const b of this.buckets.values()) b[kind] = [];
      for (const c of all) {
        const fnNode = this.functionNodeAt(c);
        if (!fnNode) continue;
        let b = this.buckets.get(fnNode.id);
        if (!b) { b = { sockopt: [], sockcall: [] }; this.buckets.set(fnNode.id, b); }
        b[kind].push(c);
      }
      this.bucketed[kind] = all.length;
    }
    return this.buckets.get(fn.node.id)?.[kind] ?? [];
  }

  /** Makes sure the query ran over a function (a helper's caller has no "sockopt" of its own). */
  ensureQueried(fn: FunctionInfo): void {
    this.runQuery(fn.node.startIndex, fn.node.endIndex);
  }

  /** The function_definition around a node (bounded walk up: parent lookups cost O(depth)). */
  private functionNodeAt(n: Node): Node | null {
    let p: Node | null = n;
    for (let i = 0; p && i < 256; i++) {
      const t = p.type; // one read: each crosses into the parser
      if (t === 'function_definition') return p;
      // A body at top level: a function defined through a macro (TEST_F(a, b) { ... }),
      // which tree-sitter parses as a call followed by a block.
      if (t === 'compound_statement' && isTopLevel(p)) return p;
      p = p.parent;
    }
    return null;
  }

  private functionInfo(fn: Node): FunctionInfo | null {
    if (this.fnCache.has(fn.id)) return this.fnCache.get(fn.id)!;
    let info: FunctionInfo | null = null;
    if (fn.type === 'compound_statement') {
      const prev = fn.previousNamedSibling;
      const name = prev?.type === 'expression_statement' ? prev.namedChild(0)?.childForFieldName('arguments')?.namedChild(1)?.text ?? '' : '';
      info = { node: fn, name, params: [], body: fn };
      this.fnCache.set(fn.id, info);
      return info;
    }
    const body = fn.childForFieldName('body');
    let d: Node | null = fn.childForFieldName('declarator');
    for (let i = 0; d && d.type !== 'function_declarator' && i < 16; i++) d = d.childForFieldName('declarator');
    if (body && d) {
      const name = declaredName(d.childForFieldName('declarator'))?.text ?? '';
      const params: VarSym[] = [];
      let idx = 0;
      for (const p of namedArgs(d.childForFieldName('parameters'))) {
        if (p.type !== 'parameter_declaration') continue;
        const decl = p.childForFieldName('declarator');
        const nm = decl && declaredName(decl);
        if (nm && decl) {
          params.push({
            name: nm.text, typeNode: p.childForFieldName('type'), declarator: decl, init: null, assigns: [],
            parts: new Map(), mutated: false, isParam: true, paramIndex: idx, pos: p.startIndex,
          });
        }
        idx++;
      }
      info = { node: fn, name, params, body };
    }
    this.fnCache.set(fn.id, info);
    return info;
  }

  functionAt(n: Node): FunctionInfo | null {
    if (n.tree !== this.input.tree) return null;
    const fn = this.functionNodeAt(n);
    return fn ? this.functionInfo(fn) : null;
  }

  // --- symbol tables -------------------------------------------------------------------
  private addDecl(scope: Scope, decl: Node): void {
    const type = decl.childForFieldName('type');
    for (const d of decl.childrenForFieldName('declarator')) {
      if (!d) continue;
      const nm = declaredName(d);
      if (!nm) continue;
      if (d.type === 'function_declarator') continue;
      const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      const sym: VarSym = {
        name: nm.text, typeNode: type, declarator: d, init, assigns: [], parts: new Map(), mutated: false,
        isParam: false, paramIndex: -1, pos: d.startIndex,
      };
      const list = scope.vars.get(sym.name) ?? [];
      list.push(sym);
      scope.vars.set(sym.name, list);
    }
  }

  /** Walks a subtree iteratively (bounded), skipping nested function bodies when asked. */
  /**
   * Walks a subtree iteratively (bounded). Only nodes whose type is in `types` are
   * materialised and visited (node objects are costly across the wasm boundary); types in
   * `prune` are not descended into; `visit` returning false prunes that node too.
   */
  private walk(root: Node, types: Set<string>, visit: (n: Node) => boolean | void, prune?: Set<string>, limit = 2_000_000): void {
    const cursor = root.walk();
    let count = 0;
    try {
      let descend = true;
      for (;;) {
        if (++count > limit) return;
        if (descend) {
          const t = cursor.nodeType;
          let cont: boolean | void = true;
          if (types.has(t)) cont = visit(cursor.currentNode);
          if (cont !== false && !(prune?.has(t) && count > 1) && cursor.gotoFirstChild()) continue;
        }
        if (cursor.gotoNextSibling()) { descend = true; continue; }
        let up = false;
        while (cursor.gotoParent()) {
          if (cursor.gotoNextSibling()) { up = true; break; }
        }
        if (!up) return;
        descend = true;
      }
    } finally {
      cursor.delete();
    }
  }

  private recordWrites(scope: Scope, root: Node): void {
    this.walk(root, WRITE_TYPES, (n) => this.recordWrite(scope, n));
  }

  private recordWrite(scope: Scope, n: Node): void {
    {
      if (n.type === 'assignment_expression') {
        const left = stripParens(n.childForFieldName('left'));
        const op = n.childForFieldName('operator')?.text ?? '=';
        const right = n.childForFieldName('right');
        if (!left || !right) return;
        if (left.type === 'identifier') {
          for (const s of scope.vars.get(left.text) ?? []) {
            if (op === '=') s.assigns.push(right);
            else s.mutated = true;
          }
        } else if (left.type === 'field_expression' || left.type === 'subscript_expression') {
          const base = stripParens(left.childForFieldName('argument'));
          if (base?.type !== 'identifier') return;
          const key = left.type === 'field_expression'
            ? left.childForFieldName('field')?.text ?? ''
            : `[${this.withMode(false, () => toNumber(this.ev.fold(left.childForFieldName('index')).value))}]`;
          for (const s of scope.vars.get(base.text) ?? []) {
            if (op !== '=') { s.mutated = true; continue; }
            const l = s.parts.get(key) ?? [];
            l.push(right);
            s.parts.set(key, l);
          }
        }
      } else if (n.type === 'update_expression') {
        const a = stripParens(n.childForFieldName('argument'));
        if (a?.type === 'identifier') for (const s of scope.vars.get(a.text) ?? []) s.mutated = true;
      }
    }
  }

  scopeOf(fn: FunctionInfo): Scope {
    let s = this.scopes.get(fn.node.id);
    if (s) return s;
    s = { vars: new Map() };
    for (const p of fn.params) s.vars.set(p.name, [{ ...p, assigns: [], parts: new Map() }]);
    const scope = s;
    const body = fn.body;
    if (body.endIndex - body.startIndex <= NATIVE_SCAN_MAX_CHARS) {
      // One scan inside the parser (one call across the wasm boundary) instead of two
      // node-by-node walks: the same nodes in the same (pre-)order as walk() visits them.
      const found = body.descendantsOfType(SCOPE_TYPE_LIST);
      for (const n of found) if (n.type === 'declaration') this.addDecl(scope, n);
      this.scopes.set(fn.node.id, scope);
      for (const n of found) if (n.type !== 'declaration') this.recordWrite(scope, n);
      return scope;
    }
    this.walk(body, DECL_TYPES, (n) => {
      this.addDecl(scope, n);
    });
    this.scopes.set(fn.node.id, scope);
    this.recordWrites(scope, body);
    return scope;
  }

  globalScope(): Scope {
    if (this.globals) return this.globals;
    const g: Scope = { vars: new Map() };
    this.globals = g;
    this.walk(this.root, DECL_TYPES, (n) => {
      this.addDecl(g, n);
      return false;
    }, TOP_PRUNE);
    // Writes to globals anywhere (including in functions) make them unknown unless single:
    // found per name, by text search checked against the tree (no walk of every function).
    for (const [name, syms] of g.vars) this.recordGlobalWrites(name, syms);
    return g;
  }

  private recordGlobalWrites(name: string, syms: VarSym[]): void {
    const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`, 'g');
    const text = this.input.text;
    let m: RegExpExecArray | null;
    let guard = 0;
    while ((m = re.exec(text)) && guard++ < 5000) {
      const id = this.root.descendantForIndex(m.index, m.index + name.length);
      if (id?.type !== 'identifier' || id.text !== name) continue;
      let node: Node = id;
      let p = node.parent;
      while (p && p.type === 'parenthesized_expression') { node = p; p = p.parent; }
      if (!p) continue;
      // A local of the same name shadows the global inside its function.
      const fn = this.functionAt(id);
      if (fn && this.scopeOf(fn).vars.has(name)) continue;
      if (p.type === 'assignment_expression' && p.childForFieldName('left')?.id === node.id) {
        const op = p.childForFieldName('operator')?.text ?? '=';
        const right = p.childForFieldName('right');
        for (const s of syms) { if (op === '=' && right) s.assigns.push(right); else s.mutated = true; }
      } else if (p.type === 'update_expression') {
        for (const s of syms) s.mutated = true;
      } else if ((p.type === 'field_expression' || p.type === 'subscript_expression') && p.childForFieldName('argument')?.id === node.id) {
        const a = p.parent;
        if (a?.type === 'assignment_expression' && a.childForFieldName('left')?.id === p.id) {
          const key = p.type === 'field_expression' ? p.childForFieldName('field')?.text ?? '' : `[${this.withMode(false, () => toNumber(this.ev.fold(p!.childForFieldName('index')).value))}]`;
          const right = a.childForFieldName('right');
          for (const s of syms) {
            if ((a.childForFieldName('operator')?.text ?? '=') !== '=' || !right) { s.mutated = true; continue; }
            const l = s.parts.get(key) ?? [];
            l.push(right);
            s.parts.set(key, l);
          }
        }
      }
    }
  }

  /** The variable a name refers to at node `at` (innermost scope, declared before use). */
  lookupVar(name: string, at: Node, fn: FunctionInfo | null): VarSym | null {
    if (fn && at.startIndex >= fn.node.startIndex && at.endIndex <= fn.node.endIndex) {
      const cands = (this.scopeOf(fn).vars.get(name) ?? []).filter((s) => s.isParam || s.pos <= at.startIndex);
      if (cands.length) {
        // Prefer the closest declaration whose block encloses the use.
        let best: VarSym | null = null;
        for (const c of cands) {
          const block = c.isParam ? fn.body : c.declarator.parent?.parent ?? fn.body;
          if (block.startIndex <= at.startIndex && at.endIndex <= block.endIndex && (!best || c.pos >= best.pos)) best = c;
        }
        if (best) return best;
      }
    }
    const g = this.globalScope().vars.get(name);
    return g && g.length ? g[g.length - 1]! : null;
  }

  /**
   * The expression a variable holds at `at`: its only write, or else (straight-line code)
   * the last write before `at` in the same block, when nothing in between can change it
   * (no compound assignment or ++/--, no write in a nested block, no `&name` passed on).
   */
  valueNode(sym: VarSym, at?: Node | null): Node | null {
    if (sym.mutated) return null;
    const writes = sym.init ? [sym.init, ...sym.assigns] : sym.assigns;
    const usable = at && at.tree === this.input.tree;
    if (writes.length === 1) {
      const w = writes[0]!;
      // Its address passed to a function between the write and the use: it may be written there.
      if (usable && w.endIndex <= at.startIndex && this.addressPassed(sym.name, w.endIndex, at.startIndex)) return null;
      return w;
    }
    if (!usable || writes.length === 0 || sym.isParam) return null;
    let w: Node | null = null;
    for (const x of writes) if (x.endIndex <= at.startIndex && (!w || x.startIndex > w.startIndex)) w = x;
    if (!w) return null;
    const sw = statementOf(w);
    const su = statementOf(at);
    if (!sw || !su || !sw.parent || sw.parent.id !== su.parent?.id) return null;
    if (sw.type !== 'expression_statement' && sw.type !== 'declaration') return null; // e.g. `if (c) v = 2;`
    if (this.addressPassed(sym.name, w.endIndex, at.startIndex)) return null;
    return w;
  }

  /** `&name` between two offsets, other than as the read-only optval of a setsockopt. */
  private addressPassed(name: string, from: number, to: number): boolean {
    if (to - from > 200_000) return true;
    const re = new RegExp(`&\\s*\\(?\\s*${name.replace(/[$]/g, '\\$')}\\b`, 'g');
    const between = this.input.text.slice(from, to);
    let m: RegExpExecArray | null;
    let guard = 0;
    while ((m = re.exec(between)) && guard++ < 1000) {
      const amp = this.root.descendantForIndex(from + m.index, from + m.index + 1);
      let e: Node | null = amp?.parent ?? null; // the pointer_expression
      for (let i = 0; e && e.type !== 'pointer_expression' && i < 4; i++) e = e.parent;
      let arg: Node | null = e;
      while (arg?.parent?.type === 'cast_expression' || arg?.parent?.type === 'parenthesized_expression') arg = arg.parent;
      const call = arg?.parent?.type === 'argument_list' ? arg.parent.parent : null;
      const callee = call?.type === 'call_expression' ? call.childForFieldName('function')?.text ?? '' : '';
      const args = call ? namedArgs(call.childForFieldName('arguments')) : [];
      if (/set_?sock_?opt$/i.test(callee) && args[3]?.id === arg?.id) continue;
      return true;
    }
    return false;
  }

  // --- types ----------------------------------------------------------------------------
  typeOfSpecifier(t: Node | null, depth = 0): CType {
    if (!t || depth > 16) return UNKNOWN_TYPE;
    if (t.type === 'primitive_type' || t.type === 'sized_type_specifier') return primitive(t.text) ?? UNKNOWN_TYPE;
    if (t.type === 'type_identifier') {
      const p = primitive(t.text);
      if (p) return p;
      const td = this.typedefs.get(t.text);
      if (td) return this.typeOf(td.type, td.declarator, depth + 1);
      return UNKNOWN_TYPE;
    }
    if (t.type === 'struct_specifier' || t.type === 'union_specifier') {
      let body = t.childForFieldName('body');
      if (!body) {
        const nm = t.childForFieldName('name')?.text;
        body = nm ? this.structs.get(nm)?.childForFieldName('body') ?? null : null;
      }
      if (!body) return UNKNOWN_TYPE;
      const fields: { name: string; type: CType }[] = [];
      for (const fd of namedArgs(body)) {
        if (fd.type !== 'field_declaration') continue;
        const ft = fd.childForFieldName('type');
        for (const d of fd.childrenForFieldName('declarator')) {
          if (!d) continue;
          fields.push({ name: declaredName(d)?.text ?? '', type: this.typeOf(ft, d, depth + 1) });
        }
      }
      let size: number | null = 0;
      let align = 1;
      for (const f of fields) {
        const s = f.type.size;
        if (s === null || size === null) { size = null; break; }
        const a = f.type.kind === 'array' ? (f.type.elem.size ?? 1) : Math.min(s, 8);
        align = Math.max(align, a);
        if (t.type === 'union_specifier') size = Math.max(size, s);
        else size = Math.ceil(size / a) * a + s;
      }
      if (size !== null) size = Math.ceil(size / align) * align;
      return { kind: 'struct', fields, size };
    }
    if (t.type === 'enum_specifier') return intType(32, false);
    return UNKNOWN_TYPE;
  }

  /** The type a declarator gives to a base type (arrays, pointers). */
  typeOf(typeNode: Node | null, declarator: Node | null, depth = 0): CType {
    const base = this.typeOfSpecifier(typeNode, depth);
    const wrappers: Node[] = [];
    let d = declarator;
    for (let i = 0; d && i < 32; i++) {
      if (d.type === 'init_declarator' || d.type === 'parenthesized_declarator') { d = d.childForFieldName('declarator') ?? d.namedChild(0); continue; }
      if (d.type === 'array_declarator' || d.type === 'abstract_array_declarator' ||
          d.type === 'pointer_declarator' || d.type === 'abstract_pointer_declarator') {
        wrappers.push(d);
        d = d.childForFieldName('declarator');
        continue;
      }
      break;
    }
    // C declarators read inside-out: the innermost wrapper applies last.
    let t = base;
    for (let i = wrappers.length - 1; i >= 0; i--) {
      const w = wrappers[i]!;
      if (w.type.includes('pointer')) t = { kind: 'pointer', size: 8 };
      else {
        const nNode = w.childForFieldName('size');
        const n = nNode ? this.withMode(false, () => toNumber(this.ev.fold(nNode).value)) : null;
        t = { kind: 'array', elem: t, n, size: n !== null && t.size !== null ? n * t.size : null };
      }
    }
    return t;
  }

  typeOfVar(sym: VarSym): CType {
    return this.typeOf(sym.typeNode, sym.declarator);
  }

  sizeofNode(n: Node): number | null {
    const type = n.childForFieldName('type');
    if (type) return this.typeOf(type.childForFieldName('type'), type.childForFieldName('declarator')).size;
    let v = stripParens(n.childForFieldName('value'));
    if (!v) return null;
    if (v.type === 'identifier') {
      const sym = this.lookupVar(v.text, v, this.env.fn);
      if (sym) return this.typeOfVar(sym).size;
      const td = this.typedefs.get(v.text);
      if (td) return this.typeOf(td.type, td.declarator).size;
      const p = primitive(v.text);
      return p ? p.size : null;
    }
    if (v.type === 'pointer_expression' && v.child(0)?.type === '*') return null;
    if (v.type === 'subscript_expression') {
      v = stripParens(v.childForFieldName('argument'));
      if (v?.type === 'identifier') {
        const sym = this.lookupVar(v.text, v, this.env.fn);
        const t = sym ? this.typeOfVar(sym) : null;
        return t?.kind === 'array' ? t.elem.size : null;
      }
    }
    return null;
  }

  // --- evaluation hooks -----------------------------------------------------------------
  withMode<T>(intent: boolean, fn: () => T): T {
    const prev = this.intent;
    this.intent = intent;
    try {
      return fn();
    } finally {
      this.intent = prev;
    }
  }

  withEnv<T>(env: Env, fn: () => T): T {
    const prev = this.env;
    this.env = env;
    try {
      return fn();
    } finally {
      this.env = prev;
    }
  }

  private enums(): Map<string, Folded> {
    if (this.enumValues) return this.enumValues;
    const map = new Map<string, Folded>();
    this.enumValues = map;
    for (const list of this.enumNodes) {
      let next: bigint | null = 0n;
      for (const e of namedArgs(list)) {
        if (e.type !== 'enumerator') continue;
        const name = e.childForFieldName('name')?.text;
        const vn = e.childForFieldName('value');
        const v: bigint | null = vn ? this.withEnv({ bind: new Map(), fn: null }, () => this.ev.fold(vn).value) : next;
        if (name) map.set(name, { value: v, type: INT });
        next = v === null ? null : v + 1n;
      }
    }
    return map;
  }

  /** Parses a macro body as an expression (cached per macro). */
  macroExpr(m: Macro): Node | null {
    if (this.macroCache.has(m.name)) return this.macroCache.get(m.name)!;
    let node: Node | null = null;
    const body = m.body.replace(/\\\r?\n/g, ' ').trim();
    if (body && body.length < 4000) {
      const lang = this.input.tree.language;
      if (!snippetParser || snippetLanguage !== lang) {
        snippetParser?.delete();
        clearSnippets();
        snippetParser = new Parser();
        snippetParser.setLanguage(lang);
        snippetLanguage = lang;
      }
      // The same body (a macro copied into many files) is parsed once per process.
      const cached = snippetCache.get(body);
      if (cached !== undefined) node = cached.node;
      else {
        const tree = snippetParser.parse(`long __prl_macro = (${body}\n);`);
        if (tree) {
          const decl = tree.rootNode.namedChild(0);
          const init = decl?.type === 'declaration' ? decl.childForFieldName('declarator')?.childForFieldName('value') ?? null : null;
          node = init && !tree.rootNode.hasError ? init : null;
        }
        snippetCache.set(body, { tree: tree ?? null, node });
      }
    }
    this.macroCache.set(m.name, node);
    return node;
  }

  private expandMacro(m: Macro, args: Node[] | null): Folded {
    if (this.expanding.has(m.name)) return UNKNOWN; // recursion guard: self-referencing macro
    const expr = this.macroExpr(m);
    if (!expr) return UNKNOWN;
    const bind = new Map<string, Folded>();
    if (m.params) {
      if (!args || args.length !== m.params.filter((p) => p !== '...').length) return UNKNOWN;
      m.params.forEach((p, i) => { if (p !== '...') bind.set(p, this.ev.fold(args[i]!)); });
    }
    this.expanding.add(m.name);
    try {
      return this.withEnv({ bind, fn: null }, () => this.ev.nested(() => this.ev.fold(expr), UNKNOWN));
    } finally {
      this.expanding.delete(m.name);
    }
  }

  private identifier(n: Node): Folded | undefined {
    const name = n.text;
    const b = this.env.bind.get(name);
    if (b) return b;
    // Macro bodies live in their own snippet tree: only macros, enums, globals and builtins.
    const inMain = n.tree === this.input.tree;
    if (inMain) {
      const sym = this.lookupVar(name, n, this.env.fn);
      if (sym) {
        const t = this.typeOfVar(sym);
        const it = t.kind === 'int' ? t.int : null;
        const vn = this.valueNode(sym, n);
        if (!vn || sym.isParam) return { value: null, type: it };
        const fnOfSym = sym.isParam ? this.env.fn : this.functionAt(sym.declarator);
        const f = this.ev.nested(
          () => this.withEnv({ bind: fnOfSym === this.env.fn ? this.env.bind : new Map(), fn: fnOfSym }, () => this.ev.fold(vn)),
          UNKNOWN,
        );
        if (f.value === null || !it) return { value: f.value, type: it };
        return { value: wrap(f.value, it), type: it };
      }
    } else if (this.env.fn === null) {
      const g = this.globalScope().vars.get(name);
      if (g && g.length) {
        const sym = g[g.length - 1]!;
        const vn = this.valueNode(sym);
        const t = this.typeOfVar(sym);
        const it = t.kind === 'int' ? t.int : null;
        if (!vn) return { value: null, type: it };
        const f = this.ev.nested(() => this.withEnv({ bind: new Map(), fn: null }, () => this.ev.fold(vn)), UNKNOWN);
        return { value: f.value === null || !it ? f.value : wrap(f.value, it), type: it };
      }
    }
    const e = this.enums().get(name);
    if (e) return e;
    const m = this.macros.get(name);
    if (m && m.params === null) return this.expandMacro(m, null);
    if (name in BUILTIN && !this.macros.has(name)) return known(BUILTIN[name]!, INT);
    return undefined;
  }

  private call(n: Node): Folded | undefined {
    const fnNode = n.childForFieldName('function');
    const name = fnNode?.type === 'identifier' ? fnNode.text : '';
    const args = namedArgs(n.childForFieldName('arguments'));
    const little = this.input.hostByteOrder === 'little';
    if (BYTE_SWAP16.test(name) && args.length === 1) {
      const a = this.ev.fold(args[0]!);
      if (a.value === null) return { value: null, type: { bits: 16, unsigned: true } };
      if (this.intent || !little) { if (little) this.sawSwap = true; return known(BigInt.asUintN(16, a.value), { bits: 16, unsigned: true }); }
      this.sawSwap = true;
      return known(bswap16(a.value), { bits: 16, unsigned: true });
    }
    if (BYTE_SWAP32.test(name) && args.length === 1) {
      const a = this.ev.fold(args[0]!);
      if (a.value === null) return { value: null, type: UINT };
      if (this.intent || !little) { if (little) this.sawSwap = true; return known(BigInt.asUintN(32, a.value), UINT); }
      this.sawSwap = true;
      return known(bswap32(a.value), UINT);
    }
    const m = this.macros.get(name);
    if (m && m.params !== null) return this.expandMacro(m, args);
    const vf = name ? this.valueFunction(name) : null;
    if (vf && args.length === vf.info.params.length && !this.expanding.has(`${name}()`)) {
      // One level into a project function that returns one expression (pack_range(lo, hi)).
      const bind = new Map<string, Folded>();
      vf.info.params.forEach((p, i) => {
        const v = this.ev.fold(args[i]!);
        const t = this.typeOfVar(p);
        bind.set(p.name, t.kind === 'int' ? { value: v.value === null ? null : wrap(v.value, t.int), type: t.int } : v);
      });
      this.expanding.add(`${name}()`);
      try {
        const r = this.withEnv({ bind, fn: vf.info }, () => this.ev.nested(() => this.ev.fold(vf.expr), UNKNOWN));
        return vf.ret && r.value !== null ? { value: wrap(r.value, vf.ret), type: vf.ret } : r;
      } finally {
        this.expanding.delete(`${name}()`);
      }
    }
    return undefined;
  }

  private valueFunctions = new Map<string, { info: FunctionInfo; expr: Node; ret: IntType | null } | null>();

  /** A function defined in this file whose body has exactly one `return expr;`. */
  valueFunction(name: string): { info: FunctionInfo; expr: Node; ret: IntType | null } | null {
    if (this.valueFunctions.has(name)) return this.valueFunctions.get(name)!;
    let found: { info: FunctionInfo; expr: Node; ret: IntType | null } | null = null;
    const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\s*\\(`, 'g');
    const text = this.input.text;
    let m: RegExpExecArray | null;
    let guard = 0;
    while (!found && (m = re.exec(text)) && guard++ < 2000) {
      const id = this.root.descendantForIndex(m.index, m.index + name.length);
      if (id?.type !== 'identifier' || id.parent?.type !== 'function_declarator') continue;
      const fdecl = id.parent;
      const def = fdecl.parent;
      if (def?.type !== 'function_definition') continue; // pointer-returning functions are not followed
      const info = this.functionInfo(def);
      if (!info) continue;
      const returns: Node[] = [];
      this.walk(info.body, RETURN_TYPES, (n) => { returns.push(n); });
      const expr = returns.length === 1 ? returns[0]!.namedChildren.find((c) => c && c.type !== 'comment') ?? null : null;
      if (!expr) continue;
      const t = this.typeOfSpecifier(def.childForFieldName('type'));
      found = { info, expr, ret: t.kind === 'int' ? t.int : null };
    }
    this.valueFunctions.set(name, found);
    return found;
  }

  private other(n: Node): Folded | undefined {
    switch (n.type) {
      case 'cast_expression': {
        const td = n.childForFieldName('type');
        const t = td ? this.typeOf(td.childForFieldName('type'), td.childForFieldName('declarator')) : UNKNOWN_TYPE;
        const v = this.ev.fold(n.childForFieldName('value'));
        if (t.kind !== 'int') return t.kind === 'pointer' ? v : { value: null, type: null };
        return { value: v.value === null ? null : wrap(v.value, t.int), type: t.int };
      }
      case 'sizeof_expression': {
        const s = this.sizeofNode(n);
        return s === null ? undefined : known(s, { bits: 64, unsigned: true });
      }
      case 'compound_literal_expression': {
        const td = n.childForFieldName('type');
        const t = td ? this.typeOf(td.childForFieldName('type'), td.childForFieldName('declarator')) : UNKNOWN_TYPE;
        const items = namedArgs(n.childForFieldName('value'));
        if (t.kind !== 'int' || items.length !== 1) return undefined;
        const v = this.ev.fold(items[0]!);
        return { value: v.value === null ? null : wrap(v.value, t.int), type: t.int };
      }
      case 'char_literal': {
        const m = /^'(.)'$/.exec(n.text);
        return m ? known(m[1]!.charCodeAt(0), INT) : undefined;
      }
      case 'conditional_expression': {
        const c = this.ev.fold(n.childForFieldName('condition'));
        if (c.value === null) return undefined;
        return this.ev.fold(n.childForFieldName(c.value !== 0n ? 'consequence' : 'alternative'));
      }
      case 'comma_expression':
        return this.ev.fold(n.childForFieldName('right'));
      default:
        return undefined;
    }
  }

  fold(n: Node | null, env: Env, intent = false): Folded {
    return this.withEnv(env, () => this.withMode(intent, () => this.ev.fold(n)));
  }
}

// ---------------------------------------------------------------------------------------
// Value decoding
// ---------------------------------------------------------------------------------------
interface Halves {
  upper: Node;
  lower: Node;
  env: Env;
}

/** `(X << 16) | Y`, `Y | X << 16`, `(X << 16) + Y`, `X * 65536 + Y`, through variables, macros and htonl. */
function shiftOr(f: CFile, node: Node | null, env: Env, depth = 0): Halves | null {
  if (!node || depth > 24) return null;
  let n = stripParens(node);
  if (!n) return null;
  if (n.type === 'cast_expression') return shiftOr(f, n.childForFieldName('value'), env, depth + 1);
  if (n.type === 'identifier') {
    if (env.bind.has(n.text)) return null;
    if (n.tree !== f.input.tree) {
      const m = f.macros.get(n.text);
      if (m && m.params === null && !f.expanding.has(m.name)) return shiftOr(f, f.macroExpr(m), { bind: new Map(), fn: null }, depth + 1);
      return null;
    }
    const sym = f.lookupVar(n.text, n, env.fn);
    if (sym && !sym.isParam) {
      const vn = f.valueNode(sym, n);
      return vn ? shiftOr(f, vn, { bind: env.bind, fn: f.functionAt(sym.declarator) }, depth + 1) : null;
    }
    const m = f.macros.get(n.text);
    if (m && m.params === null) return shiftOr(f, f.macroExpr(m), { bind: new Map(), fn: null }, depth + 1);
    return null;
  }
  if (n.type === 'call_expression') {
    const name = n.childForFieldName('function')?.text ?? '';
    const args = namedArgs(n.childForFieldName('arguments'));
    if (BYTE_SWAP32.test(name) && args.length === 1) return shiftOr(f, args[0]!, env, depth + 1);
    const m = f.macros.get(name);
    if (m && m.params && args.length === m.params.length) {
      const bind = new Map<string, Folded>();
      m.params.forEach((p, i) => bind.set(p, f.fold(args[i]!, env, true)));
      // Keep the caller's own argument text for the name heuristics.
      const body = f.macroExpr(m);
      const h = shiftOr(f, body, { bind, fn: null }, depth + 1);
      if (h) {
        // Intended values come from the intent-mode bindings; remember the caller's names.
        (h as Halves & { argNames?: Map<string, string> }).argNames = new Map(m.params.map((p, i) => [p, args[i]!.text]));
      }
      return h;
    }
    const vf = name ? f.valueFunction(name) : null;
    if (vf && args.length === vf.info.params.length && !f.expanding.has(`${name}()`)) {
      const bind = new Map<string, Folded>();
      vf.info.params.forEach((p, i) => bind.set(p.name, f.fold(args[i]!, env, true)));
      f.expanding.add(`${name}()`);
      try {
        const h = shiftOr(f, vf.expr, { bind, fn: vf.info }, depth + 1);
        if (h) (h as Halves & { argNames?: Map<string, string> }).argNames = new Map(vf.info.params.map((p, i) => [p.name, args[i]!.text]));
        return h;
      } finally {
        f.expanding.delete(`${name}()`);
      }
    }
    return null;
  }
  if (n.type !== 'binary_expression') return null;
  const op = n.childForFieldName('operator')?.type;
  const l = n.childForFieldName('left');
  const r = n.childForFieldName('right');
  if (!l || !r) return null;
  if (op === '|' || op === '+' || op === '^') {
    const ls = isShift16(f, l, env);
    if (ls) return { upper: ls, lower: r, env };
    const rs = isShift16(f, r, env);
    if (rs) return { upper: rs, lower: l, env };
  }
  return null;
}

function isShift16(f: CFile, node: Node, env: Env): Node | null {
  let n = stripParens(node);
  for (let i = 0; n && n.type === 'cast_expression' && i < 8; i++) n = stripParens(n.childForFieldName('value'));
  if (!n || n.type !== 'binary_expression') return null;
  const op = n.childForFieldName('operator')?.type;
  const r = f.fold(n.childForFieldName('right'), env);
  if (op === '<<' && r.value === 16n) return n.childForFieldName('left');
  if (op === '*' && r.value === 65536n) return n.childForFieldName('left');
  return null;
}

function identifiersIn(n: Node, limit = 64): string[] {
  const out: string[] = [];
  const stack: Node[] = [n];
  while (stack.length && out.length < limit) {
    const c = stack.pop()!;
    if (c.type === 'identifier' || c.type === 'field_identifier') out.push(c.text);
    else for (let i = c.namedChildCount - 1; i >= 0; i--) { const ch = c.namedChild(i); if (ch) stack.push(ch); }
  }
  return out;
}

function nameSide(names: string[]): 'lo' | 'hi' | null {
  const filtered = names.filter((x) => !BYTE_SWAP16.test(x) && !BYTE_SWAP32.test(x) && !/^u?int\d+_t$/.test(x));
  const lo = filtered.some((x) => LO_NAME.test(x));
  const hi = filtered.some((x) => HI_NAME.test(x));
  if (lo && !hi) return 'lo';
  if (hi && !lo) return 'hi';
  return null;
}

interface Decoded {
  value: DecodedValue | null;
  signedShift?: Operand;
  valueOperand?: Operand;
}

function decodeValue(f: CFile, call: Node, valueArg: Node, optlenArg: Node | null, env: Env, op: 'set' | 'get'): Decoded {
  const span = spanOf(valueArg);
  let optlen: number | null = null;
  if (optlenArg) {
    if (op === 'set') optlen = toNumber(f.fold(optlenArg, env).value);
    else {
      const p = stripParens(optlenArg);
      if (p?.type === 'pointer_expression' && p.child(0)?.type === '&') optlen = toNumber(f.fold(p.childForFieldName('argument'), env).value);
    }
  }
  const unknownValue = (form: string): DecodedValue => ({
    lo: null, hi: null, packed: null, byteOrder: 'unknown', optlen, form, span,
  });
  if (op === 'get') return { value: { ...unknownValue('buffer'), byteOrder: 'host' } };

  const core = stripCasts(valueArg);
  let targetType: CType = UNKNOWN_TYPE;
  let sym: VarSym | null = null;
  let literal: Node | null = null;
  if (core?.type === 'pointer_expression' && core.child(0)?.type === '&') {
    const t = stripParens(core.childForFieldName('argument'));
    if (t?.type === 'identifier') {
      sym = f.lookupVar(t.text, t, env.fn);
      if (sym) targetType = f.typeOfVar(sym);
    } else if (t?.type === 'compound_literal_expression') {
      const td = t.childForFieldName('type');
      targetType = td ? f.typeOf(td.childForFieldName('type'), td.childForFieldName('declarator')) : UNKNOWN_TYPE;
      literal = t.childForFieldName('value');
    }
  } else if (core?.type === 'identifier') {
    sym = f.lookupVar(core.text, core, env.fn);
    const t = sym ? f.typeOfVar(sym) : UNKNOWN_TYPE;
    if (t.kind === 'array') targetType = t;
    else sym = null; // a pointer variable: what it points to is not followed
  }
  if (!sym && !literal) return { value: unknownValue('pointer') };
  const symEnv: Env = sym && !sym.isParam ? { bind: env.bind, fn: f.functionAt(sym.declarator) } : env;
  const little = f.input.hostByteOrder === 'little';

  // Two evaluations: as the kernel reads it, and as written (byte swaps as identity).
  const run = <T>(intent: boolean, fn: () => T): { r: T; swapped: boolean } => {
    f.sawSwap = false;
    const r = f.withEnv(symEnv, () => f.withMode(intent, fn));
    const swapped = f.sawSwap;
    f.sawSwap = false;
    return { r, swapped };
  };

  const wholeNode = literal ? (namedArgs(literal).length === 1 ? namedArgs(literal)[0]! : null) : sym ? f.valueNode(sym, valueArg) : null;
  const finishInt = (bytes: number, form: string): Decoded => {
    const shifts: { node: Node; left: Folded }[] = [];
    f.shiftSink = (node, left, right) => {
      if (left.type && !promote(left.type).unsigned && right.value !== null && right.value >= 16n) shifts.push({ node, left });
    };
    let kernel: { r: Folded; swapped: boolean };
    let written: { r: Folded; swapped: boolean };
    try {
      kernel = run(false, () => f.ev.fold(wholeNode));
    } finally {
      f.shiftSink = null;
    }
    written = run(true, () => f.ev.fold(wholeNode));
    const it: IntType = targetType.kind === 'int' ? targetType.int : UINT;
    const raw = kernel.r.value;
    let packed: number | null = null;
    if (raw !== null) {
      const v = wrap(raw, it);
      // The first 4 bytes of a wider integer: its low half on little-endian, high half on big-endian.
      const first4 = bytes > 4 ? (little ? BigInt.asUintN(32, v) : BigInt.asUintN(32, v >> BigInt((bytes - 4) * 8))) : BigInt.asUintN(32, v);
      packed = bytes < 4 ? Number(BigInt.asUintN(bytes * 8, v)) : Number(first4);
    }
    let intendedLo: number | null = null;
    let intendedHi: number | null = null;
    let lo = packed === null ? null : packed & 0xffff;
    let hi = packed === null ? null : packed >>> 16;
    const halves = shiftOr(f, wholeNode, symEnv);
    let names: { upper: 'lo' | 'hi' | null; lower: 'lo' | 'hi' | null } = { upper: null, lower: null };
    if (halves) {
      const u = f.fold(halves.upper, halves.env, true).value;
      const l = f.fold(halves.lower, halves.env, true).value;
      intendedHi = toNumber(u);
      intendedLo = toNumber(l);
      const argNames = (halves as Halves & { argNames?: Map<string, string> }).argNames;
      // A parameter passed a named value is judged by the caller's name; passed a literal, by its own.
      const nm = (n: Node) => identifiersIn(n).map((x) => {
        const a = argNames?.get(x);
        return a !== undefined && /[A-Za-z_]/.test(a) ? a : x;
      });
      names = { upper: nameSide(nm(halves.upper)), lower: nameSide(nm(halves.lower)) };
    } else if (written.r.value !== null) {
      const w = BigInt.asUintN(32, wrap(written.r.value, it));
      intendedLo = Number(w & 0xffffn);
      intendedHi = Number(w >> 16n);
    }
    if (written.r.value !== null && (written.r.value < 0n || written.r.value > 0xffffffffn) && intendedHi === null) {
      intendedHi = Number(written.r.value >> 16n);
    }
    let swappedByNames = names.upper === 'lo' || names.lower === 'hi';
    let form2 = halves ? 'shift-or' : form;
    if (halves && !swappedByNames && intendedLo !== null && intendedHi !== null && lo !== null && hi !== null &&
        lo !== 0 && hi !== 0 && lo > hi && !names.upper && !names.lower && !kernel.swapped) {
      // Constants packed the wrong way round: the smaller one went into the upper half.
      swappedByNames = true;
    }
    if (swappedByNames && intendedLo !== null && intendedHi !== null) {
      const t = intendedLo;
      intendedLo = intendedHi;
      intendedHi = t;
      form2 = 'shift-or-swapped';
    }
    const byteOrder = kernel.swapped && little ? 'network' : 'host';
    if (bytes === 2) { lo = packed; hi = 0; }
    const signed0 = shifts.find((s) => s.node.tree === f.input.tree) ?? shifts[0];
    // A shift inside another function (a value helper) is reported at this call's value.
    const elsewhere = signed0 && signed0.node.tree === f.input.tree && f.functionAt(signed0.node)?.node.id !== env.fn?.node.id &&
      f.functionAt(signed0.node)?.node.id !== symEnv.fn?.node.id;
    const signed = signed0 && elsewhere
      ? { node: valueArg, left: signed0.left, where: `${signed0.node.text} in ${f.functionAt(signed0.node)?.name ?? 'a helper'}()` }
      : signed0;
    return {
      value: { lo, hi, packed, byteOrder, optlen, intendedLo, intendedHi, form: form2, span },
      signedShift: signed
        ? 'where' in signed
          ? { text: signed.where, value: toNumber(signed.left.value), span }
          : operand(
            signed.node.tree === f.input.tree ? signed.node : valueArg,
            toNumber(signed.left.value),
            signed.node.tree === f.input.tree ? spanOf(signed.node) : span,
          )
        : undefined,
      valueOperand: operand(valueArg, packed),
    };
  };

  if (targetType.kind === 'int') return finishInt(targetType.size, 'int');
  if (targetType.kind === 'unknown' && wholeNode && !literal) return finishInt(4, 'int');

  // struct {u16 a, b} and u16[2] / u32[2]: halves in memory order.
  const parts: { name: string; node: Node | null; type: CType }[] = [];
  const init = literal ?? (sym ? sym.init : null);
  const items = init?.type === 'initializer_list' ? namedArgs(init) : [];
  if (targetType.kind === 'struct' && targetType.fields.length >= 1) {
    targetType.fields.forEach((fd, i) => {
      let node: Node | null = null;
      const des = items.find((it) => it.type === 'initializer_pair' && it.childForFieldName('designator')?.text.replace(/^\./, '') === fd.name);
      if (des) node = des.childForFieldName('value');
      else if (items.length && !items.some((it) => it.type === 'initializer_pair')) node = items[i] ?? null;
      const assigned = sym?.parts.get(fd.name);
      if (assigned && assigned.length === 1 && !node) node = assigned[0]!;
      else if (assigned && assigned.length) node = null;
      parts.push({ name: fd.name, node, type: fd.type });
    });
    // {0} / {} leave the other fields zero.
    if (items.length && !items.some((it) => it.type === 'initializer_pair')) {
      for (let i = items.length; i < parts.length; i++) if (!parts[i]!.node && !sym?.parts.get(parts[i]!.name)) parts[i]!.node = null;
    }
  } else if (targetType.kind === 'array') {
    const n = targetType.n ?? items.length;
    for (let i = 0; i < Math.min(n, 2); i++) {
      let node: Node | null = items[i] && items[i]!.type !== 'initializer_pair' ? items[i]! : null;
      const assigned = sym?.parts.get(`[${i}]`);
      if (assigned && assigned.length === 1 && !node) node = assigned[0]!;
      parts.push({ name: `[${i}]`, node, type: targetType.elem });
    }
  } else {
    return { value: unknownValue('unknown') };
  }
  const form = targetType.kind === 'struct' ? 'struct' : 'array';
  const elemSize = parts[0]?.type.size ?? null;
  const zeroFill = items.length > 0 || (literal !== null);
  const foldPart = (p: { node: Node | null; type: CType } | undefined, intent: boolean): { v: bigint | null; swapped: boolean } => {
    if (!p) return { v: null, swapped: false };
    if (!p.node) return { v: zeroFill ? 0n : null, swapped: false };
    const { r, swapped } = run(intent, () => f.ev.fold(p.node));
    return { v: r.value === null ? null : p.type.kind === 'int' ? wrap(r.value, p.type.int) : r.value, swapped };
  };
  if (elemSize === 2 && parts.length >= 2) {
    const a = foldPart(parts[0], false);
    const b = foldPart(parts[1], false);
    const aw = foldPart(parts[0], true);
    const bw = foldPart(parts[1], true);
    // Memory order: on little-endian the first u16 is the low half of the u32 the kernel reads.
    const [loP, hiP, loW, hiW, loName, hiName] = little
      ? [a.v, b.v, aw.v, bw.v, parts[0]!.name, parts[1]!.name]
      : [b.v, a.v, bw.v, aw.v, parts[1]!.name, parts[0]!.name];
    const lo = toNumber(loP);
    const hi = toNumber(hiP);
    const packed = lo !== null && hi !== null ? ((hi << 16) | lo) >>> 0 : null;
    let intendedLo = toNumber(loW);
    let intendedHi = toNumber(hiW);
    const swappedLayout = form === 'struct' && HI_NAME.test(loName) && LO_NAME.test(hiName) && !LO_NAME.test(loName);
    if (swappedLayout) { const t = intendedLo; intendedLo = intendedHi; intendedHi = t; }
    // Raw values before the u16 truncation, for half-overflow.
    const rawLo = f.fold(parts[little ? 0 : 1]!.node, symEnv, true).value;
    const rawHi = f.fold(parts[little ? 1 : 0]!.node, symEnv, true).value;
    if (rawLo !== null && (rawLo > 0xffffn || rawLo < 0n)) intendedLo = toNumber(rawLo);
    if (rawHi !== null && (rawHi > 0xffffn || rawHi < 0n)) intendedHi = toNumber(rawHi);
    const swapped = (a.swapped || b.swapped) && little;
    return {
      value: {
        lo, hi, packed, byteOrder: swapped ? 'network' : 'host', optlen, intendedLo, intendedHi,
        form: swappedLayout ? `${form}-swapped` : form, span,
      },
      valueOperand: operand(valueArg, packed),
    };
  }
  if (elemSize !== null && elemSize >= 4 && parts.length >= 1) {
    // u32[2] etc.: the kernel reads the first element's first 4 bytes.
    const a = foldPart(parts[0], false);
    const v = a.v === null ? null : Number(BigInt.asUintN(32, little ? a.v : a.v >> BigInt((elemSize - 4) * 8)));
    return {
      value: { lo: v === null ? null : v & 0xffff, hi: v === null ? null : v >>> 16, packed: v, byteOrder: a.swapped && little ? 'network' : 'host', optlen, form, span },
      valueOperand: operand(valueArg, v),
    };
  }
  return { value: unknownValue(form) };
}

// ---------------------------------------------------------------------------------------
// Socket context
// ---------------------------------------------------------------------------------------
function bindPort(f: CFile, addrArg: Node | null, env: Env): number | null {
  const core = stripCasts(addrArg);
  let t = core?.type === 'pointer_expression' && core.child(0)?.type === '&' ? stripParens(core.childForFieldName('argument')) : core;
  if (!t || t.type !== 'identifier') return null;
  const sym = f.lookupVar(t.text, t, env.fn);
  if (!sym) return null;
  const portFields = ['sin_port', 'sin6_port', 'port'];
  for (const pf of portFields) {
    const assigned = sym.parts.get(pf);
    if (assigned && assigned.length === 1) return toNumber(f.fold(assigned[0]!, env, true).value);
    if (assigned && assigned.length > 1) return null;
  }
  const items = sym.init?.type === 'initializer_list' ? namedArgs(sym.init) : null;
  if (items) {
    const pair = items.find((it) => it.type === 'initializer_pair' && /^\.?(sin_port|sin6_port)$/.test(it.childForFieldName('designator')?.text ?? ''));
    if (pair) return toNumber(f.fold(pair.childForFieldName('value'), env, true).value);
    if (items.every((it) => it.type === 'initializer_pair' || it.text === '0')) return 0;
    return null;
  }
  // memset(&sa, 0, ...) with no port assignment: port 0.
  if (!sym.init && f.functionAt(t)) {
    const fn = f.functionAt(t)!;
    if (new RegExp(`\\b(memset|bzero)\\s*\\(\\s*&?\\s*${sym.name}\\b`).test(fn.body.text)) return 0;
  }
  return null;
}

function socketContext(f: CFile, call: Node, fdArg: Node | null, env: Env): SocketContext {
  const ctx: SocketContext = { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] };
  const fn = env.fn;
  if (!fdArg || !fn) return ctx;
  const key = normKey(fdArg.text);
  f.ensureQueried(fn);
  const events: (SocketEvent & { at: number })[] = [];
  let sock: Node | null = null;
  for (const c of f.callsIn(fn, 'sockcall')) {
    const name = (c.childForFieldName('function')?.text ?? '').replace(/^zsock_/, '');
    const args = namedArgs(c.childForFieldName('arguments'));
    if (name === 'socket') {
      const p = c.parent;
      const target = p?.type === 'init_declarator' ? declaredName(p) : p?.type === 'assignment_expression' ? p.childForFieldName('left') : null;
      if (target && normKey(target.text) === key) {
        sock = c;
        events.push({ kind: 'socket', span: spanOf(c), at: c.startIndex });
      }
      continue;
    }
    if (!args[0] || normKey(args[0].text) !== key) continue;
    if (name === 'bind') events.push({ kind: 'bind', port: bindPort(f, args[1] ?? null, env), span: spanOf(c), at: c.startIndex });
    else if (name === 'connect') events.push({ kind: 'connect', span: spanOf(c), at: c.startIndex });
    else if (name === 'listen') events.push({ kind: 'listen', span: spanOf(c), at: c.startIndex });
    else if (name === 'sendto' || name === 'sendmsg') events.push({ kind: 'sendto', span: spanOf(c), at: c.startIndex });
  }
  for (const c of f.callsIn(fn, 'sockopt')) {
    const args = namedArgs(c.childForFieldName('arguments'));
    if (!args[0] || normKey(args[0].text) !== key || args.length < 3) continue;
    const name = c.childForFieldName('function')?.text ?? '';
    if (!/setsockopt$|set_sock_opt$/.test(name)) continue;
    const level = toNumber(f.fold(args[1]!, env).value);
    const opt = toNumber(f.fold(args[2]!, env).value);
    let option = args[2]!.text;
    if (level === 1 && opt === 2) { option = 'SO_REUSEADDR'; ctx.reuseAddr = true; }
    else if (level === 0 && opt === 24) { option = 'IP_BIND_ADDRESS_NO_PORT'; ctx.bindAddressNoPort = true; }
    else if (level === 1 && opt === 15) option = 'SO_REUSEPORT';
    else if (level === 0 && opt === 51) option = 'IP_LOCAL_PORT_RANGE';
    events.push({ kind: 'setsockopt', option, span: spanOf(c), at: c.startIndex });
  }
  if (sock) {
    const args = namedArgs(sock.childForFieldName('arguments'));
    const dom = toNumber(f.fold(args[0] ?? null, env).value);
    const type = toNumber(f.fold(args[1] ?? null, env).value);
    const proto = args[2] ? toNumber(f.fold(args[2], env).value) : 0;
    ctx.family = dom === 2 ? 4 : dom === 10 ? 6 : null;
    const base = type === null ? null : type & 0xf;
    if (proto === 262) ctx.proto = 'mptcp';
    else if (proto === 132) ctx.proto = 'sctp';
    else if (proto === 6 || (proto === 0 && base === 1)) ctx.proto = base === 1 || proto === 6 ? 'tcp' : 'unknown';
    else if (proto === 17 || proto === 136 || (proto === 0 && base === 2)) ctx.proto = 'udp';
  }
  events.sort((a, b) => a.at - b.at);
  ctx.events = events.map(({ at: _at, ...e }) => e);
  return ctx;
}

// ---------------------------------------------------------------------------------------
// Call sites
// ---------------------------------------------------------------------------------------
function isPortRangeOptname(f: CFile, optArg: Node, env: Env): { value: number | null; magic: boolean; named: boolean } | null {
  const text = optArg.text;
  const named = /\bIP_LOCAL_PORT_RANGE\b/.test(text);
  const v = toNumber(f.fold(optArg, env).value);
  const bare = stripParens(optArg);
  const inner = bare?.type === 'cast_expression' ? stripParens(bare.childForFieldName('value')) : bare;
  const magic = inner?.type === 'number_literal' && v === 51;
  if (named) return { value: v, magic: false, named };
  if (v !== 51) return null;
  if (magic) return { value: v, magic, named };
  // A project constant equal to 51: reported unless its name says it is another option.
  const ids = identifiersIn(optArg);
  if (ids.some((id) => OTHER_OPTION.test(id))) return null;
  return { value: v, magic: false, named };
}

function fallbackDefine(f: CFile): Operand | undefined {
  const m = f.macros.get('IP_LOCAL_PORT_RANGE');
  if (m && m.params === null) {
    const value = m.body.trim() === '' ? null : toNumber(f.withEnv({ bind: new Map(), fn: null }, () => {
      const e = f.macroExpr(m);
      return f.ev.fold(e).value;
    }));
    return { text: m.body.trim(), value, span: spanOf(m.node) };
  }
  const g = f.globalScope().vars.get('IP_LOCAL_PORT_RANGE');
  if (g && g.length) {
    const sym = g[g.length - 1]!;
    const vn = f.valueNode(sym);
    if (vn) return { text: vn.text, value: toNumber(f.fold(vn, { bind: new Map(), fn: null }).value), span: spanOf(sym.declarator) };
  }
  return undefined;
}

function buildCallSite(
  f: CFile, call: Node, env: Env, at: { span: Span; callee: string; fdArg: Node | null; socketEnv: Env } | null,
): RawCallSite | null {
  const callee = call.childForFieldName('function')?.text ?? '';
  const args = namedArgs(call.childForFieldName('arguments'));
  if (args.length !== 5) return null; // not the (fd, level, optname, optval, optlen) shape
  const op: 'set' | 'get' = /get_?sock_?opt$/i.test(callee) ? 'get' : 'set';
  const opt = isPortRangeOptname(f, args[2]!, env);
  if (!opt) return null;
  const levelValue = toNumber(f.fold(args[1]!, env).value);
  const facts: SyntacticFacts = {};
  if (opt.magic) facts.magicNumber = operand(args[2]!, 51);
  if (opt.named) {
    const fb = fallbackDefine(f);
    if (fb) facts.fallbackDefine = fb;
  }
  const decoded = decodeValue(f, call, args[3]!, args[4] ?? null, env, op);
  if (decoded.signedShift) facts.signedShift = decoded.signedShift;
  if (decoded.valueOperand) facts.valueExpr = decoded.valueOperand;
  else facts.valueExpr = operand(args[3]!, null);
  if (args[4]) facts.optlenExpr = operand(args[4], decoded.value?.optlen ?? null);
  const sockEnv = at?.socketEnv ?? env;
  const socket = socketContext(f, call, at?.fdArg ?? args[0]!, sockEnv);
  const site: RawCallSite = {
    file: f.input.file,
    language: f.input.language,
    op,
    span: at?.span ?? spanOf(call),
    callee: at?.callee ?? callee,
    level: operand(args[1]!, levelValue),
    optname: operand(args[2]!, opt.value),
    value: decoded.value,
    socket,
    facts,
  };
  return site;
}

/** Does the call's value (or level/optname/optlen) depend on the enclosing function's parameters? */
function dependsOnParams(f: CFile, fn: FunctionInfo, call: Node): boolean {
  const names = new Set(fn.params.map((p) => p.name));
  const args = namedArgs(call.childForFieldName('arguments'));
  const seen = new Set<number>();
  const stack: Node[] = args.slice(1);
  let steps = 0;
  while (stack.length && steps++ < 5000) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    if (n.type === 'identifier') {
      if (names.has(n.text)) {
        const sym = f.lookupVar(n.text, n, fn);
        if (sym?.isParam) return true;
      }
      const sym = f.lookupVar(n.text, n, fn);
      const vn = sym && !sym.isParam ? f.valueNode(sym, n) : null;
      if (vn) stack.push(vn);
      if (sym) for (const list of sym.parts.values()) for (const p of list) stack.push(p);
      continue;
    }
    for (let i = 0; i < n.namedChildCount; i++) { const c = n.namedChild(i); if (c) stack.push(c); }
  }
  return false;
}

/** Calls of `name(` in the file whose callee node is an identifier of a call_expression. */
function callsOf(f: CFile, name: string): Node[] {
  const out: Node[] = [];
  const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\s*\\(`, 'g');
  const text = f.input.text;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 10_000) {
    const id = f.root.descendantForIndex(m.index, m.index + name.length);
    if (id?.type !== 'identifier' || id.text !== name) continue;
    const call = id.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === id.id) out.push(call);
  }
  return out;
}

export function findCCallSites(input: AdapterInput): RawCallSite[] {
  const f = new CFile(input);
  try {
    const sites: RawCallSite[] = [];
    for (const call of [...f.sockoptCalls]) {
      try {
        const fn = f.functionAt(call);
        const env: Env = { bind: new Map(), fn };
        const site = buildCallSite(f, call, env, null);
        if (!site) continue;
        sites.push(site);
        // A helper that forwards its parameters into the option: instantiate it at each call.
        if (fn && fn.name && fn.params.length && dependsOnParams(f, fn, call)) {
          const args = namedArgs(call.childForFieldName('arguments'));
          const fdParam = fn.params.find((p) => p.name === normKey(args[0]?.text ?? ''));
          for (const hc of callsOf(f, fn.name)) {
            if (hc.startIndex >= fn.node.startIndex && hc.endIndex <= fn.node.endIndex) continue; // recursion
            const hargs = namedArgs(hc.childForFieldName('arguments'));
            if (hargs.length !== fn.params.length) continue;
            const callerFn = f.functionAt(hc);
            const callerEnv: Env = { bind: new Map(), fn: callerFn };
            const bind = new Map<string, Folded>();
            fn.params.forEach((p, i) => {
              const v = f.fold(hargs[i]!, callerEnv);
              const t = f.typeOfVar(p);
              const it = t.kind === 'int' ? t.int : null;
              bind.set(p.name, { value: v.value === null || !it ? v.value : wrap(v.value, it), type: it ?? v.type });
            });
            const inst = buildCallSite(f, call, { bind, fn }, {
              span: spanOf(hc),
              callee: fn.name,
              fdArg: fdParam ? hargs[fdParam.paramIndex] ?? null : null,
              socketEnv: callerEnv,
            });
            if (!inst) continue;
            // Syntax-only facts are reported once, at the helper's own setsockopt.
            delete inst.facts.magicNumber;
            delete inst.facts.fallbackDefine;
            inst.via = { helper: fn.name, span: spanOf(call) };
            inst.level = { ...inst.level, span: spanOf(hc) };
            inst.optname = { ...inst.optname, span: spanOf(hc) };
            if (inst.value) inst.value = { ...inst.value, span: spanOf(hc) };
            sites.push(inst);
          }
        }
      } catch (e) {
        // One malformed call never hides the others (PRL_STRICT=1 surfaces it, for tests).
        if (process.env.PRL_STRICT === '1') throw e;
      }
    }
    sites.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
    return sites;
  } finally {
    f.dispose();
  }
}

export const cAdapter: LanguageAdapter = {
  language: 'c',
  queryFile: 'c.scm',
  findCallSites: findCCallSites,
};
