// Runs every bench/*.bench.ts in its own process (so peak-memory figures do not mix)
// and prints their figures. Each bench prints its own lines: "name: value unit (goal ..., ratio ...)".
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';

const only = process.argv.slice(2);
const files = readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o)))).sort();
// The machine's load decides the figures on a shared machine: say it (uptime's load average).
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
let failed = 0;
for (const f of files) {
  console.log(`\n== ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, f)], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`bench ${f} exited with ${r.status}`); }
}
process.exit(failed ? 1 : 0);
