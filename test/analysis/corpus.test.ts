// The corpus fixtures (test/fixtures/<lang>/ for every language folder, format in
// test/fixtures/README.md): every call site the analyzer reports has an `expect:` comment on its
// line (`//` or `#` comment), and every expectation holds (decoded lo/hi or unknown, optlen,
// diagnostic codes; `none` = a look-alike left unreported). The one runner for all languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createAnalyzer, languageForPath, type Analyzer } from '../../server/src/analysis/index';
import type { CallSite, Language } from '../../server/src/analysis/callSite';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';

const DIR = join(__dirname, '..', 'fixtures');
const LANGS = readdirSync(DIR).filter((l) => statSync(join(DIR, l)).isDirectory() && l !== 'sarif').sort();

interface Expect {
  line: number;
  none?: boolean;
  unknown?: boolean;
  lo?: number[];
  hi?: number[];
  optlen?: number;
  codes?: string[] | '*';
  /** Per table entry (DecodedValue.entry, by its name before " = "): the codes of that entry's site. */
  entries?: Map<string, string[]>;
  /** Codes that must be reported with this severity (`warnings=`, `errors=`). */
  severities?: { severity: string; codes: string[] }[];
}

export function parseExpectations(text: string): Expect[] {
  const out: Expect[] = [];
  text.split('\n').forEach((l, line) => {
    const m = /(?:\/\/|#) expect: (.*)$/.exec(l);
    if (!m) return;
    const e: Expect = { line };
    const body = m[1]!.trim();
    if (body === 'none') return void out.push({ line, none: true });
    for (const tok of body.split(/\s+/)) {
      const [k, v] = tok.split('=') as [string, string | undefined];
      const nums = (s: string) => s.replace(/[{}]/g, '').split(',').map(Number);
      if (k === 'unknown') e.unknown = true;
      else if (k === 'lo') e.lo = nums(v!);
      else if (k === 'hi') e.hi = nums(v!);
      else if (k === 'optlen') e.optlen = Number(v);
      else if (k === 'codes') e.codes = v === '*' ? '*' : v === '-' ? [] : v!.split(',').sort();
      else if (k === 'entry') {
        const at = v!.lastIndexOf(':');
        (e.entries ??= new Map()).set(v!.slice(0, at), v!.slice(at + 1) === '-' ? [] : v!.slice(at + 1).split(',').sort());
      } else if (k === 'warnings' || k === 'errors') (e.severities ??= []).push({ severity: k.slice(0, -1), codes: v!.split(',') });
      else throw new Error(`line ${line + 1}: unknown expectation ${tok}`);
    }
    out.push(e);
  });
  return out;
}

/** Problems of one file's call sites against its expectations (empty = all hold). */
export function check(sites: CallSite[], expects: Expect[]): string[] {
  const problems: string[] = [];
  const byLine = new Map<number, CallSite[]>();
  for (const s of sites) byLine.set(s.span.line, [...(byLine.get(s.span.line) ?? []), s]);
  for (const [line, ss] of byLine) {
    if (!expects.some((e) => e.line === line && !e.none)) {
      problems.push(`line ${line + 1}: unexpected call site(s): ${ss.map((s) => `lo=${s.value?.lo} hi=${s.value?.hi} [${s.diagnostics.map((d) => d.code)}]`).join('; ')}`);
    }
  }
  for (const e of expects) {
    const ss = byLine.get(e.line) ?? [];
    const at = `line ${e.line + 1}`;
    if (e.none) {
      if (ss.length) problems.push(`${at}: a look-alike was reported (${ss.length} site(s))`);
      continue;
    }
    if (!ss.length) {
      problems.push(`${at}: no call site reported`);
      continue;
    }
    if (e.unknown && ss.some((s) => s.value && s.value.lo !== null && s.value.hi !== null)) problems.push(`${at}: expected unknown, got lo=${ss[0]!.value?.lo} hi=${ss[0]!.value?.hi}`);
    const los = [...new Set(ss.map((s) => s.value?.lo))].sort();
    const his = [...new Set(ss.map((s) => s.value?.hi))].sort();
    if (e.lo && JSON.stringify(los) !== JSON.stringify([...e.lo].sort())) problems.push(`${at}: lo ${JSON.stringify(los)} != ${JSON.stringify(e.lo)}`);
    if (e.hi && JSON.stringify(his) !== JSON.stringify([...e.hi].sort())) problems.push(`${at}: hi ${JSON.stringify(his)} != ${JSON.stringify(e.hi)}`);
    if (e.optlen !== undefined && ss.some((s) => s.value?.optlen !== e.optlen)) problems.push(`${at}: optlen ${ss.map((s) => s.value?.optlen)} != ${e.optlen}`);
    if (e.codes && e.codes !== '*') {
      const got = [...new Set(ss.flatMap((s) => s.diagnostics.map((d) => d.code)))].sort();
      if (JSON.stringify(got) !== JSON.stringify(e.codes)) problems.push(`${at}: codes [${got}] != [${e.codes}]`);
    }
    for (const [name, codes] of e.entries ?? []) {
      const site = ss.find((s) => (s.value?.entry?.label ?? '').split(' = ')[0] === name);
      if (!site) problems.push(`${at}: no site for entry ${name} (entries: ${ss.map((s) => s.value?.entry?.label ?? '-').join('; ')})`);
      else {
        const got = [...new Set(site.diagnostics.map((d) => d.code))].sort();
        if (JSON.stringify(got) !== JSON.stringify(codes)) problems.push(`${at}: entry ${name}: codes [${got}] != [${codes}]`);
        for (const d of site.diagnostics) if (!d.message.startsWith(`entry ${site.value!.entry!.label}: `)) problems.push(`${at}: entry ${name}: "${d.message}" does not name the entry`);
      }
    }
    for (const { severity, codes } of e.severities ?? []) {
      for (const code of codes) {
        const ds = ss.flatMap((s) => s.diagnostics).filter((d) => d.code === code);
        if (!ds.length || ds.some((d) => d.severity !== severity)) problems.push(`${at}: ${code} is not reported as ${severity} (${ds.map((d) => d.severity)})`);
      }
    }
  }
  return problems;
}

let analyzer: Promise<Analyzer> | null = null;
const getAnalyzer = () => (analyzer ??= createAnalyzer({ incremental: false }).then(async (a) => (await a.prepare(LANGS as Language[]), a)));

for (const lang of LANGS) {
  for (const f of readdirSync(join(DIR, lang)).sort()) {
    test(`corpus ${lang}/${f}: every expectation holds, nothing else is reported`, async () => {
      const path = join(DIR, lang, f);
      const text = readFileSync(path, 'utf8');
      const language = languageForPath(path);
      assert.ok(language, `${f}: a language for the extension`);
      const expects = parseExpectations(text);
      assert.ok(expects.length > 0, `${f} states expectations`);
      // The first comment names a public repository (owner/name), or says the form comes from the issue or is a look-alike.
      assert.match(text.split('\n').slice(0, 4).join('\n'), /\b[\w.-]+\/[\w.-]+\b|issue 10|look-alike/i, `${f} names where the shape comes from`);
      const r = (await getAnalyzer()).analyze(path, text, language, DEFAULT_CONFIG);
      assert.equal(r.error, undefined, r.error);
      assert.deepEqual(check(r.callSites, expects), []);
    });
  }
}

test('the expectation checker fails on a wrong value, a missing site and a reported look-alike', () => {
  const site = { span: { line: 0 }, value: { lo: 1, hi: 2, optlen: 4 }, diagnostics: [] } as unknown as CallSite;
  assert.deepEqual(check([site], [{ line: 0, lo: [1], hi: [2], optlen: 4, codes: [] }]), []);
  assert.equal(check([site], [{ line: 0, lo: [3], hi: [2] }]).length, 1);
  assert.equal(check([], [{ line: 0, lo: [1] }]).length, 1);
  assert.equal(check([site], [{ line: 0, none: true }]).length, 2);
  assert.equal(check([site], []).length, 1);
  const entry = (label: string, codes: string[]) => ({ span: { line: 0 }, value: { lo: 1, hi: 2, optlen: 4, entry: { label, index: 0, count: 2 } }, diagnostics: codes.map((code) => ({ code, severity: 'warning', message: `entry ${label}: x` })) }) as unknown as CallSite;
  const two = [entry('T[0] = {1, 2}', []), entry('T[1] = {2, 1}', ['empty-range'])];
  assert.deepEqual(check(two, parseExpectations('f(); // expect: entry=T[0]:- entry=T[1]:empty-range warnings=empty-range')), []);
  assert.equal(check(two, parseExpectations('f(); // expect: entry=T[1]:- errors=empty-range')).length, 2);
  assert.equal(check(two, parseExpectations('f(); // expect: entry=T[2]:-')).length, 1);
});
