// The main job: build, run the analyzer over the bundled examples/ (findings and
// decoded ranges), run one simulation, and package the installable .vsix and the npm
// tarball (CLI + language server), printing both paths.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

function step(title, cmd, args, { allowExit = [0] } = {}) {
  console.log(`\n\u25b6 ${title}\n  $ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.error) throw r.error;
  if (!allowExit.includes(r.status ?? -1)) {
    console.error(`npm start: "${title}" failed with exit code ${r.status}`);
    process.exit(r.status || 1);
  }
}

step('Build', process.execPath, ['scripts/build.mjs']);
// `check` exits 1 when it finds errors: the examples are written to show every diagnostic;
// --list prints the correct calls too ("ok" lines with their decoded range).
step('Check the bundled examples', process.execPath, ['dist/cli.js', 'check', 'examples', '--list', '--fail-on', 'never']);
step('Simulate one socket: 512-port range, TCP connect to one destination until exhaustion', process.execPath, [
  'dist/cli.js', 'simulate', '--proto', 'tcp', '--op', 'connect', '--range', '40000-40511',
  '--netns-range', '32768-60999', '--count', 'exhaust', '--dst', '127.0.0.1:5000', '--kernel', '6.18', '--seed', '1',
]);
step('Package the extension (.vsix)', process.execPath, ['scripts/package-vsix.mjs']);
step('Package the CLI and language server for npm (.tgz)', process.execPath, ['scripts/package-npm.mjs']);

const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
console.log(`\n\u25b6 Packages (version ${version})`);
console.log(`  VS Code extension: ${resolve(`${name}-${version}.vsix`)}   (code --install-extension …)`);
console.log(`  npm package:       ${resolve(`${name}-${version}.tgz`)}   (npm install -g …)`);
