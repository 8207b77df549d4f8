// Runs the CLI from source in a child process (tsx), as a user would run dist/cli.js.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..');
const cliTs = join(root, 'server/src/cli.ts');
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

export function cli(args: string[], cwd = root, timeout = 60_000, env: NodeJS.ProcessEnv = process.env) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', tsx, cliTs, ...args], { cwd, encoding: 'utf8', timeout, maxBuffer: 1 << 28, env });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0, signal: r.signal };
}

export const BAD_C = `void f(int fd) {
  uint32_t v = (40511u << 16) | 40000u;
  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 2);
}
`;
