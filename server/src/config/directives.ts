/**
 * File directives: a comment `port-range-lens: kernel 6.1`, `port-range-lens: netns-range 40000-49999`
 * or `port-range-lens: reserved 40000-40009` makes the file judged against that target (the file
 * documents which kernel or namespace it is written for). Values are checked by the same
 * parsers as the settings (resolve.ts); a bad one is a problem of the file, not applied.
 */
import type { Config } from './schema';

export type DirectiveKey = 'kernel' | 'netnsRange' | 'reservedPorts';

export interface Directive {
  key: DirectiveKey;
  value: string;
  /** 0-based line of the comment. */
  line: number;
}

const WORD: Record<string, DirectiveKey> = { kernel: 'kernel', 'netns-range': 'netnsRange', reserved: 'reservedPorts' };

export function parseDirectives(text: string): Directive[] {
  if (!text.includes('port-range-lens:')) return [];
  const out: Directive[] = [];
  const re = /port-range-lens:\s*(kernel|netns-range|reserved)\s+([^\s*]+)/g;
  let m: RegExpExecArray | null;
  let line = 0;
  let counted = 0;
  // No cap: one forward pass over the text, so many directives cost linear time and none is silently dropped.
  while ((m = re.exec(text))) {
    // Lines counted forward once (a backward lastIndexOf walk never ends at offset 0).
    for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) {
      line++;
      counted = i + 1;
    }
    out.push({ key: WORD[m[1]!]!, value: m[2]!, line });
  }
  return out;
}

/** The directives as Config fields (a later directive of the same key wins). */
export function fileDirectives(text: string): Partial<Config> | null {
  const ds = parseDirectives(text);
  if (!ds.length) return null;
  const out: Partial<Config> = {};
  for (const d of ds) (out as Record<string, string>)[d.key] = d.value;
  return out;
}
