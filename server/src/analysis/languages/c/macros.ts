/**
 * C macros in the common form: `#define NAME body` is a constant bound to its body (parsed as
 * an expression, lowered by the C-family rules), `#define F(a, b) body` a function whose one
 * return is the body. Bodies are parsed and lowered only when a value needs them (a header
 * defines thousands), each distinct body text parsed once per process. A macro that refers
 * to itself (`#define SELF (SELF + 1)`) is cut by the evaluator's cycle guard: unknown.
 */
import { Parser, type Node, type Tree, type Language as TSLanguage } from 'web-tree-sitter';
import { originOf } from '../../core/build';
import type { Binding, Expr, FormFunction, FormScope, Origin } from '../../core/form';
import { lowerExpr, type CppCx } from '../cfamily/expr';
import { newScope } from '../../core/build';

/** Parsed macro bodies by text, shared by every file of the same grammar. */
const snippetCache = new Map<string, { tree: Tree | null; node: Node | null }>();
const snippets = { parser: null as Parser | null, language: null as TSLanguage | null };
const SNIPPET_CACHE_MAX = 512;

function clearSnippets(): void {
  for (const e of snippetCache.values()) e.tree?.delete();
  snippetCache.clear();
}

/** The body parsed as an expression (null when it is not one: a statement, a type, empty). */
function parseBody(body: string, lang: TSLanguage): Node | null {
  const text = body.replace(/\\\r?\n/g, ' ').trim();
  if (!text || text.length >= 4000) return null;
  if (!snippets.parser || snippets.language !== lang) {
    snippets.parser?.delete();
    clearSnippets();
    snippets.parser = new Parser();
    snippets.parser.setLanguage(lang);
    snippets.language = lang;
  }
  const cached = snippetCache.get(text);
  if (cached) return cached.node;
  if (snippetCache.size >= SNIPPET_CACHE_MAX) clearSnippets();
  const tree = snippets.parser.parse(`long __prl_macro = (${text}\n);`);
  let node: Node | null = null;
  if (tree) {
    const decl = tree.rootNode.namedChild(0);
    const init = decl?.type === 'declaration' ? decl.childForFieldName('declarator')?.childForFieldName('value') ?? null : null;
    node = init && !tree.rootNode.hasError ? init : null;
  }
  snippetCache.set(text, { tree: tree ?? null, node });
  return node;
}

/** The expression with every origin moved onto the macro's definition (spans, offsets). */
function relocate<T>(x: T, base: Origin): T {
  if (Array.isArray(x)) return x.map((y) => relocate(y, base)) as T;
  if (!x || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    out[k] = k === 'at' && v && typeof v === 'object' && 'span' in v ? { ...base, text: (v as Origin).text } : relocate(v, base);
  }
  return out as T;
}

function lowered(n: Node, lang: TSLanguage, cx: CppCx): Expr | null {
  const value = n.childForFieldName('value');
  if (!value) return null;
  const body = parseBody(value.text, lang);
  return body ? relocate(lowerExpr(body, { ...cx, steps: 20_000 }), originOf(value)) : null;
}

/** Binds one #define (object-like: globals; function-like: a function). False: not a macro. */
export function lowerMacro(n: Node, globals: FormScope, functions: FormFunction[], cx: CppCx): boolean {
  const name = n.childForFieldName('name')?.text;
  if (!name) return true;
  const lang = n.tree.language;
  const at = originOf(n);
  let cache: Expr[] | null = null;
  const values = () => (cache ??= ((e) => (e ? [e] : []))(lowered(n, lang, cx)));
  if (n.type === 'preproc_def') {
    const b = { name, kind: 'const', type: null, at } as Binding;
    Object.defineProperty(b, 'values', { get: values, enumerable: true });
    const list = globals.bindings.get(name);
    if (list) list.push(b);
    else globals.bindings.set(name, [b]);
    return true;
  }
  const params = (n.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => p !== null && p.type === 'identifier');
  if (/\.\.\./.test(n.childForFieldName('parameters')?.text ?? '')) return true; // variadic: not followed
  const fn = { name, params: params.map((p) => ({ name: p.text, type: null })), result: null, scope: newScope(globals, at), at } as unknown as FormFunction;
  Object.defineProperty(fn, 'returns', { get: values, enumerable: true });
  functions.push(fn);
  return true;
}
