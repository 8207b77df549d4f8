/**
 * The built CLI for process-level tests: builds dist/ when missing, then runs a private copy of
 * dist/cli.js and the bundles it loads on demand (dist/analyzer.js, dist/commands.js), so a
 * concurrent rebuild of dist/ (which starts by deleting it) cannot pull the files away mid-test. Registers the node:test before/after hooks of the calling file.
 */
import { after, before } from 'node:test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ROOT = join(__dirname, '..');

/** Returns the path of the private copy (valid once the file's tests run). */
export function privateCli(prefix: string): () => string {
  const built = join(ROOT, 'dist', 'cli.js');
  let cli = built;
  before(() => {
    if (!existsSync(built)) {
      const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
      if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
    }
    cli = join(mkdtempSync(join(tmpdir(), prefix)), 'cli.js');
    copyFileSync(built, cli);
    for (const f of ['analyzer.js', 'commands.js']) copyFileSync(join(ROOT, 'dist', f), join(dirname(cli), f));
  });
  after(() => {
    if (cli !== built) rmSync(dirname(cli), { recursive: true, force: true });
  });
  return () => cli;
}

/** Runs the CLI with `args` from the repository root; extra environment variables optional. */
export function runCli(cli: string, args: readonly string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
