/**
 * The IP_LOCAL_PORT_RANGE slices a source tree declares, taken from the analyzer through its
 * public entry point: `port-range-lens check DIR --format json` (docs/cli-check.md), run as a
 * child process so that nothing here depends on the analysis internals.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface DeclaredRange {
  lo: number;
  hi: number;
  /** "file:line" of each call site declaring it. */
  at: string[];
}

/** The CLI beside this bundle (dist/cli.js), or the sources through tsx when running unbundled. */
function checkCommand(): string[] {
  const bundled = join(__dirname, 'cli.js');
  if (existsSync(bundled)) return [bundled];
  return ['--import', 'tsx', join(__dirname, '..', 'cli.ts')];
}

interface CheckJson {
  callSites: { file: string; line: number; op: string; effective: { lo: number; hi: number; rule: string } | null }[];
  summary: { errors: { file: string; reason: string }[] };
}

/**
 * Effective ranges of every setsockopt call site whose option the kernel honours (rule socket,
 * socket-lo or socket-hi) under `netnsRange`, merged by range. Rejects with check's own message.
 */
export function declaredRanges(dir: string, netnsRange: { lo: number; hi: number }, timeoutMs = 120_000): Promise<DeclaredRange[]> {
  return new Promise((resolve, reject) => {
    const args = [...checkCommand(), 'check', dir, '--format', 'json', '--fail-on', 'never', '--no-progress',
      '--netns-range', `${netnsRange.lo}-${netnsRange.hi}`];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && code !== 1) {
        reject(new Error(err.trim().replace(/^port-range-lens check: /, '') || `check exited ${code}`));
        return;
      }
      let doc: CheckJson;
      try {
        doc = JSON.parse(out) as CheckJson;
      } catch {
        reject(new Error(`check printed no JSON: ${err.trim() || out.slice(0, 200)}`));
        return;
      }
      const byRange = new Map<string, DeclaredRange>();
      for (const c of doc.callSites) {
        const e = c.effective;
        if (c.op !== 'set' || !e || !/^socket/.test(e.rule)) continue;
        const key = `${e.lo}-${e.hi}`;
        let d = byRange.get(key);
        if (!d) byRange.set(key, (d = { lo: e.lo, hi: e.hi, at: [] }));
        d.at.push(`${c.file}:${c.line}`);
      }
      resolve([...byRange.values()].sort((a, b) => a.lo - b.lo || a.hi - b.hi));
    });
  });
}
