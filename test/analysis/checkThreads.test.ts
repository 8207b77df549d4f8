// The built `check` (dist/cli.js) over a tree, on one thread and with the helper thread
// (PRL_CHECK_THREADS=2): the same output, byte for byte, and the same exit status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

test('check with the helper thread prints exactly what one thread prints', (t) => {
  if (!existsSync(join(ROOT, 'dist', 'checkWorker.js')) || !existsSync(join(ROOT, 'dist', 'cli.js'))) {
    t.skip('dist/ not built (node scripts/build.mjs)');
    return;
  }
  if (availableParallelism() < 2) {
    t.skip('one CPU: the helper thread is never started');
    return;
  }
  // A private copy of the bundle and its assets: a concurrent rebuild cannot pull it away.
  const dist = join(mkdtempSync(join(tmpdir(), 'prl-dist-')), 'dist');
  const tree = mkdtempSync(join(tmpdir(), 'prl-threads-'));
  try {
    cpSync(join(ROOT, 'dist'), dist, { recursive: true, filter: (f) => !f.endsWith('.map') });
    for (let d = 0; d < 4; d++) {
      mkdirSync(join(tree, `d${d}`));
      for (let f = 0; f < 30; f++) {
        const n = d * 30 + f;
        const hi = 40000 + n * 7;
        const lo = n % 5 === 0 ? hi + 1 : 40000; // every fifth file: empty range
        const body = `static int other${n}(int x) {\n  return x + ${n};\n}\n` +
          `void f(int fd) {\n  uint32_t v = (${hi}u << 16) | ${lo}u;\n  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, ${n % 7 === 0 ? 2 : 'sizeof v'});\n}\n`;
        writeFileSync(join(tree, `d${d}`, `f${n}.c`), body);
        writeFileSync(join(tree, `d${d}`, `p${n}.c`), 'int main(void) { return 0; }\n');
      }
    }
    const run = (threads: string, format: string) => spawnSync(process.execPath, [join(dist, 'cli.js'), 'check', '--format', format, '.'], {
      cwd: tree, encoding: 'utf8', timeout: 120_000, env: { ...process.env, PRL_CHECK_THREADS: threads },
    });
    for (const format of ['json', 'text']) {
      const one = run('1', format);
      const two = run('2', format);
      assert.equal(one.status, 1, one.stderr);
      assert.equal(two.status, one.status, two.stderr);
      assert.equal(two.stdout, one.stdout);
      if (format === 'json') {
        const j = JSON.parse(one.stdout) as { callSites: { file: string }[]; summary: { files: number; callSites: number } };
        assert.equal(j.summary.files, 240);
        assert.equal(j.summary.callSites, 120);
        assert.deepEqual(j.callSites.map((c) => c.file), [...j.callSites.map((c) => c.file)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }
    }
  } finally {
    rmSync(tree, { recursive: true, force: true });
    rmSync(join(dist, '..'), { recursive: true, force: true });
  }
});
