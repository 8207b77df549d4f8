// Tests of the TextMate injection grammars in syntaxes/ (docs/grammar.md).
//
// The scope assertions live in test/syntaxes/cases/* (vscode-tmgrammar-test's
// `// SYNTAX TEST` format). They run against the real C, C++, Python, Go and Rust
// grammars that VS Code ships, taken from the tm-grammars package, and against
// the injection entries exactly as package.json contributes them. The files in
// test/syntaxes/negative/ and the mutated grammars below prove that the tool
// and the assertions can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as uapi from '../../engine/src/uapi';

const ROOT = resolve(__dirname, '..', '..');
const CASES = join(ROOT, 'test', 'syntaxes', 'cases');
const NEGATIVE = join(ROOT, 'test', 'syntaxes', 'negative');
const BASE_DIR = join(ROOT, 'node_modules', 'tm-grammars', 'grammars');
// cpp-macro is the grammar the C++ grammar embeds for macro bodies.
const BASE_GRAMMARS = ['c', 'cpp', 'cpp-macro', 'python', 'go', 'rust'].map((n) => join(BASE_DIR, `${n}.json`));
const TOOL = join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
const LANG_SCOPES = ['source.c', 'source.cpp', 'source.python', 'source.go', 'source.rust'];

interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
  language?: string;
}
interface RawGrammar {
  scopeName: string;
  injectionSelector?: string;
  patterns: unknown[];
  repository: Record<string, { match?: string; name?: string }>;
}

function missingPrerequisite(): string | undefined {
  if (!existsSync(TOOL)) return `vscode-tmgrammar-test is not installed (${TOOL} missing); run npm ci`;
  const absent = BASE_GRAMMARS.filter((g) => !existsSync(g));
  if (absent.length) return `base grammars from tm-grammars are not installed (${absent.join(', ')} missing); run npm ci`;
  return undefined;
}

interface ToolRun {
  status: number | null;
  output: string;
}

/** Runs vscode-tmgrammar-test in compact mode with the real base grammars. */
function runTool(files: string[], config = join(ROOT, 'package.json')): ToolRun {
  const args = [TOOL, '--compact', '--config', config];
  for (const g of BASE_GRAMMARS) args.push('--grammar', g);
  const r = spawnSync(process.execPath, [...args, ...files], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function contributions(): GrammarContribution[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes?: { grammars?: GrammarContribution[] };
  };
  return (pkg.contributes?.grammars ?? []).filter((g) => g.scopeName.includes('port-range-lens'));
}

function loadGrammar(c: GrammarContribution): RawGrammar {
  return JSON.parse(readFileSync(join(ROOT, c.path), 'utf8')) as RawGrammar;
}

/** The alternatives of every `\b(?:A|B)\b` match in a grammar's repository. */
function highlightedConstants(g: RawGrammar): string[] {
  const names: string[] = [];
  for (const rule of Object.values(g.repository)) {
    const m = /^\\b\(\?:([A-Z0-9_|]+)\)\\b$/.exec(rule.match ?? '');
    if (m) names.push(...m[1].split('|'));
  }
  return names;
}

test('package.json contributes both injection grammars to C, C++, Python, Go and Rust', () => {
  const cs = contributions();
  assert.deepEqual(cs.map((c) => c.scopeName).sort(), [
    'source.port-range-lens.injection',
    'source.port-range-lens.sysctl.injection',
  ]);
  for (const c of cs) {
    assert.ok(c.path.startsWith('./syntaxes/'), `${c.scopeName}: path ${c.path} must be under syntaxes/ (packaged in the .vsix)`);
    assert.ok(existsSync(join(ROOT, c.path)), `${c.path} exists`);
    assert.equal(c.language, undefined, 'an injection grammar must not claim a language');
    assert.deepEqual(c.injectTo, LANG_SCOPES);
    const g = loadGrammar(c);
    assert.equal(g.scopeName, c.scopeName, `${c.path}: scopeName matches package.json`);
    const selector = g.injectionSelector ?? '';
    for (const lang of LANG_SCOPES) {
      assert.ok(selector.split(',').some((part) => part.trim().startsWith(`L:${lang} `)), `${c.path}: selector covers ${lang}`);
    }
    for (const part of selector.split(',')) assert.match(part, /-comment\b/, `${c.path}: "${part.trim()}" keeps out of comments`);
  }
});

test('the constants grammar stays out of strings and highlights only constants the engine defines', () => {
  const c = contributions().find((x) => x.scopeName === 'source.port-range-lens.injection');
  assert.ok(c, 'constants grammar contributed');
  const g = loadGrammar(c);
  for (const part of (g.injectionSelector ?? '').split(',')) assert.match(part, /-string\b/);
  const names = highlightedConstants(g);
  assert.deepEqual(
    [...names].sort(),
    ['IPPROTO_IP', 'IP_BIND_ADDRESS_NO_PORT', 'IP_LOCAL_PORT_RANGE', 'IP_PROTOCOL', 'SOL_IP'],
  );
  const engine = uapi as unknown as Record<string, unknown>;
  for (const n of names) assert.equal(typeof engine[n], 'number', `engine/src/uapi.ts exports ${n}`);
});

test('the sysctl grammar names the per-netns sysctls of the spec (§3.1-3.5) and only them', () => {
  const c = contributions().find((x) => x.scopeName === 'source.port-range-lens.sysctl.injection');
  assert.ok(c, 'sysctl grammar contributed');
  const match = loadGrammar(c).repository['sysctl-names']?.match ?? '';
  const alternatives = /\(\?:(ip_[a-z_|]+)\)/.exec(match);
  assert.ok(alternatives, `alternation found in ${match}`);
  const names = alternatives[1].split('|');
  assert.deepEqual([...names].sort(), [
    'ip_autobind_reuse',
    'ip_local_port_range',
    'ip_local_reserved_ports',
    'ip_unprivileged_port_start',
    'tcp_tw_reuse',
    'tcp_tw_reuse_delay',
  ]);
});

for (const file of ['port-range.c', 'port-range.cpp', 'port-range.py', 'port-range.go', 'port-range.rs']) {
  test(`scope assertions in test/syntaxes/cases/${file} hold against the real base grammar`, (t) => {
    const why = missingPrerequisite();
    if (why) return t.skip(why);
    const path = join(CASES, file);
    const assertions = readFileSync(path, 'utf8').split('\n').filter((l) => /^(\/\/|#)\s*(\^|<~*-)/.test(l)).length;
    assert.ok(assertions >= 10, `${file} has ${assertions} assertion lines`);
    const r = runTool([path]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, new RegExp(`✓ .*${file.replace('.', '\\.')} run successfuly`));
    assert.doesNotMatch(r.output, /grammar not found for "source\.(c|cpp|python|go|rust)"/);
  });
}

test('a wrong expected scope makes vscode-tmgrammar-test fail, naming the line and the scope', (t) => {
  const why = missingPrerequisite();
  if (why) return t.skip(why);
  const cases: Array<[file: string, line: number, missing: string, actualHas: string]> = [
    // IP_LOCAL_PORT_RANGE is scoped as an option, so asserting the level scope fails.
    ['option-as-level.c', 3, 'support.constant.level.port-range-lens', 'support.constant.sockopt.port-range-lens'],
    // The near miss keeps the Python grammar's own scope.
    ['near-miss.py', 3, 'support.constant.sockopt.port-range-lens', 'constant.other.caps.python'],
    // A sysctl name in a comment stays a comment.
    ['sysctl-in-comment.go', 5, 'constant.other.sysctl.port-range-lens', 'comment.line.double-slash.go'],
  ];
  for (const [file, line, missing, actualHas] of cases) {
    const r = runTool([join(NEGATIVE, file)]);
    assert.notEqual(r.status, 0, `${file} must fail:\n${r.output}`);
    assert.notEqual(r.status, null, `${file}: the tool was killed:\n${r.output}`);
    const err = r.output.split('\n').find((l) => l.startsWith('ERROR ') && l.includes(`${file}:${line}:`));
    assert.ok(err, `${file}: an ERROR line for line ${line}:\n${r.output}`);
    assert.match(err, new RegExp(`Missing required scopes: \\[ ${missing.replace(/\./g, '\\.')} \\]`));
    assert.ok(err.includes(actualHas), `${file}: actual scopes include ${actualHas}: ${err}`);
  }
});

interface Mutation {
  what: string;
  mutate: (g: RawGrammar) => void;
  /** A source text that must appear on a failing line of the cases. */
  caught: RegExp;
}

const MUTATIONS: Mutation[] = [
  {
    what: 'constants without word boundaries',
    mutate: (g) => {
      for (const r of Object.values(g.repository)) if (r.match) r.match = r.match.replace(/\\b/g, '');
    },
    caught: /MY_IP_LOCAL_PORT_RANGE_X|IP_LOCAL_PORT_RANGE_MAX|IPPROTO_IPV6/,
  },
  {
    what: 'constants injected into comments and strings too',
    mutate: (g) => {
      g.injectionSelector = LANG_SCOPES.map((s) => `L:${s}`).join(', ');
    },
    caught: /comment|"IP_LOCAL_PORT_RANGE"/,
  },
  {
    what: 'sysctl names matched inside longer words',
    mutate: (g) => {
      for (const r of Object.values(g.repository)) {
        if (r.match) r.match = r.match.replace('(?:(?<![\\w])|(?<=\\\\[nrt]))', '').replace('(?![\\w])', '');
      }
    },
    caught: /my_ip_local_port_range|ip_local_port_range_old/,
  },
];

test('the case files catch broken grammars (mutation check)', (t) => {
  const why = missingPrerequisite();
  if (why) return t.skip(why);
  const files = ['port-range.c', 'port-range.cpp', 'port-range.py', 'port-range.go'].map((f) => join(CASES, f));
  const sources = new Map(files.map((f) => [f, readFileSync(f, 'utf8').split('\n')]));
  for (const m of MUTATIONS) {
    const dir = mkdtempSync(join(tmpdir(), 'prl-grammar-'));
    try {
      const grammars = contributions().map((c, i) => {
        const g = loadGrammar(c);
        m.mutate(g);
        const name = `g${i}.json`;
        writeFileSync(join(dir, name), JSON.stringify(g));
        // vscode-tmgrammar-test joins these paths to the config's folder.
        return { scopeName: c.scopeName, path: name, injectTo: c.injectTo };
      });
      const config = join(dir, 'package.json');
      writeFileSync(config, JSON.stringify({ contributes: { grammars } }));
      // The mutated grammars must really differ, or the check proves nothing.
      assert.ok(grammars.some((g, i) => readFileSync(join(dir, g.path), 'utf8') !== JSON.stringify(loadGrammar(contributions()[i]))), m.what);
      const r = runTool(files, config);
      assert.notEqual(r.status, 0, `${m.what}: the cases must fail\n${r.output}`);
      const failing = r.output
        .split('\n')
        .map((l) => /^ERROR (.+?):(\d+):/.exec(l))
        .filter((x): x is RegExpExecArray => x !== null)
        .map(([, file, line]) => {
          // The ERROR line number counts lines of the case file, 1-based after the header:
          // find the nearest source line above it (assertion lines are skipped).
          const lines = sources.get(resolve(ROOT, file)) ?? [];
          let i = Number(line);
          while (i > 0 && /^(\/\/|#)\s*(\^|<~*-)/.test(lines[i] ?? '')) i--;
          return lines[i] ?? '';
        });
      assert.ok(failing.some((src) => m.caught.test(src)), `${m.what}: expected a failure on a line matching ${m.caught}\n${r.output}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
