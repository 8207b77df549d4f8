/**
 * docs/ci.md stays true: its GitHub workflow uses only inputs action.yml declares and the
 * package's own version; its GitLab job, run line by line against the installed npm package,
 * writes a code quality report and fails on errors; its pre-commit snippet names real hooks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLEAN_C, PKG, ROOT, installGlobal, tempDir } from './helpers';

const doc = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
const blocks = (lang: string) => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const yamlBlocks = blocks('yaml').map((b) => parse(b) as Record<string, any>);

test('docs/ci.md: the GitHub workflow uses declared inputs, this version, and uploads the SARIF output', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  const wf = yamlBlocks.find((b) => b.jobs);
  assert.ok(wf, 'no workflow in docs/ci.md');
  assert.equal(wf.permissions['security-events'], 'write');
  const steps = Object.values(wf.jobs as Record<string, { steps: any[] }>)[0]!.steps;
  const prl = steps.find((s) => String(s.uses).startsWith('port-range-lens/port-range-lens@'));
  assert.equal(prl.uses, `port-range-lens/port-range-lens@v${PKG.version}`);
  for (const k of Object.keys(prl.with)) assert.ok(action.inputs[k], `with: ${k} is not an input of action.yml`);
  const upload = steps.find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
  assert.equal(upload.with.sarif_file, `\${{ steps.${prl.id}.outputs.sarif }}`);
  assert.ok(action.outputs.sarif);
  assert.match(upload.if, /!cancelled\(\)/, 'the SARIF is uploaded also when the check fails');
  // The plain shell line runs this version too.
  assert.ok(blocks('sh').some((b) => b.includes(`npx --yes port-range-lens@${PKG.version} check`)));
});

test('docs/ci.md: the pre-commit snippet names hooks of .pre-commit-hooks.yaml at this version', () => {
  const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[];
  const cfg = yamlBlocks.find((b) => b.repos);
  assert.ok(cfg);
  assert.equal(cfg.repos[0].rev, `v${PKG.version}`);
  for (const h of cfg.repos[0].hooks) assert.ok(hooks.some((x) => x.id === h.id), `hook ${h.id}`);
});

test('docs/ci.md: the GitLab job writes a code quality report and fails on errors', { timeout: 180_000 }, async () => {
  const job = yamlBlocks.find((b) => b['port-range-lens']?.script)?.['port-range-lens'];
  assert.ok(job, 'no GitLab job in docs/ci.md');
  assert.equal(job.artifacts.reports.codequality, 'gl-code-quality-report.json');
  const [install, ...script] = job.script as string[];
  assert.equal(install, `npm install -g port-range-lens@${PKG.version}`);
  const prefix = await installGlobal(); // the same package, from the tarball instead of the registry
  const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  const runJob = (ws: string) => {
    for (const line of script) {
      const r = spawnSync('bash', ['-eo', 'pipefail', '-c', line], { cwd: ws, env, encoding: 'utf8' });
      if (r.status !== 0) return { status: r.status, out: r.stdout + r.stderr };
    }
    return { status: 0, out: '' };
  };
  const ws = tempDir('prl-gitlab-');
  mkdirSync(join(ws, 'src'));
  cpSync(join(ROOT, 'examples', 'c', 'egress.c'), join(ws, 'src', 'egress.c'));
  const r = runJob(ws);
  assert.equal(r.status, 1, r.out);
  const report = JSON.parse(readFileSync(join(ws, 'gl-code-quality-report.json'), 'utf8')) as any[];
  assert.ok(report.length > 5);
  const optlen = report.find((i) => i.check_name === 'bad-optlen');
  assert.deepEqual(optlen.location, { path: 'src/egress.c', lines: { begin: 57 } });
  assert.equal(optlen.severity, 'critical');
  assert.equal(new Set(report.map((i) => i.fingerprint)).size, report.length, 'fingerprints are unique');
  for (const i of report) assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity), i.severity);

  const clean = tempDir('prl-gitlab-clean-');
  writeFileSync(join(clean, 'ok.c'), CLEAN_C);
  assert.equal(runJob(clean).status, 0);
  assert.deepEqual(JSON.parse(readFileSync(join(clean, 'gl-code-quality-report.json'), 'utf8')), []);
  assert.ok(existsSync(join(clean, 'port-range-lens.json')));
});
