/**
 * The text form of `simulate --verify`: the engine and this machine's kernel side by side,
 * every difference listed (docs/cli-simulate.md).
 */
import type { VerifyOutcome } from '../kernel/verify';

type Side = NonNullable<VerifyOutcome['engine']>;

function cells(s: Side | null): string[] {
  if (!s) return ['-', '-', '-', '-'];
  const f = s.firstFailure;
  return [String(s.successes), f ? `${f.errno} at socket #${f.index}` : 'none', `even ${s.parity.even} / odd ${s.parity.odd}`, String(s.portsUsed)];
}

export function verifyText(v: VerifyOutcome): string {
  const k = v.kernel;
  const lines = [''];
  if (!k.ran) {
    lines.push(`this machine's kernel: not run: ${k.reason}`);
    lines.push('  (the simulation above stands alone)');
    return lines.join('\n') + '\n';
  }
  lines.push(`this machine's kernel (Linux ${k.release}, private network namespace, ${(v.ms / 1000).toFixed(1)} s)`);
  const e = cells(v.engine);
  const ks = cells(k.ran ? { successes: k.successes!, firstFailure: k.firstFailure, parity: k.parity!, portsUsed: k.portsUsed! } : null);
  const w = Math.max(10, ...e.map((x) => x.length));
  const labels = ['successes', 'first failure', 'parity', 'ports used'];
  lines.push(`  ${''.padEnd(14)}${'engine'.padEnd(w + 2)}kernel`);
  labels.forEach((l, i) => lines.push(`  ${l.padEnd(14)}${e[i].padEnd(w + 2)}${ks[i]}${e[i] === ks[i] ? '' : '   ≠'}`));
  lines.push(`  verdict       ${k.agrees ? 'agrees' : `${k.differences.length} difference${k.differences.length === 1 ? '' : 's'}`}`);
  for (const d of k.differences) lines.push(`    ≠ ${d}`);
  return lines.join('\n') + '\n';
}
