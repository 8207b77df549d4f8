/**
 * Regenerates the scenario table of docs/differential.md from scenarios.ts:
 *   node --import tsx test/kernel/docTable.ts
 * (runner.test.ts fails when a scenario is missing from the document.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from './scenarios';

const HEAD = '| # | Scenario | Spec | Expected automatic allocations on 6.18 | Compared besides per-op errno |\n|---|---|---|---|---|\n';
const rows = SCENARIOS.map((s, i) => {
  const allocs = s.expect.allocs ? s.expect.allocs.replace(/(\d+)/g, '$1 ok').replace(/,/g, ', ') : '— (explicit binds only)';
  const compared = [
    s.compare.ports === 'set' ? 'port set' : 'count',
    s.compare.parity === 'split' ? 'parity split' : '',
    s.compare.parityOrder ? 'parity order' : '',
    s.compare.portOrder ? 'port order' : '',
    s.invariant ? `invariant: ${s.invariant.text}` : '',
  ].filter(Boolean).join(', ');
  return `| ${i + 1} | ${s.name} | ${s.spec} | ${allocs} | ${compared} |`;
});
const path = join(__dirname, '..', '..', 'docs', 'differential.md');
const doc = readFileSync(path, 'utf8');
const start = doc.indexOf(HEAD);
const end = doc.indexOf('\n## The speed ratio');
if (start < 0 || end < start) throw new Error('docs/differential.md: scenario table or the next heading not found');
writeFileSync(path, doc.slice(0, start + HEAD.length) + rows.join('\n') + '\n' + doc.slice(end));
console.log(`wrote ${rows.length} scenario rows to ${path}`);
