// The step of the GitHub Action (action.yml). Reads its inputs from INPUT_* (mapped by the
// composite step), runs `port-range-lens check --format sarif` in GITHUB_WORKSPACE, writes
// the SARIF file for github/codeql-action/upload-sarif, turns each result into a workflow
// annotation, writes the step outputs and summary, and exits with check's status:
// 0 = nothing at the fail-on level, 1 = findings, 2 = usage or I/O error.
// Plain Node (>= 20), no dependencies: it runs from the action's checkout.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const actionRoot = process.env.GITHUB_ACTION_PATH || resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = resolve(process.env.GITHUB_WORKSPACE || process.cwd());

function input(name, fallback = '') {
  const v = (process.env[`INPUT_${name}`] ?? '').trim();
  return v === '' ? fallback : v;
}

/** Workflow-command escaping (data, and the stricter form for properties). */
const escData = (s) => String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function fail(message, code = 2) {
  console.log(`::error title=port-range-lens::${escData(message)}`);
  process.exit(code);
}

/** The CLI: the action's own build (dist/cli.js) if present, else the npm package of the same version. */
function locateCli() {
  const local = join(actionRoot, 'dist', 'cli.js');
  if (existsSync(local)) return local;
  const version = input('VERSION', JSON.parse(readFileSync(join(actionRoot, 'package.json'), 'utf8')).version);
  // PORT_RANGE_LENS_PACKAGE: any npm install spec (a mirror, a tarball) instead of the registry's.
  const spec = process.env.PORT_RANGE_LENS_PACKAGE || `port-range-lens@${version}`;
  const prefix = join(process.env.RUNNER_TEMP || tmpdir(), `port-range-lens-${spec.replace(/[^\w.@-]+/g, '_').slice(-80)}`);
  const cli = join(prefix, 'node_modules', 'port-range-lens', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    mkdirSync(prefix, { recursive: true });
    console.log(`Installing ${spec} from npm`);
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', spec], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
    if (r.error || r.status !== 0 || !existsSync(cli)) fail(`could not install ${spec} with npm (exit ${r.status ?? r.error?.message})`);
  }
  return cli;
}

function splitPaths(s) {
  return (s.includes('\n') ? s.split('\n') : s.split(/\s+/)).map((p) => p.trim()).filter(Boolean);
}

/** A SARIF result's file, relative to the workspace (what annotations want). */
function resultFile(loc) {
  const uri = loc?.physicalLocation?.artifactLocation?.uri ?? '';
  const abs = uri.startsWith('file:') ? fileURLToPath(uri) : resolve(workspace, decodeURIComponent(uri));
  return relative(workspace, abs).split('\\').join('/');
}

const failOn = input('FAIL_ON', 'error');
if (!['error', 'warning', 'never'].includes(failOn)) fail(`fail-on: "${failOn}" is not error, warning or never`);
const sarifInput = input('SARIF', 'port-range-lens.sarif');
const sarifPath = isAbsolute(sarifInput) ? sarifInput : resolve(workspace, sarifInput);
const args = ['check', ...splitPaths(input('PATHS', '.')), '--format', 'sarif', '--no-progress', '--fail-on', failOn,
  '--netns-range', input('NETNS_RANGE', '32768-60999'), '--kernel', input('KERNEL', '6.18')];
const reserved = input('RESERVED');
if (reserved) args.push('--reserved', reserved);

const cli = locateCli();
console.log(`port-range-lens ${args.join(' ')}`);
const r = spawnSync(process.execPath, [cli, ...args], { cwd: workspace, encoding: 'utf8', maxBuffer: 1 << 30 });
if (r.stderr) process.stderr.write(r.stderr);
if (r.error) fail(`could not run ${cli}: ${r.error.message}`);

let sarif;
try {
  sarif = JSON.parse(r.stdout);
} catch {
  fail(`port-range-lens check exited ${r.status} without a SARIF document: ${r.stderr.trim() || r.stdout.trim()}`, r.status || 2);
}
mkdirSync(dirname(sarifPath), { recursive: true });
writeFileSync(sarifPath, JSON.stringify(sarif, null, 2) + '\n');

// A run that could not start (a usage or I/O error) is still a SARIF log, with a failed invocation: say why.
for (const inv of sarif.runs?.flatMap((run) => run.invocations ?? []) ?? []) {
  if (inv.executionSuccessful !== false) continue;
  const notes = (inv.toolExecutionNotifications ?? []).filter((n) => n.level === 'error').map((n) => n.message?.text).filter(Boolean);
  if (r.status === 2 || notes.length) console.log(`::error title=port-range-lens::${escData(notes.join('; ') || r.stderr.trim() || `check exited ${r.status}`)}`);
}

const results = sarif.runs?.flatMap((run) => run.results ?? []) ?? [];
const counts = { error: 0, warning: 0, note: 0 };
const rows = [];
for (const res of results) {
  const level = res.level ?? 'warning';
  counts[level] = (counts[level] ?? 0) + 1;
  const region = res.locations?.[0]?.physicalLocation?.region ?? {};
  const file = resultFile(res.locations?.[0]);
  const cmd = level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'notice';
  const props = [`file=${escProp(file)}`, `line=${region.startLine ?? 1}`, `col=${region.startColumn ?? 1}`,
    `endLine=${region.endLine ?? region.startLine ?? 1}`, `endColumn=${region.endColumn ?? region.startColumn ?? 1}`, `title=${escProp(res.ruleId)}`];
  console.log(`::${cmd} ${props.join(',')}::${escData(res.message?.text ?? res.ruleId)}`);
  rows.push(`| \`${file}:${region.startLine}\` | ${level} | \`${res.ruleId}\` | ${(res.message?.text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
}
const line = `${results.length} finding${results.length === 1 ? '' : 's'}: ${counts.error} errors, ${counts.warning} warnings, ${counts.note} notes`;
console.log(`port-range-lens: ${line}; SARIF written to ${sarifPath}`);

if (process.env.GITHUB_OUTPUT) {
  appendFileSync(process.env.GITHUB_OUTPUT, `sarif=${sarifPath}\nfindings=${results.length}\nerrors=${counts.error}\n`);
}
if (process.env.GITHUB_STEP_SUMMARY) {
  const table = rows.length ? `\n| Where | Level | Code | Message |\n|---|---|---|---|\n${rows.slice(0, 100).join('\n')}\n` : '';
  const more = rows.length > 100 ? `\n… and ${rows.length - 100} more (see the SARIF file).\n` : '';
  appendFileSync(process.env.GITHUB_STEP_SUMMARY, `### Port Range Lens\n\n${line} (fail-on: ${failOn}).\n${table}${more}`);
}
process.exit(r.status ?? 2);
