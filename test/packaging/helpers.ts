/**
 * Shared by the distribution tests: the npm tarball packed once per process
 * (scripts/package-npm.mjs), installed into a scratch prefix, and a raw LSP initialize.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(__dirname, '..', '..');
export const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  [k: string]: unknown;
};

interface NpmModule {
  packageNpm(o: { destination: string }): { file: string; entries: number; bytes: number };
  checkNpmListing(paths: string[], pkg: unknown, readme: string): string[];
  linkedDocs(markdown: string): string[];
}

export async function npmModule(): Promise<NpmModule> {
  return (await import(pathToFileURL(join(ROOT, 'scripts', 'package-npm.mjs')).href)) as NpmModule;
}

/** A C file with one correct call (40000-40511): no finding at any level. */
export const CLEAN_C = `#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

int set_range(int fd) {
  uint32_t range = (40511u << 16) | 40000u;
  return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &range, sizeof(range));
}
`;

const scratch: string[] = [];
process.on('exit', () => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** A temporary directory removed when the process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

interface VsixModule {
  packageVsix(o: { out: string }): { file: string; entries: number; bytes: number };
  listZip(file: string): string[];
  readZipEntry(file: string, name: string): Buffer;
}

export async function vsixModule(): Promise<VsixModule> {
  return (await import(pathToFileURL(join(ROOT, 'scripts', 'package-vsix.mjs')).href)) as VsixModule;
}

let vsixFile: string | undefined;
/** The .vsix, packaged once per process (vsce; scripts/package-vsix.mjs fails on any vsce warning). */
export async function vsix(): Promise<string> {
  if (!vsixFile) vsixFile = (await vsixModule()).packageVsix({ out: join(tempDir('prl-vsix-'), 'test.vsix') }).file;
  return vsixFile;
}

let packed: string | undefined;
/** The npm tarball, packed once per process into a scratch directory. */
export async function tarball(): Promise<string> {
  if (!packed) packed = (await npmModule()).packageNpm({ destination: tempDir('prl-pack-') }).file;
  return packed;
}

/** `npm install -g --prefix <tmp> <tarball>` run from an empty directory; returns the prefix. */
export async function installGlobal(): Promise<string> {
  const tgz = await tarball();
  const prefix = tempDir('prl-prefix-');
  const empty = tempDir('prl-empty-');
  const r = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tgz], { cwd: empty, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm install -g failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return prefix;
}

/**
 * Starts `cmd args` as an LSP server over stdio, sends `initialize` framed with
 * Content-Length, and returns the result (then `shutdown`/`exit`).
 */
export function lspInitialize(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ serverInfo?: { name: string; version?: string }; capabilities: Record<string, unknown> }> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    let buf = Buffer.alloc(0);
    let stderr = '';
    const timer = setTimeout(() => { p.kill(); reject(new Error(`no initialize answer in 20 s; stderr: ${stderr}`)); }, 20_000);
    const send = (msg: unknown) => {
      const body = Buffer.from(JSON.stringify(msg), 'utf8');
      p.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      p.stdin.write(body);
    };
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.stdout.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1]);
        if (buf.length < head + 4 + len) return;
        const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString('utf8'));
        buf = buf.subarray(head + 4 + len);
        if (msg.id === 1) {
          clearTimeout(timer);
          send({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
          send({ jsonrpc: '2.0', method: 'exit' });
          p.stdin.end();
          resolvePromise(msg.result);
        }
      }
    });
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
  });
}
