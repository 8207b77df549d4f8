/**
 * Runs INSIDE a private network namespace (started by pressure.test.ts through `unshare -n`):
 * real TCP connections from a known range (the namespace's ip_local_port_range) to a local
 * listener, and `port-range-lens pressure` (the built CLI given as argv[2]) asked about them.
 * Prints one JSON object with what the CLI reported at each step. Refuses to run elsewhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';

const cli = process.argv[2]!;
const RANGE = '41000 41999';
const N = 40;
const K = 10; // closed with RST: gone at once
const J = 5; // closed actively (client first): TIME-WAIT

function guard(): void {
  const devs = readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0]!.trim()).filter(Boolean);
  let initNs = false;
  try {
    initNs = readlinkSync('/proc/self/ns/net') === readlinkSync('/proc/1/ns/net');
  } catch {
    /* PID 1's namespace not readable here: the lo-only test stands alone (as in runner.py) */
  }
  if (devs.join() !== 'lo' || initNs) {
    process.stdout.write(JSON.stringify({ error: 'refusing to run outside a private network namespace' }));
    process.exit(3);
  }
}

function pressure(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'pressure', '--format', 'json', ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`pressure ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { destinations: { proto: string; destination: string; inUse: number; timeWait: number; capacity: number }[]; ranges: { lo: number; hi: number; inUse: number; capacity: number }[]; netnsRange: { lo: number; hi: number } };
}

function row(doc: ReturnType<typeof pressure>) {
  const d = doc.destinations.find((x) => x.proto === 'tcp' && x.destination === '127.0.0.1:5000');
  return d ? { inUse: d.inUse, timeWait: d.timeWait, capacity: d.capacity } : null;
}

const open = (n: number) => Promise.all(Array.from({ length: n }, () => new Promise<Socket>((res, rej) => {
  const s = connect({ host: '127.0.0.1', port: 5000 }, () => res(s));
  s.on('error', rej);
})));

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scrape(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  return r.text();
}

function metric(text: string, name: string): number | null {
  const m = new RegExp(`^${name}\\{proto="tcp",destination="127\\.0\\.0\\.1:5000"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

async function main(): Promise<void> {
  guard();
  writeFileSync('/proc/sys/net/ipv4/ip_local_port_range', RANGE);
  const peers: Socket[] = [];
  const server = createServer((s) => {
    peers.push(s);
    s.on('end', () => s.end()); // the peer closes after the client: the client ends in TIME-WAIT
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(5000, '127.0.0.1', r));
  const out: Record<string, unknown> = {};
  const clients = await open(N);
  out.ports = clients.map((c) => c.localPort);
  out.afterOpen = { ss: row(pressure('--source', 'ss')), proc: row(pressure('--source', 'proc')) };
  const ranged = pressure('--ranges', '41000-41499,41500-41999');
  out.ranges = ranged.ranges;
  out.netnsRange = ranged.netnsRange;
  for (const c of clients.slice(0, K)) c.resetAndDestroy();
  await wait(100);
  out.afterRst = { ss: row(pressure('--source', 'ss')), proc: row(pressure('--source', 'proc')) };
  await Promise.all(clients.slice(K, K + J).map((c) => new Promise<void>((r) => { c.on('close', () => r()); c.end(); })));
  await wait(200);
  out.afterActiveClose = { ss: row(pressure('--source', 'ss')), proc: row(pressure('--source', 'proc')) };

  // --serve: two scrapes with new sockets between them, then SIGTERM.
  const srv = spawn(process.execPath, [cli, 'pressure', '--serve', '127.0.0.1:9464'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  srv.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  for (let i = 0; i < 100 && !/serving/.test(err); i++) await wait(50);
  const first = await scrape(9464);
  const more = await open(7);
  const second = await scrape(9464);
  const exit = new Promise<number | null>((r) => srv.on('exit', (code) => r(code)));
  srv.kill('SIGTERM');
  out.serve = {
    first: metric(first, 'port_range_lens_ports_in_use'),
    second: metric(second, 'port_range_lens_ports_in_use'),
    // Loopback connects may reuse a TIME-WAIT port once it is over a second old (tcp_tw_reuse=2,
    // tcp_tw_reuse_delay): the new sockets' ports and the TIME-WAIT ones let the test count exactly.
    newPorts: more.map((c) => c.localPort),
    timeWaitPorts: clients.slice(K, K + J).map((c) => c.localPort),
    timeWait: metric(second, 'port_range_lens_time_wait'),
    capacity: metric(second, 'port_range_lens_capacity'),
    ratio: metric(second, 'port_range_lens_used_ratio'),
    exitCode: await Promise.race([exit, wait(5000).then(() => 'still running')]),
    stderr: err,
  };
  // A port that is taken: the listener's own.
  const taken = spawnSync(process.execPath, [cli, 'pressure', '--serve', '127.0.0.1:5000'], { encoding: 'utf8', timeout: 10_000 });
  out.taken = { status: taken.status, stderr: taken.stderr };
  for (const c of [...clients, ...more]) c.destroy();
  for (const p of peers) p.destroy();
  server.close();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e: Error) => {
  process.stdout.write(JSON.stringify({ error: e.stack ?? e.message }));
  process.exit(1);
});
