/**
 * `#[cfg(...)]` read for the one target the option exists on: Linux. Real code defines the
 * same helper several times, one per platform (cloudflare/pingora's ext.rs has a Linux
 * `ip_local_port_range` next to no-op ones under `#[cfg(all(unix, not(target_os = "linux")))]`
 * and `#[cfg(windows)]`); only the Linux one can carry a value to the kernel. A predicate is
 * true, false or unknown (null) on Linux: `feature = ".."`, `test`, `target_arch`, Android
 * and anything not listed here stay unknown, and an unknown item is kept as before.
 */
import type { Node } from 'web-tree-sitter';

/** target_os values that are not Linux (Android runs a Linux kernel: unknown, not false). */
const OTHER_OS = new Set(['windows', 'macos', 'ios', 'tvos', 'watchos', 'visionos', 'freebsd', 'netbsd', 'openbsd', 'dragonfly', 'solaris', 'illumos', 'haiku', 'wasi', 'fuchsia', 'redox', 'vxworks', 'hermit', 'horizon', 'espidf', 'aix', 'nto', 'hurd', 'emscripten', 'uefi', 'none']);

type Tok = { kind: 'id' | 'str' | 'punct' | 'tree'; text: string; node: Node };

function tokens(tree: Node): Tok[] {
  const out: Tok[] = [];
  for (const c of tree.children) {
    if (!c || c.text === '(' || c.text === ')') continue;
    if (c.type === 'token_tree') out.push({ kind: 'tree', text: c.text, node: c });
    else if (c.type === 'string_literal') out.push({ kind: 'str', text: c.text.replace(/^"|"$/g, ''), node: c });
    else if (c.type === 'identifier') out.push({ kind: 'id', text: c.text, node: c });
    else out.push({ kind: 'punct', text: c.text, node: c });
  }
  return out;
}

/** The predicates of a token tree, split at top-level commas. */
function predicates(tree: Node): Tok[][] {
  const out: Tok[][] = [[]];
  for (const t of tokens(tree)) {
    if (t.kind === 'punct' && t.text === ',') out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((p) => p.length > 0);
}

/** One predicate on Linux: true, false, or null (not known here). */
function onLinux(p: Tok[], depth: number): boolean | null {
  if (depth > 16) return null;
  const [a, b, c] = p;
  if (!a || a.kind !== 'id') return null;
  if (p.length === 1) return a.text === 'unix' ? true : a.text === 'windows' ? false : null;
  if (p.length === 3 && b?.kind === 'punct' && b.text === '=' && c?.kind === 'str') {
    if (a.text === 'target_os') return c.text === 'linux' ? true : OTHER_OS.has(c.text) ? false : null;
    if (a.text === 'target_family') return c.text === 'unix' ? true : c.text === 'windows' || c.text === 'wasm' ? false : null;
    return null;
  }
  if (p.length === 2 && b?.kind === 'tree') {
    const args = predicates(b.node).map((q) => onLinux(q, depth + 1));
    if (a.text === 'not') return args.length === 1 && args[0] !== null ? !args[0] : null;
    if (a.text === 'all') return args.includes(false) ? false : args.every((x) => x === true) ? true : null;
    if (a.text === 'any') return args.includes(true) ? true : args.length > 0 && args.every((x) => x === false) ? false : null;
  }
  return null;
}

/** The `#[cfg(..)]` attributes just before an item (doc comments and other attributes between). */
function cfgsBefore(n: Node): Node[] {
  const out: Node[] = [];
  for (let p = n.previousNamedSibling; p && (p.type === 'attribute_item' || p.type === 'line_comment' || p.type === 'block_comment'); p = p.previousNamedSibling) {
    const attr = p.type === 'attribute_item' ? p.namedChildren.find((c) => c?.type === 'attribute') : null;
    const tree = attr?.namedChildren.find((c) => c?.type === 'token_tree');
    if (attr && tree && attr.namedChildren[0]?.text === 'cfg') out.push(tree);
  }
  return out;
}

/**
 * Whether the item is compiled out on Linux: a `#[cfg]` on it, or on an enclosing `mod`,
 * `impl` or function, that is false there. Unknown predicates keep the item.
 */
export function offLinux(n: Node): boolean {
  for (let cur: Node | null = n; cur; cur = cur.parent) {
    if (cur !== n && !/^(mod_item|impl_item|function_item|trait_item)$/.test(cur.type)) continue;
    for (const tree of cfgsBefore(cur)) {
      const ps = predicates(tree);
      if (ps.length === 1 && onLinux(ps[0]!, 0) === false) return true;
    }
  }
  return false;
}
