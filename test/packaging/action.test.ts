/**
 * The GitHub Action: action.yml validated against the action metadata schema (vendored from
 * SchemaStore, see github-action.schema.json), then its composite step run the way the runner
 * runs it: `${{ inputs.* }}` expanded from `with:` and the defaults into the step's INPUT_*
 * environment, the script written to a file and run with `bash --noprofile --norc -eo pipefail`,
 * GITHUB_WORKSPACE / GITHUB_ACTION_PATH / GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / RUNNER_TEMP set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { CLEAN_C, PKG, ROOT, tarball, tempDir } from './helpers';

interface Step { id?: string; run?: string; shell?: string; env?: Record<string, string> }
interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const schema = JSON.parse(readFileSync(join(__dirname, 'github-action.schema.json'), 'utf8'));

test('action.yml is valid action metadata (SchemaStore github-action schema), and the schema rejects broken ones', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  assert.ok(validate(action), JSON.stringify(validate.errors, null, 2));
  const broken = (f: (a: any) => void) => { const a = structuredClone(action); f(a); return validate(a); };
  assert.equal(broken((a) => { delete a.runs.steps[0].shell; }), false, 'a run step without shell');
  assert.equal(broken((a) => { a.outputs.sarif = { description: 'x' }; }), false, 'a composite output without value');
  assert.equal(broken((a) => { a.runs.using = 'node18'; }), false, 'an unknown runtime');
  assert.equal(broken((a) => { a.inputs.paths.required = 'yes'; }), false, 'required must be a boolean');
  assert.equal(broken((a) => { a.branding.icon = 'rocket'; }), false, 'not a Feather icon');
  assert.equal(broken((a) => { a.extra = 1; }), false, 'an unknown top-level key');
  // The inputs the issue asks for.
  for (const k of ['paths', 'netns-range', 'kernel', 'fail-on', 'sarif']) assert.ok(action.inputs[k], `input ${k}`);
});

/** `${{ inputs.x }}` / `${{ steps.check.outputs.x }}`: the only expressions action.yml may use. */
function expand(s: string, ctx: { inputs?: Record<string, string>; outputs?: Record<string, string> }): string {
  return s.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, path: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(path);
    if (m && ctx.inputs) return ctx.inputs[m[1]!] ?? action.inputs[m[1]!]?.default ?? '';
    m = /^steps\.check\.outputs\.([\w-]+)$/.exec(path);
    if (m && ctx.outputs) return ctx.outputs[m[1]!] ?? '';
    throw new Error(`expression the test runner does not model: ${path}`);
  });
}

interface Run { status: number | null; stdout: string; outputs: Record<string, string>; summary: string; workspace: string }

function runAction(workspace: string, withInputs: Record<string, string>, opts: { actionPath?: string; env?: Record<string, string> } = {}): Run {
  assert.equal(action.runs.using, 'composite');
  const dir = tempDir('prl-runner-');
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  let stdout = '';
  let status: number | null = 0;
  for (const step of action.runs.steps) {
    assert.equal(step.shell, 'bash');
    const script = join(dir, `${step.id}.sh`);
    writeFileSync(script, expand(step.run!, { inputs: withInputs }));
    const env: Record<string, string> = {
      PATH: process.env.PATH!, HOME: process.env.HOME ?? dir,
      GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_WORKSPACE: workspace, GITHUB_ACTION_PATH: opts.actionPath ?? ROOT,
      RUNNER_TEMP: join(dir, 'runner-temp'), ...files, ...opts.env,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(String(v), { inputs: withInputs });
    mkdirSync(env.RUNNER_TEMP!, { recursive: true });
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8' });
    stdout += r.stdout;
    status = r.status;
    if (status !== 0) break;
  }
  const stepOutputs = Object.fromEntries(readFileSync(files.GITHUB_OUTPUT, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, o]) => [k, expand(o.value, { outputs: stepOutputs })]));
  return { status, stdout, outputs, summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'), workspace };
}

function workspaceWithSources(): string {
  const ws = tempDir('prl-workspace-');
  mkdirSync(join(ws, 'src'));
  cpSync(join(ROOT, 'examples', 'c', 'egress.c'), join(ws, 'src', 'egress.c'));
  writeFileSync(join(ws, 'src', 'ok.c'), CLEAN_C);
  return ws;
}

function sarifOf(r: Run, rel = 'port-range-lens.sarif') {
  const file = join(r.workspace, rel);
  assert.ok(existsSync(file), `no SARIF at ${rel}`);
  const s = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(s.version, '2.1.0');
  return { file, sarif: s, results: s.runs[0].results as { ruleId: string; level: string; locations: any[] }[] };
}

test('the action with its defaults: SARIF in the workspace, annotations, outputs, summary, exit 1 on errors', { timeout: 60_000 }, () => {
  const r = runAction(workspaceWithSources(), {});
  assert.equal(r.status, 1, r.stdout);
  const { file, sarif, results } = sarifOf(r);
  const driver = sarif.runs[0].tool.driver;
  assert.equal(driver.name, 'port-range-lens');
  assert.equal(driver.version ?? driver.semanticVersion, PKG.version);
  assert.ok(driver.rules.every((rule: { helpUri: string }) => rule.helpUri.startsWith('https://github.com/port-range-lens/port-range-lens/')));
  assert.ok(results.length > 5);
  const files = new Set(results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri));
  assert.deepEqual([...files], ['src/egress.c'], 'the clean file has no result');
  assert.ok(results.some((x) => x.ruleId === 'bad-optlen' && x.level === 'error'));
  assert.match(r.stdout, /^::error file=src\/egress\.c,line=57,col=53,endLine=57,endColumn=\d+,title=bad-optlen::optlen is 2 bytes/m);
  assert.match(r.stdout, /^::warning file=src\/egress\.c,line=\d+,.*title=outside-netns-range::/m);
  assert.equal(r.outputs.sarif, file);
  assert.equal(Number(r.outputs.findings), results.length);
  assert.equal(Number(r.outputs.errors), results.filter((x) => x.level === 'error').length);
  assert.match(r.summary, /^### Port Range Lens/m);
  assert.match(r.summary, /\| `src\/egress\.c:57` \| error \| `bad-optlen` \|/);
});

test('the action passes paths, netns-range, kernel, fail-on and sarif through to check', { timeout: 60_000 }, () => {
  const ws = workspaceWithSources();
  const narrow = runAction(ws, { paths: 'src/ok.c', 'netns-range': '50000-60999', 'fail-on': 'warning', sarif: 'reports/prl.sarif' });
  assert.equal(narrow.status, 1, narrow.stdout);
  assert.deepEqual(sarifOf(narrow, 'reports/prl.sarif').results.map((x) => x.ruleId), ['outside-netns-range']);
  const old = runAction(ws, { paths: 'src/ok.c', kernel: '6.1', 'fail-on': 'never' });
  assert.equal(old.status, 0, old.stdout);
  assert.deepEqual(sarifOf(old).results.map((x) => x.ruleId), ['kernel-too-old']);
  const clean = runAction(ws, { paths: 'src/ok.c\n' });
  assert.equal(clean.status, 0, clean.stdout);
  assert.equal(clean.outputs.findings, '0');
});

test('the action on a bad input fails with an error annotation and exit 2', { timeout: 60_000 }, () => {
  const ws = workspaceWithSources();
  const r = runAction(ws, { kernel: 'banana' });
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stdout, /^::error title=port-range-lens::/m);
  const bad = runAction(ws, { 'fail-on': 'sometimes' });
  assert.equal(bad.status, 2);
  assert.match(bad.stdout, /fail-on: "sometimes" is not error, warning or never/);
});

test('the action from a checkout without dist/ installs the npm package of its version', { timeout: 180_000 }, async () => {
  const actionPath = tempDir('prl-action-');
  for (const f of ['action.yml', 'package.json', 'action']) cpSync(join(ROOT, f), join(actionPath, f), { recursive: true });
  assert.ok(!existsSync(join(actionPath, 'dist')));
  const r = runAction(workspaceWithSources(), {}, { actionPath, env: { PORT_RANGE_LENS_PACKAGE: await tarball() } });
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /Installing .*port-range-lens-.*\.tgz from npm/);
  assert.ok(sarifOf(r).results.some((x) => x.ruleId === 'bad-optlen'));
});
