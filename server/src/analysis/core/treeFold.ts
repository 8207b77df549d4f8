/**
 * Constant folding over tree-sitter expression nodes (the C adapter's folder until C lowers
 * into the common form). An unknown operand makes the result unknown (value null): never
 * guess. A language plugs in symbol lookup, calls, casts and other node kinds through
 * EvalHooks. Recursion depth and total work are bounded, so a 100,000-deep expression or a
 * self-referencing macro ends with "unknown", not a crash.
 */
import type { Node } from 'web-tree-sitter';
import { binaryOp, parseIntLiteral, toNumber, unaryOp, UNKNOWN, type EvalLanguage, type Folded } from './numeric';

export interface EvalHooks {
  language: EvalLanguage;
  /** Resolve a name (scoped symbol table); undefined = unknown. */
  identifier?(node: Node, ev: Evaluator): Folded | undefined;
  /** Fold a call (htons, sizeof-like helpers, conversions); undefined = unknown. */
  call?(node: Node, ev: Evaluator): Folded | undefined;
  /** Any other node kind the language folds itself (C casts/sizeof, Go selectors). */
  other?(node: Node, ev: Evaluator): Folded | undefined;
  /** Observes every left shift (C signed-shift detection). */
  onShift?(node: Node, left: Folded, right: Folded): void;
}

export interface EvaluatorLimits {
  /** Maximum nesting of fold() calls (default 200). */
  maxDepth?: number;
  /** Maximum number of fold() calls over the evaluator's life (default 200,000). */
  maxSteps?: number;
}

const BINARY: Partial<Record<EvalLanguage, Set<string>>> = {
  c: new Set(['binary_expression']),
  python: new Set(['binary_operator']),
  go: new Set(['binary_expression']),
};
const UNARY: Partial<Record<EvalLanguage, Set<string>>> = {
  c: new Set(['unary_expression']),
  python: new Set(['unary_operator', 'not_operator']),
  go: new Set(['unary_expression']),
};
const LITERAL: Partial<Record<EvalLanguage, Set<string>>> = {
  c: new Set(['number_literal']),
  python: new Set(['integer']),
  go: new Set(['int_literal']),
};

export class Evaluator {
  readonly language: EvalLanguage;
  private depth = 0;
  private steps = 0;
  private readonly maxDepth: number;
  private readonly maxSteps: number;
  /** Set once a limit was hit: every later result is unknown. */
  exhausted = false;

  constructor(readonly hooks: EvalHooks, limits: EvaluatorLimits = {}) {
    this.language = hooks.language;
    this.maxDepth = limits.maxDepth ?? 200;
    this.maxSteps = limits.maxSteps ?? 200_000;
  }

  /** A fresh step budget (one per call site: a file's later call sites never inherit a spent one). */
  resetBudget(): void {
    this.steps = 0;
    this.exhausted = false;
  }

  /** Runs fn one nesting level deeper (for hooks that recurse through symbols/macros). */
  nested<T>(fn: () => T, fallback: T): T {
    if (this.depth >= this.maxDepth || this.steps >= this.maxSteps) {
      this.exhausted = true;
      return fallback;
    }
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  fold(node: Node | null | undefined): Folded {
    if (!node) return UNKNOWN;
    if (++this.steps > this.maxSteps || this.depth >= this.maxDepth) {
      this.exhausted = true;
      return UNKNOWN;
    }
    this.depth++;
    try {
      return this.foldInner(node);
    } finally {
      this.depth--;
    }
  }

  /** The folded value as a JS number, null when unknown. */
  number(node: Node | null | undefined): number | null {
    return toNumber(this.fold(node).value);
  }

  private foldInner(node: Node): Folded {
    const lang = this.language;
    const t = node.type;
    if (LITERAL[lang]?.has(t)) return parseIntLiteral(node.text, lang) ?? UNKNOWN;
    if (t === 'parenthesized_expression') {
      const inner = node.namedChildren.filter((c) => c && c.type !== 'comment');
      return inner.length === 1 ? this.fold(inner[0]) : UNKNOWN;
    }
    if (BINARY[lang]?.has(t)) {
      const op = node.childForFieldName('operator')?.type ?? '';
      const left = this.fold(node.childForFieldName('left'));
      const right = this.fold(node.childForFieldName('right'));
      if (op === '<<' && this.hooks.onShift) this.hooks.onShift(node, left, right);
      return binaryOp(op, left, right, lang);
    }
    if (UNARY[lang]?.has(t)) {
      const opNode = node.childForFieldName('operator') ?? node.child(0);
      const arg = node.childForFieldName('argument') ?? node.childForFieldName('operand') ?? node.namedChild(node.namedChildCount - 1);
      return unaryOp(opNode?.type ?? '', this.fold(arg), lang);
    }
    if (t === 'identifier' && this.hooks.identifier) return this.hooks.identifier(node, this) ?? UNKNOWN;
    if (t === 'call_expression' || t === 'call') {
      if (this.hooks.call) return this.hooks.call(node, this) ?? UNKNOWN;
      return UNKNOWN;
    }
    if (this.hooks.other) return this.hooks.other(node, this) ?? UNKNOWN;
    return UNKNOWN;
  }
}

