/** The two socket-list parsers read the same sockets the same way; unreadable lines are counted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSs } from '../../server/src/pressure/ss';
import { parseProcNet } from '../../server/src/pressure/procNet';

const SS = [
  'tcp   LISTEN     0      4096         127.0.0.1:5000        0.0.0.0:*',
  'tcp   ESTAB      0      0            127.0.0.1:40001     127.0.0.1:5000',
  'tcp   TIME-WAIT  0      0      [::ffff:127.0.0.1]:40002 [::ffff:127.0.0.1]:5000',
  'tcp   ESTAB      0      0                 [::1]:40003         [::1]:443',
  'udp   UNCONN     0      0        127.0.0.53%lo:53          0.0.0.0:*',
  'udp   ESTAB      0      0         10.0.0.2:40004       10.0.0.53:53',
  'garbage line',
].join('\n');

// The same sockets as /proc/net prints them on a little-endian host.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0100007F:9C41 0100007F:1388 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000100007F:9C42 0000000000000000FFFF00000100007F:1388 06 00000000:00000000 03:00000aa5 00000000     0        0 0 3 0
   1: 00000000000000000000000001000000:9C43 00000000000000000000000001000000:01BB 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  1: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 4 2 0 0
  2: 0200000A:9C44 3500000A:0035 01 00000000:00000000 00:00000000 00000000     0        0 5 2 0 0
  3: nonsense
`;

const key = (s: { proto: string; state: string; localAddr: string; localPort: number; remoteAddr: string | null; remotePort: number }) =>
  `${s.proto} ${s.state} ${s.localAddr}:${s.localPort} -> ${s.remoteAddr}:${s.remotePort}`;

test('ss and /proc/net parse to the same sockets (v4-mapped as IPv4, scope ids dropped)', () => {
  const ss = parseSs(SS);
  assert.equal(ss.skipped, 1);
  const proc = [parseProcNet(TCP, 'tcp', true), parseProcNet(TCP6, 'tcp', true), parseProcNet(UDP, 'udp', true)];
  assert.equal(proc.reduce((n, p) => n + p.skipped, 0), 1);
  const a = ss.sockets.map(key).sort();
  const b = proc.flatMap((p) => p.sockets).map(key).sort();
  assert.deepEqual(a, b);
  assert.ok(a.includes('tcp TIME-WAIT 127.0.0.1:40002 -> 127.0.0.1:5000'));
  assert.ok(a.includes('tcp ESTAB ::1:40003 -> ::1:443'));
  assert.ok(a.includes('udp UNCONN 127.0.0.53:53 -> null:0'));
});

test('/proc/net on a big-endian host reads the words the other way round', () => {
  const be = parseProcNet(`h\n 0: 7F000001:9C41 7F000001:1388 01 x\n`, 'tcp', false);
  assert.deepEqual(be.sockets.map(key), ['tcp ESTAB 127.0.0.1:40001 -> 127.0.0.1:5000']);
});
