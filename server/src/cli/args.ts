/**
 * A small strict flag parser shared by the CLI commands: `--flag value`, `--flag=value`,
 * boolean `--flag`; unknown flags, missing values and repeated single flags are errors.
 */

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface FlagSpec {
  /** Flag name without dashes, e.g. "range". */
  name: string;
  /** 'boolean' flags take no value; 'string' flags take exactly one. */
  type: 'string' | 'boolean';
  /** Allowed values for string flags (checked case-sensitively). */
  choices?: readonly string[];
  /** May be given more than once (values are collected in order). */
  multiple?: boolean;
  /** One-letter alias, e.g. "h" for -h. */
  short?: string;
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[]>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], opts: { allowPositionals?: boolean } = {}): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown flag --${name}${suggest(name, specs)}`);
    } else if (a.startsWith('-') && a.length === 2) {
      spec = byShort.get(a[1]);
      if (!spec) throw new UsageError(`unknown flag ${a}`);
    } else {
      if (!opts.allowPositionals) throw new UsageError(`unexpected argument ${JSON.stringify(a)}`);
      positionals.push(a);
      continue;
    }
    let value: string | boolean;
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
      value = true;
    } else {
      if (inline !== undefined) value = inline;
      else {
        if (i + 1 >= argv.length) throw new UsageError(`--${spec.name} needs a value`);
        value = argv[++i];
      }
      if (value === '') throw new UsageError(`--${spec.name} needs a non-empty value`);
      if (spec.choices && !spec.choices.includes(value)) {
        throw new UsageError(`--${spec.name} must be one of ${spec.choices.join(', ')} (got ${JSON.stringify(value)})`);
      }
    }
    if (spec.multiple) {
      const prev = flags[spec.name];
      flags[spec.name] = [...(Array.isArray(prev) ? prev : []), String(value)];
    } else {
      if (spec.name in flags) throw new UsageError(`--${spec.name} given more than once`);
      flags[spec.name] = value;
    }
  }
  return { flags, positionals };
}

function suggest(name: string, specs: readonly FlagSpec[]): string {
  let best = '';
  let bestD = 3;
  for (const s of specs) {
    const d = distance(name, s.name);
    if (d < bestD) {
      bestD = d;
      best = s.name;
    }
  }
  return best ? ` (did you mean --${best}?)` : '';
}

function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const row = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[n];
}

/** Typed accessors over ParsedArgs. */
export function str(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[v.length - 1] : undefined;
}
export function bool(p: ParsedArgs, name: string): boolean {
  return p.flags[name] === true;
}
export function list(p: ParsedArgs, name: string): string[] {
  const v = p.flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}
