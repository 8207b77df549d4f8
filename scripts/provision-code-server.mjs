#!/usr/bin/env node
// Provisions code-server (real VS Code 1.100.3 for the browser) into the ignored
// .cache/code-server folder, once; the end-to-end tests call this on first use.
// code-server is not a dependency of the package (it would weigh ~300 MB and needs
// native builds); see ../shared/toolchain-notes.md for the traps handled here.
//
// Usage: node scripts/provision-code-server.mjs   → prints the code-server binary path
// Exit 2 with a reason on stderr when a system prerequisite is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, '.cache', 'code-server');
export const codeServerBin = join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Reasons code-server cannot be provisioned or driven here; empty = all present. */
export function missingPrerequisites() {
  const missing = [];
  if (!existsSync(codeServerBin)) {
    // Only needed to build it: node-pty/kerberos native modules and the ripgrep pre-seed.
    if (!which('rg')) missing.push('ripgrep (apt-get install ripgrep)');
    if (spawnSync('pkg-config', ['--exists', 'krb5-gssapi']).status !== 0) missing.push('libkrb5-dev + pkg-config (apt-get install libkrb5-dev pkg-config)');
  }
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) missing.push(`chromium (${chromium}; apt-get install chromium)`);
  return missing;
}

function installedVersion() {
  try {
    return JSON.parse(readFileSync(join(cacheDir, 'node_modules', 'code-server', 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Installs code-server if absent; returns the path of its entry script. */
export function provision({ log = (s) => process.stderr.write(s + '\n') } = {}) {
  if (existsSync(codeServerBin) && installedVersion() === CODE_SERVER_VERSION) return codeServerBin;
  const missing = missingPrerequisites().filter((m) => !m.startsWith('chromium'));
  if (missing.length) throw Object.assign(new Error(`cannot provision code-server: missing ${missing.join(', ')}`), { code: 'MISSING_PREREQ' });
  mkdirSync(cacheDir, { recursive: true });
  // @vscode/ripgrep downloads rg from GitHub in postinstall: seed its cache with Debian's rg.
  const tmp = process.env.TMPDIR || tmpdir();
  const rgCache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(rgCache, { recursive: true });
  const rgDir = dirname(which('rg'));
  for (const asset of ['ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz']) {
    const tgz = join(rgCache, asset);
    if (!existsSync(tgz)) {
      const r = spawnSync('tar', ['czf', tgz, '-C', rgDir, 'rg']);
      if (r.status !== 0) throw new Error(`could not seed the ripgrep cache: ${r.stderr}`);
    }
  }
  writeFileSync(join(cacheDir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }, null, 2));
  log(`provisioning code-server ${CODE_SERVER_VERSION} into ${cacheDir} (about a minute, once)…`);
  const t0 = Date.now();
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: cacheDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true', npm_config_update_notifier: 'false' },
  });
  if (r.status !== 0 || !existsSync(codeServerBin)) {
    rmSync(join(cacheDir, 'node_modules', 'code-server'), { recursive: true, force: true });
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status}):\n${(r.stderr || '').slice(-3000)}`);
  }
  log(`code-server ${CODE_SERVER_VERSION} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return codeServerBin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const missing = missingPrerequisites();
  if (missing.length) {
    console.error(`missing: ${missing.join(', ')}`);
    process.exit(2);
  }
  try {
    console.log(provision());
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
