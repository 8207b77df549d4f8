/**
 * The pre-commit hooks (.pre-commit-hooks.yaml), run by the real `pre-commit` tool in a
 * temporary git repository whose .pre-commit-config.yaml points at a git copy of this
 * repository: a staged file with an error blocks `git commit` and prints the diagnostic, a
 * clean one commits, a file of another language is not passed to the hook.
 * `port-range-lens` (language: node) is installed by pre-commit itself the way a user gets
 * it: npm install of the build tools in the clone, npm pack (prepack builds dist/), npm
 * install -g of the tarball (npm_config_prefer_offline reuses the npm cache `npm ci` filled;
 * anything missing comes from the registry). `port-range-lens-system` uses the npm package
 * installed on PATH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLEAN_C, ROOT, installGlobal, tempDir } from './helpers';

const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = hasPreCommit ? false : 'pre-commit is not installed (apt-get install pre-commit; .ci/run does)';
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
}

/** This repository's files (tracked and new, not ignored) committed into a fresh git repository. */
function hookRepo(): { path: string; rev: string } {
  const path = tempDir('prl-hookrepo-');
  const ls = sh('git', ['ls-files', '-co', '--exclude-standard', '-z'], ROOT);
  assert.equal(ls.status, 0, ls.stderr);
  for (const f of ls.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(path, f)), { recursive: true });
    cpSync(join(ROOT, f), join(path, f));
  }
  const env = { ...process.env, ...GIT_ENV };
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'hook repository']]) assert.equal(sh('git', args, path, env).status, 0);
  return { path, rev: sh('git', ['rev-parse', 'HEAD'], path).stdout.trim() };
}

/** A repository using `hookId`, with pre-commit's git hook installed; returns a committer. */
function consumer(hook: { path: string; rev: string }, hookId: string, env: NodeJS.ProcessEnv) {
  const repo = tempDir('prl-consumer-');
  assert.equal(sh('git', ['init', '-q'], repo).status, 0);
  writeFileSync(join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hook.path}\n    rev: ${hook.rev}\n    hooks:\n      - id: ${hookId}\n`);
  const inst = sh('pre-commit', ['install'], repo, env);
  assert.equal(inst.status, 0, inst.stderr);
  return (files: Record<string, string>, message: string) => {
    sh('git', ['reset', '-q'], repo, env);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, name)), { recursive: true });
      writeFileSync(join(repo, name), text);
    }
    assert.equal(sh('git', ['add', '.pre-commit-config.yaml', ...Object.keys(files)], repo, env).status, 0);
    const r = sh('git', ['commit', '-m', message], repo, env);
    const log = sh('git', ['log', '--format=%s'], repo, env).stdout.split('\n').filter(Boolean);
    return { status: r.status, out: r.stdout + r.stderr, committed: log.includes(message) };
  };
}

function exercise(commit: ReturnType<typeof consumer>, hookName: RegExp) {
  const bad = commit({ 'src/egress.c': readFileSync(join(ROOT, 'examples', 'c', 'egress.c'), 'utf8') }, 'bad');
  assert.notEqual(bad.status, 0, bad.out);
  assert.equal(bad.committed, false, 'the commit with an error went through');
  assert.match(bad.out, new RegExp(`${hookName.source}\\.+Failed`));
  assert.match(bad.out, /src\/egress\.c:57:53: error bad-optlen: optlen is 2 bytes/);

  const other = commit({ 'notes.txt': 'setsockopt(fd, SOL_IP, 51, &v, 2)\n' }, 'text only');
  assert.equal(other.status, 0, other.out);
  assert.match(other.out, new RegExp(`${hookName.source}\\.+\\(no files to check\\)Skipped`));

  const clean = commit({ 'src/ok.c': CLEAN_C }, 'clean');
  assert.equal(clean.status, 0, clean.out);
  assert.ok(clean.committed);
  assert.match(clean.out, new RegExp(`${hookName.source}\\.+Passed`));
}

test('pre-commit, language node: pre-commit installs the hook from the repository; errors block the commit', { skip, timeout: 600_000 }, () => {
  const env = { ...process.env, ...GIT_ENV, PRE_COMMIT_HOME: tempDir('prl-pre-commit-home-'), npm_config_prefer_offline: 'true' };
  const commit = consumer(hookRepo(), 'port-range-lens', env);
  exercise(commit, /port-range-lens/);
});

test('pre-commit, language system: the port-range-lens on PATH', { skip, timeout: 300_000 }, async () => {
  const prefix = await installGlobal();
  const env = { ...process.env, ...GIT_ENV, PRE_COMMIT_HOME: tempDir('prl-pre-commit-home-'), PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  const commit = consumer(hookRepo(), 'port-range-lens-system', env);
  exercise(commit, /port-range-lens \(installed\)/);
});
