/** The client's pure parts (no VS Code needed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusText } from '../../client/src/statusText';

test('status bar: the configured netns range and kernel, or this machine\'s range for "auto"', () => {
  assert.deepEqual(statusText('32768-60999', '6.18', () => null).text, '$(server-process) 32768–60999 · Linux 6.18');
  const auto = statusText('auto', '6.8', () => '40000-49999');
  assert.equal(auto.text, '$(server-process) 40000–49999 · Linux 6.8');
  assert.match(auto.tooltip, /this machine/);
  assert.equal(statusText(' auto ', '6.3', () => null).text, '$(server-process) auto (unreadable) · Linux 6.3');
});
