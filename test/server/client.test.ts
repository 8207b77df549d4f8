/** The client's pure parts (no VS Code needed): the status text and the one command table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { statusText } from '../../client/src/statusText';
import { COMMANDS } from '../../client/src/commands';

test('status bar: the netns range and kernel the server resolved, and where the range came from', () => {
  const base = { netnsRange: { lo: 32768, hi: 60999 }, netnsSource: 'config' as const, kernel: '6.18', problems: [] };
  assert.equal(statusText(base).text, '$(server-process) 32768–60999 · Linux 6.18');
  const auto = statusText({ ...base, netnsRange: { lo: 40000, hi: 49999 }, netnsSource: 'proc', kernel: '6.8' });
  assert.equal(auto.text, '$(server-process) 40000–49999 · Linux 6.8');
  assert.match(auto.tooltip, /this machine/);
  assert.match(statusText({ ...base, netnsSource: 'directive' }).tooltip, /this file's/);
  const bad = statusText({ ...base, problems: ['portRangeLens.kernel: "x" is not a kernel version; using the default'] });
  assert.match(bad.text, /^\$\(warning\)/);
  assert.match(bad.tooltip, /Settings problems/);
});

test('commands: the one table equals package.json contributes.commands, both ways, under one category', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const contributed = (pkg.contributes.commands as { command: string; category: string }[]);
  assert.deepEqual(COMMANDS.filter((c) => c.contributed).map((c) => c.id).sort(), contributed.map((c) => c.command).sort());
  assert.ok(contributed.every((c) => c.category === 'Port Range Lens'));
  assert.equal(new Set(COMMANDS.map((c) => c.id)).size, COMMANDS.length, 'no id twice');
  // every command named in a menu exists in the table
  const menus = Object.values(pkg.contributes.menus ?? {}).flat() as { command: string }[];
  for (const m of menus) assert.ok(COMMANDS.some((c) => c.id === m.command), m.command);
});
